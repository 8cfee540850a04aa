/**
 * The component library and the component provider's entry point (package.json `main`). Every component
 * exported here becomes `immutable:index:<Class>` in the schema `pulumi package add` generates SDKs from.
 * Export components, their args interfaces and enums only: the provider host instantiates every exported
 * ComponentResource class.
 */

// build once: registries and the golden container image (components/image/)
export { AwsImageRegistry, type AwsImageRegistryArgs } from "./image/awsImageRegistry";
export { AcrSku, AzureImageRegistry, type AzureImageRegistryArgs } from "./image/azureImageRegistry";
export { BaseImagePolicy, ContainerImage, ImagePlatform, type ContainerImageArgs, type RegistryTarget } from "./image/containerImage";
export { GcpImageRegistry, type GcpImageRegistryArgs } from "./image/gcpImageRegistry";

// release model (components/release/)
export { Cloud } from "./release/release";

// deploy targets (components/aws, components/gcp, components/azure)
export { Slot, type SlotReleaseArgs, type SlotsArgs } from "./release/slots";
export { type ContainerServiceArgs, type ScalingArgs, type SecretRefArgs } from "./release/serviceArgs";
export { AwsContainerService, type AwsContainerServiceArgs } from "./aws/containerService";
export { GcpContainerService, type GcpContainerServiceArgs } from "./gcp/containerService";
export { AzureContainerService, type AzureContainerServiceArgs } from "./azure/containerService";
export {
    ContainerService,
    type ContainerServiceAwsArgs,
    type ContainerServiceAzureArgs,
    type ContainerServiceFacadeArgs,
    type ContainerServiceGcpArgs,
} from "./containerService";
