/**
 * Where an environment stack's release comes from, and what each slot holds. The release is read from, in
 * order: `immutable:release` (a release record in config), `immutable:releaseManifest` (a file written by
 * `bin/immutable release`), or the build stack's outputs through a StackReference (`immutable:buildStack`,
 * default `<org>/<project>/build`). Never a build.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../components/core/clouds";
import { parseImageRef, pinnedRef, SHA256_DIGEST } from "../components/core/imageRef";
import { readReleaseManifest, type ReleaseRecord, validateRelease } from "../components/core/releaseRecord";
import { type Slot, type SlotReleaseArgs, SLOTS } from "../components/core/slots";
import { fail, opt, parseJson } from "./config";

/** The value of a slot key that follows the stack's release source. */
export const CURRENT = "current";

/** The build stack whose outputs hold the release: `immutable:buildStack`, default `<org>/<project>/build`. */
export function buildStackName(config: pulumi.Config): string {
    return opt(config, "buildStack") ?? `${pulumi.getOrganization()}/${pulumi.getProject()}/build`;
}

/** The slots that hold a release (their key is neither unset nor `none`): what `read` makes of each key's value. */
export function slotsOf<T>(config: pulumi.Config, read: (slot: Slot, raw: string) => T): Partial<Record<Slot, T>> {
    const slots: Partial<Record<Slot, T>> = {};
    for (const slot of SLOTS) {
        const raw = opt(config, slot);
        if (raw !== undefined && raw !== "none") {
            slots[slot] = read(slot, raw);
        }
    }
    return slots;
}

/** Reads the release record from config, a manifest file, or the build stack. Never builds. */
export async function readRelease(config: pulumi.Config): Promise<{ release: ReleaseRecord; source: string }> {
    const inline = opt(config, "release");
    if (inline !== undefined) {
        return {
            release: validateRelease(parseJson("release", inline), "config immutable:release"),
            source: "config immutable:release",
        };
    }
    const manifest = opt(config, "releaseManifest");
    if (manifest !== undefined) {
        return { release: readReleaseManifest(manifest), source: `release manifest ${manifest}` };
    }
    const buildStack = buildStackName(config);
    const ref = new pulumi.StackReference(`build-release`, { name: buildStack });
    const record: Record<string, unknown> = {};
    for (const key of ["version", "gitSha", "digest", "refs"]) {
        const details = await ref.getOutputDetails(key);
        record[key] = details.value ?? details.secretValue;
    }
    const where = `StackReference ${buildStack}`;
    return { release: validateRelease(record, where), source: where };
}

/**
 * The release a slot key's value names: `current`, or a pinned `{version, digest[, revision]}` (the repository
 * comes from the release's ref for the cloud; `revision` is the revision recorded for the slot).
 */
export function slotRelease(slot: Slot, raw: string, release: ReleaseRecord, cloud: Cloud): SlotReleaseArgs {
    const ref = release.refs[cloud];
    if (ref === undefined) {
        throw new Error(
            `the release ${release.version} has no image reference for ${cloud} (refs: ${Object.keys(release.refs).join(", ")})`,
        );
    }
    if (raw === CURRENT) {
        return { version: release.version, image: ref };
    }
    const pin = (raw.trim().startsWith("{") ? parseJson(slot, raw) : undefined) as
        { version?: unknown; digest?: unknown; revision?: unknown } | null | undefined;
    if (!pin || typeof pin !== "object" || Array.isArray(pin)) {
        fail(slot, `must be "${CURRENT}" or {"version": "...", "digest": "sha256:..."}, got ${raw}`);
    }
    if (typeof pin.version !== "string" || pin.version.trim() === "") {
        fail(`${slot}.version`, `must be a non-empty string, got ${JSON.stringify(pin.version)}`);
    }
    if (typeof pin.digest !== "string" || !SHA256_DIGEST.test(pin.digest)) {
        fail(`${slot}.digest`, `must be sha256:<64 hex>, got ${JSON.stringify(pin.digest)}`);
    }
    if (pin.revision !== undefined && typeof pin.revision !== "string") {
        fail(`${slot}.revision`, `must be a revision name, got ${JSON.stringify(pin.revision)}`);
    }
    const image = pinnedRef(parseImageRef(ref)!.repository, pin.digest);
    return { version: pin.version, image, ...(pin.revision ? { revision: pin.revision } : {}) };
}
