/** The AWS components (`<package>/aws`): loads `@pulumi/aws` and no other cloud's SDK. */
export { AwsContainerService, type AwsContainerServiceArgs, type AwsServiceSpecifics } from "./containerService";
export { AwsImageRegistry, type AwsImageRegistryArgs, type AwsRegistrySpecifics } from "./imageRegistry";
export { AwsInstanceGroup, type AwsInstanceGroupArgs } from "./instanceGroup";
export { AwsMachineImage, type AwsMachineImageArgs } from "./machineImage";
