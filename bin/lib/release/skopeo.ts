/**
 * Registries, through skopeo: export the built image from the engine to a local directory (its manifest
 * digest becomes the release digest before anything leaves the machine), push that directory by digest,
 * copy by digest between registries (`--preserve-digests`: the bytes, hence the digest, never change), tag,
 * and read a manifest back to verify it.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { ProcessError, run, runChecked, skopeoCommand } from "./process";
import type { RegistryTarget } from "./registries";

/** A manifest as a registry (or the local staging directory) holds it. */
export interface ManifestInfo {
    /** `sha256:` of the manifest bytes: the image digest. */
    digest: string;
    /** The config digest the manifest names (the engine's image id), when it is a single-image manifest. */
    configDigest?: string;
}

/** A place in one registry: a repository and a tag or a digest. */
export interface Location {
    /** The registry and repository. */
    target: RegistryTarget;
    /** A tag (`v42`) or a digest (`sha256:...`). */
    reference: string;
}

/** What the release needs from registries (the specs substitute an in-memory fake). */
export interface RegistryTransport {
    /** Exports a locally built image to `dir`; resolves with the manifest that will be pushed. */
    stage(imageId: string, dir: string, timeoutMs: number): Promise<ManifestInfo>;
    /** Pushes the staged directory to `to` (a digest reference: nothing is tagged). */
    push(dir: string, to: Location, timeoutMs: number): Promise<void>;
    /** Copies a manifest and its blobs, byte for byte. */
    copy(from: Location, to: Location, timeoutMs: number): Promise<void>;
    /** Reads a manifest back; undefined when the registry says it does not exist. */
    inspect(at: Location, timeoutMs: number): Promise<ManifestInfo | undefined>;
}

/** `docker://repo:tag` or `docker://repo@sha256:...`. */
export function dockerUrl(at: Location): string {
    const sep = at.reference.startsWith("sha256:") ? "@" : ":";
    return `docker://${at.target.repository}${sep}${at.reference}`;
}

/** `repo:tag` or `repo@sha256:...`, for messages and the manifest. */
export function displayRef(at: Location): string {
    return dockerUrl(at).slice("docker://".length);
}

/** The digest and config digest of manifest bytes. */
export function describeManifest(bytes: Buffer): ManifestInfo {
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    let configDigest: string | undefined;
    try {
        const doc = JSON.parse(bytes.toString("utf8"));
        configDigest = typeof doc?.config?.digest === "string" ? doc.config.digest : undefined;
    } catch {
        configDigest = undefined;
    }
    return { digest, configDigest };
}

const NOT_FOUND =
    /manifest unknown|name unknown|MANIFEST_UNKNOWN|NAME_UNKNOWN|repository .* not found|not found: manifest/i;

/** The registry transport behind the skopeo binary. */
export class Skopeo implements RegistryTransport {
    constructor(readonly skopeo: string = skopeoCommand()) {}

    /** Resolves with a reason when skopeo cannot run, else undefined. */
    async unavailable(): Promise<string | undefined> {
        const result = await run(this.skopeo, ["--version"], { timeoutMs: 10_000 });
        return result.code === 0 ? undefined : `skopeo not usable (${result.stderr.trim() || `status ${result.code}`})`;
    }

    async stage(imageId: string, dir: string, timeoutMs: number): Promise<ManifestInfo> {
        const args = ["copy", "--quiet", "--dest-compress"];
        if (process.env.DOCKER_HOST) {
            args.push("--src-daemon-host", process.env.DOCKER_HOST);
        }
        args.push(`docker-daemon:${imageId}`, `dir:${dir}`);
        await runChecked(this.skopeo, args, { timeoutMs });
        return describeManifest(fs.readFileSync(path.join(dir, "manifest.json")));
    }

    async push(dir: string, to: Location, timeoutMs: number): Promise<void> {
        const args = ["copy", "--quiet", "--preserve-digests"];
        if (to.target.insecure) {
            args.push("--dest-tls-verify=false");
        }
        await runChecked(this.skopeo, [...args, `dir:${dir}`, dockerUrl(to)], { timeoutMs });
    }

    async copy(from: Location, to: Location, timeoutMs: number): Promise<void> {
        const args = ["copy", "--quiet", "--preserve-digests"];
        if (from.target.insecure) {
            args.push("--src-tls-verify=false");
        }
        if (to.target.insecure) {
            args.push("--dest-tls-verify=false");
        }
        await runChecked(this.skopeo, [...args, dockerUrl(from), dockerUrl(to)], { timeoutMs });
    }

    async inspect(at: Location, timeoutMs: number): Promise<ManifestInfo | undefined> {
        const args = ["inspect", "--raw"];
        if (at.target.insecure) {
            args.push("--tls-verify=false");
        }
        const result = await run(this.skopeo, [...args, dockerUrl(at)], { timeoutMs });
        if (result.code === 0 && !result.timedOut) {
            return describeManifest(result.stdoutBytes);
        }
        if (!result.timedOut && NOT_FOUND.test(result.stderr)) {
            return undefined;
        }
        throw new ProcessError(`skopeo inspect ${displayRef(at)}`, result);
    }
}
