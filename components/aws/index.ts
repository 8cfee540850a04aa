/** The AWS components (`<package>/aws`): loads `@pulumi/aws` and no other cloud's SDK. */
export { AwsContainerService, type AwsContainerServiceArgs } from "./containerService";
export { AwsImageRegistry, type AwsImageRegistryArgs } from "./imageRegistry";
