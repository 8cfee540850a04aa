/**
 * The whole library and the component provider's entry point. Every component exported here becomes
 * `<package>:index:<Class>` in the schema `pulumi package add` generates SDKs from (the provider host
 * instantiates every exported ComponentResource class). Programs that use one cloud import its entry point
 * (`<package>/aws`, `/gcp`, `/azure`, plus `/core` and `/image`) and load no other cloud's SDK.
 */
export * from "./core";
export * from "./image";
export * from "./aws";
export * from "./gcp";
export * from "./azure";
export { ContainerService, type ContainerServiceFacadeArgs } from "./containerService";
export {
    InstanceGroup,
    type InstanceGroupAwsArgs,
    type InstanceGroupAzureArgs,
    type InstanceGroupFacadeArgs,
    type InstanceGroupGcpArgs,
} from "./instanceGroup";
export {
    MachineImage,
    type MachineImageArgs,
    type MachineImageArtifactSourceArgs,
    type MachineImageAwsArgs,
    type MachineImageAzureArgs,
    type MachineImageGcpArgs,
    type MachineImageS3ObjectArgs,
    type MachineImageUploadsArgs,
    type MachineImageUrlArgs,
} from "./machineImage";
