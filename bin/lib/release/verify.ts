/**
 * Verification of what a registry holds: the manifest it serves must hash to the release digest and name the
 * config (image id) that was smoke-tested. Anything else means the registry stored other bytes (a rewrite, a
 * conversion, a concurrent writer), and the release stops before any version tag is written.
 */
import { StepError } from "./errors";
import type { ManifestInfo } from "./skopeo";

/** Throws a {@link StepError} for step `step` unless `found` is the release's manifest. */
export function verifyManifest(
    step: string,
    where: string,
    found: ManifestInfo | undefined,
    digest: string,
    imageId: string,
): ManifestInfo {
    if (found === undefined) {
        throw new StepError(step, `${where} does not exist in the registry after the push`);
    }
    if (found.digest !== digest) {
        throw new StepError(
            step,
            `${where} is served with digest ${found.digest}, expected ${digest}: the registry does not hold the image that was tested; no version tag was written`,
        );
    }
    if (found.configDigest !== undefined && found.configDigest !== imageId) {
        throw new StepError(step, `${where} names config ${found.configDigest}, but the tested image is ${imageId}`);
    }
    return found;
}
