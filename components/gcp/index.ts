/** The GCP components (`<package>/gcp`): loads `@pulumi/gcp` and no other cloud's SDK. */
export { GcpContainerService, type GcpContainerServiceArgs, type GcpServiceSpecifics } from "./containerService";
export { GcpImageRegistry, type GcpImageRegistryArgs, type GcpRegistrySpecifics } from "./imageRegistry";
export { GcpInstanceGroup, type GcpInstanceGroupArgs } from "./instanceGroup";
export { GcpMachineImage, type GcpMachineImageArgs } from "./machineImage";
