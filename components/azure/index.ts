/** The Azure components (`<package>/azure`): loads `@pulumi/azure-native` submodules and no other cloud's SDK. */
export { AzureContainerService, type AzureContainerServiceArgs } from "./containerService";
export { AcrSku, AzureImageRegistry, type AzureImageRegistryArgs } from "./imageRegistry";
