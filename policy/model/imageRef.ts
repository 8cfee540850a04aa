/**
 * The one image-reference parser the components, the pack and the CLI share. Re-exported here so the pack
 * has a single import of code outside policy/ (policy/publish.sh vendors this file when publishing).
 */
export { isLatest, isPinnedByDigest, parseImageRef, type ParsedImageRef } from "../../components/release/imageRef";
