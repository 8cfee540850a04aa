/**
 * The cloud-neutral core (`<package>/core`): the clouds, the release record, the blue-green slot model and the
 * args every service shares. Loads `@pulumi/pulumi` and no cloud SDK.
 */
export { Cloud } from "./clouds";
export { isPinnedByDigest, parseImageRef, pinnedRef, type ParsedImageRef } from "./imageRef";
export { readReleaseManifest, RELEASE_MANIFEST_SCHEMA, type ReleaseRecord, validateRelease } from "./releaseRecord";
export { BUILD_CACHE_TAG, BUILD_CACHE_TAG_FILTER } from "./buildCache";
export { BAKE_MANIFEST_SCHEMA, type BakeManifest, BootMode, validateBakeManifest } from "./bakeManifest";
export { type ChaosArgs, type InstanceGroupArgs, type MachineImageSlotArgs } from "./instanceGroupArgs";
export { AwsDiskFormat, type MachineImageArtifactArgs } from "./machineImageArgs";
export {
    MACHINE_IMAGE_RELEASE_SCHEMA,
    type MachineImageRelease,
    Provenance,
    validateMachineImageRelease,
} from "./machineImageRelease";
export { type ImageRegistryArgs } from "./registryArgs";
export { type ContainerServiceArgs, type ScalingArgs, type SecretRefArgs } from "./serviceArgs";
export { type SlotOutputs } from "./slotOutputs";
export { Slot, type SlotReleaseArgs, type SlotsArgs } from "./slots";
