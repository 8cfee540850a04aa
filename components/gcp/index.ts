/** The GCP components (`<package>/gcp`): loads `@pulumi/gcp` and no other cloud's SDK. */
export { GcpContainerService, type GcpContainerServiceArgs } from "./containerService";
export { GcpImageRegistry, type GcpImageRegistryArgs } from "./imageRegistry";
