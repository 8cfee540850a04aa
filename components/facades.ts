/**
 * The cloud-neutral facades (`<package>/facades`): ContainerService, InstanceGroup and MachineImage, with their
 * args. Each loads the chosen cloud's component and SDK only when it is constructed, and their declarations name
 * no cloud SDK, so a program that installs one cloud's SDK (`@pulumi/aws` alone) can use them. The root entry
 * exports them as well, together with every cloud's components.
 */
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
