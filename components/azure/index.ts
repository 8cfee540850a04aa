/** The Azure components (`<package>/azure`): loads `@pulumi/azure-native` submodules and no other cloud's SDK. */
export { AzureContainerService, type AzureContainerServiceArgs, type AzureServiceSpecifics } from "./containerService";
export { AcrSku, AzureImageRegistry, type AzureImageRegistryArgs, type AzureRegistrySpecifics } from "./imageRegistry";
export { AzureInstanceGroup, type AzureInstanceGroupArgs } from "./instanceGroup";
export { AzureMachineImage, type AzureMachineImageArgs } from "./machineImage";
