/**
 * The cloud-neutral core (`<package>/core`): the clouds, the release record, the blue-green slot model and the
 * args every service shares. Loads `@pulumi/pulumi` and no cloud SDK.
 */
export { Cloud } from "./clouds";
export { isPinnedByDigest, parseImageRef, pinnedRef, type ParsedImageRef } from "./imageRef";
export { readReleaseManifest, RELEASE_MANIFEST_SCHEMA, type ReleaseRecord, validateRelease } from "./releaseRecord";
export { type ContainerServiceArgs, type ScalingArgs, type SecretRefArgs } from "./serviceArgs";
export { Slot, type SlotReleaseArgs, type SlotsArgs } from "./slots";
