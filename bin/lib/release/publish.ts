/**
 * Publishing one digest to every registry, so that a failure at any point leaves no version tag on an
 * untested or partial image:
 *
 * 1. preflight (read-only, before anything is pushed): every registry is reachable and its `repo:version`
 *    is absent or already points at this digest; another digest there is refused (versions are immutable);
 * 2. content by digest only: the staged image is pushed once, to the first registry, as `repo@sha256:...`
 *    (an untagged manifest: nothing resolves it by version), then copied registry-to-registry by digest
 *    with `--preserve-digests`; each registry's manifest is read back and verified;
 * 3. tags last: only when every registry holds and has verified the digest, `repo:version` is written in
 *    each, each tag read back and verified.
 *
 * A failure in 1 or 2 leaves no tag anywhere (at most untagged content, which registry lifecycle rules
 * expire); a failure in 3 leaves some registries tagged with the complete, verified, tested image, and a
 * re-run with the same digest completes the rest.
 *
 * Between the preflight and the tags a concurrent release of the same version could write the tag first;
 * every tag is read back after writing (a mismatch fails the release), and registry-side tag immutability
 * (ECR IMMUTABLE repositories, Artifact Registry immutable tags, ACR locks) makes the overwrite impossible.
 */
import { StepError } from "./errors";
import type { StepRunner } from "./progress";
import type { RegistryTarget } from "./registries";
import { displayRef, type Location, type RegistryTransport } from "./skopeo";
import { verifyManifest } from "./verify";

/** What one publication needs. */
export interface PublishRequest {
    /** The destinations, the first one receives the push. */
    registries: RegistryTarget[];
    /** The version tag. */
    version: string;
    /** The release digest (of the staged manifest). */
    digest: string;
    /** The image id the registries' manifests must name. */
    imageId: string;
    /** Per push / copy / inspect timeout, milliseconds. */
    timeoutMs: number;
}

/** Registries whose version tag already points at the digest (a re-run), by name. */
export type AlreadyTagged = Set<string>;

const byDigest = (target: RegistryTarget, digest: string): Location => ({ target, reference: digest });
const byTag = (target: RegistryTarget, version: string): Location => ({ target, reference: version });

/** Step 1: reads every registry's version tag; refuses another digest; returns the registries already done. */
export async function preflight(transport: RegistryTransport, request: PublishRequest): Promise<AlreadyTagged> {
    const done: AlreadyTagged = new Set();
    const conflicts: string[] = [];
    const found = await Promise.all(
        request.registries.map(async (target) => {
            const at = byTag(target, request.version);
            try {
                return await transport.inspect(at, request.timeoutMs);
            } catch (err: any) {
                throw new StepError("preflight", `cannot read ${displayRef(at)} (${target.name}): ${err.message}`);
            }
        }),
    );
    request.registries.forEach((target, i) => {
        const manifest = found[i];
        if (manifest?.digest === request.digest) {
            done.add(target.name);
        } else if (manifest !== undefined) {
            conflicts.push(`${displayRef(byTag(target, request.version))} (${target.name}) is ${manifest.digest}`);
        }
    });
    if (conflicts.length > 0) {
        throw new StepError(
            "preflight",
            `version ${request.version} is already published with another digest: ${conflicts.join("; ")}; this build is ${request.digest}. ` +
                "Versions are immutable: release this content under a new version. Nothing was pushed.",
        );
    }
    return done;
}

/** Steps 2 and 3: content by digest everywhere, verified, then the version tags. */
export async function publish(
    transport: RegistryTransport,
    step: StepRunner,
    stagedDir: string,
    request: PublishRequest,
    alreadyTagged: AlreadyTagged,
): Promise<void> {
    const { registries, digest, imageId, version, timeoutMs } = request;
    const [first, ...others] = registries;
    // Writing content that is already there is harmless (blobs are skipped, the manifest has the same bytes);
    // a registry whose version tag already names the digest (a re-run) only has its tag verified.
    const verify = (target: RegistryTarget) =>
        step(`verify ${target.name}`, async () =>
            verifyManifest(
                `verify ${target.name}`,
                displayRef(byDigest(target, digest)),
                await transport.inspect(byDigest(target, digest), timeoutMs),
                digest,
                imageId,
            ),
        );

    if (!alreadyTagged.has(first.name)) {
        await step(
            `push ${first.name}`,
            () => transport.push(stagedDir, byDigest(first, digest), timeoutMs),
            () => `${displayRef(byDigest(first, digest))} (by digest, untagged)`,
        );
        await verify(first);
    }
    // The copies run concurrently; the tags are written only once every copy has settled and verified.
    await allSettled(
        others
            .filter((t) => !alreadyTagged.has(t.name))
            .map(async (target) => {
                await step(
                    `copy ${target.name}`,
                    () => transport.copy(byDigest(first, digest), byDigest(target, digest), timeoutMs),
                    () => `${displayRef(byDigest(target, digest))} (from ${first.name}, by digest, untagged)`,
                );
                await verify(target);
            }),
    );

    await allSettled(
        registries.map(async (target) => {
            const tag = byTag(target, version);
            await step(
                `tag ${target.name}`,
                async () => {
                    if (!alreadyTagged.has(target.name)) {
                        await transport.copy(byDigest(target, digest), tag, timeoutMs);
                    }
                    verifyManifest(
                        `tag ${target.name}`,
                        displayRef(tag),
                        await transport.inspect(tag, timeoutMs),
                        digest,
                        imageId,
                    );
                    return alreadyTagged.has(target.name) ? "already tagged" : "tagged";
                },
                (how) => `${displayRef(tag)} -> ${digest.slice(0, 19)}… (${how})`,
            );
        }),
    );
}

/** Waits for every task (none is left running in the background), then rethrows the first failure. */
async function allSettled(tasks: Array<Promise<void>>): Promise<void> {
    const results = await Promise.allSettled(tasks);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) {
        throw failed.reason;
    }
}
