/**
 * The release manifest `bin/immutable release --out release.json` writes: a ReleaseRecord (what every
 * environment stack consumes, validated by components/core/releaseRecord.ts) plus the evidence of how it was
 * made (tags, image id, smoke check, step durations). Written atomically and read back through
 * `readReleaseManifest` before the command reports success, so a manifest that exists is a valid one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
    RELEASE_MANIFEST_SCHEMA,
    readReleaseManifest,
    type ReleaseRecord,
} from "../../../components/core/releaseRecord";
import { pinnedRef } from "../../../components/core/imageRef";
import type { RegistryTarget } from "./registries";

/** The manifest file: the release record and how it was produced. */
export interface ReleaseManifest extends ReleaseRecord {
    /** Always {@link RELEASE_MANIFEST_SCHEMA}. */
    schema: string;
    /** The version tag in each registry (`repo:version`), keyed like `refs`. Points at `digest`, never moves. */
    tags: Record<string, string>;
    /** The engine's image id (`sha256:` of the image config): the config digest every registry's manifest names. */
    imageId: string;
    /** The build platform, when one was asked for. */
    platform?: string;
    /** The smoke check the image passed before it was pushed, or `skipped` (`--skip-smoke`). */
    smoke: string;
    /** Milliseconds per step (`build`, `smoke`, `push aws`, `copy gcp`, `verify aws`, `tag aws`, ...). */
    durationsMs: Record<string, number>;
}

/** Everything the manifest is made of. */
export interface ManifestInput {
    version: string;
    gitSha: string;
    digest: string;
    imageId: string;
    registries: RegistryTarget[];
    baseImages: string[];
    builtAt: Date;
    platform?: string;
    smoke: string;
    durationsMs: Record<string, number>;
}

/** Assembles the manifest; refs are `repo@digest` per registry name. */
export function buildManifest(input: ManifestInput): ReleaseManifest {
    const refs: Record<string, string> = {};
    const tags: Record<string, string> = {};
    for (const r of input.registries) {
        refs[r.name] = pinnedRef(r.repository, input.digest);
        tags[r.name] = `${r.repository}:${input.version}`;
    }
    const manifest: ReleaseManifest = {
        schema: RELEASE_MANIFEST_SCHEMA,
        version: input.version,
        gitSha: input.gitSha,
        digest: input.digest,
        refs,
        tags,
        imageId: input.imageId,
        baseImages: input.baseImages,
        builtAt: input.builtAt.toISOString(),
        smoke: input.smoke,
        durationsMs: input.durationsMs,
    };
    if (input.platform) {
        manifest.platform = input.platform;
    }
    return manifest;
}

/** Writes the manifest atomically (temp file + rename) and checks it reads back as a valid release. */
export function writeManifest(file: string, manifest: ReleaseManifest): ReleaseRecord {
    const dir = path.dirname(path.resolve(file));
    fs.mkdirSync(dir, { recursive: true });
    const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
    fs.writeFileSync(temp, `${JSON.stringify(manifest, null, 2)}\n`);
    fs.renameSync(temp, file);
    return readReleaseManifest(file);
}
