/**
 * The bake's outputs besides the disks: `manifest.json` (schema immutable.bake/v1, components/core/bakeManifest.ts,
 * what MachineImage imports) and `SHA256SUMS`; and the way back: the package set and SOURCE_DATE_EPOCH of an
 * earlier manifest, to pin a rebuild to exactly those packages.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
    BAKE_MANIFEST_SCHEMA,
    validateBakeManifest,
    type BakeFile,
    type BakeManifest,
    type BakedPackage,
    type BakeUploads,
    type BootTest,
} from "../../../components/core/bakeManifest";
import { StepError } from "../release/errors";

/** Everything the manifest is made of. */
export interface BakeManifestInput {
    name: string;
    version: string;
    gitSha: string;
    raw: BakeFile;
    gcp: BakeFile;
    azure: BakeFile;
    aws: BakeFile;
    bootTests: BootTest[];
    sshServer: boolean;
    packages: BakedPackage[];
    definitionSha256: string;
    tools: Record<string, string>;
    durationsMs: Record<string, number>;
    builtAt: Date;
    sourceDateEpoch: number;
    uploads?: BakeUploads;
}

/** Assembles the manifest (the AWS format is the stream-optimized VMDK). */
export function buildBakeManifest(input: BakeManifestInput): BakeManifest {
    const manifest: BakeManifest = {
        schema: BAKE_MANIFEST_SCHEMA,
        name: input.name,
        version: input.version,
        gitSha: input.gitSha,
        raw: input.raw,
        formats: { gcp: input.gcp, azure: input.azure, aws: { ...input.aws, format: "vmdk" } },
        bootModes: input.bootTests,
        sshServer: input.sshServer,
        packages: input.packages,
        definitionSha256: input.definitionSha256,
        tools: input.tools,
        durationsMs: input.durationsMs,
        builtAt: input.builtAt.toISOString(),
        sourceDateEpoch: input.sourceDateEpoch,
    };
    if (input.uploads && Object.keys(input.uploads).length > 0) {
        manifest.uploads = input.uploads;
    }
    return manifest;
}

/** `SHA256SUMS` in the format `sha256sum -c` reads: one `<hex>  <file>` line per disk file. */
export function sha256Sums(files: BakeFile[]): string {
    return files.map((f) => `${f.sha256.replace(/^sha256:/, "")}  ${f.file}\n`).join("");
}

/** Writes the manifest atomically and checks it reads back valid (a manifest that exists is a valid one). */
export function writeBakeManifest(file: string, manifest: BakeManifest): BakeManifest {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    fs.writeFileSync(temp, `${JSON.stringify(manifest, null, 2)}\n`);
    fs.renameSync(temp, file);
    return validateBakeManifest(JSON.parse(fs.readFileSync(file, "utf8")), `bake manifest ${file}`);
}

/** The package set and epoch of an earlier bake, to rebuild it (`--pin-packages manifest.json`). */
export function readPins(file: string): { packages: BakedPackage[]; sourceDateEpoch?: number; version: string } {
    let value: unknown;
    try {
        value = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err: any) {
        throw new StepError(
            "check",
            `--pin-packages ${file}: cannot read a bake manifest (${err.code ?? err.message})`,
        );
    }
    let manifest: BakeManifest;
    try {
        manifest = validateBakeManifest(value, `--pin-packages ${file}`);
    } catch (err: any) {
        throw new StepError("check", err.message);
    }
    for (const [i, p] of manifest.packages.entries()) {
        if (!p || typeof p.name !== "string" || typeof p.version !== "string" || typeof p.arch !== "string") {
            throw new StepError(
                "check",
                `--pin-packages ${file}: packages[${i}] must be {name, version, arch}, got ${JSON.stringify(p)}`,
            );
        }
    }
    return { packages: manifest.packages, sourceDateEpoch: manifest.sourceDateEpoch, version: manifest.version };
}
