/**
 * The machine-image artifact: what `bin/immutable bake` writes (`manifest.json`, schema `immutable.bake/v1`) and
 * what `MachineImage` imports into AWS, GCP and Azure. One raw disk, identified by its sha256, converted to each
 * cloud's import format; every cloud's image traces back to that sha256, the release version, the git commit
 * and the exact package set. Pure, no Pulumi import (the pack and the command line may use it).
 */

/** The manifest schema written by `bin/immutable bake`. */
export const BAKE_MANIFEST_SCHEMA = "immutable.bake/v1";

/** Firmware boot modes an image supports (and was boot-tested in). */
export enum BootMode {
    /** Legacy BIOS (AWS `legacy-bios`, Azure Gen1, GCP default). */
    Bios = "bios",
    /** UEFI (AWS `uefi`, Azure Gen2, GCP `UEFI_COMPATIBLE`). */
    Uefi = "uefi",
    /** UEFI with Secure Boot through the signed shim (GCP Shielded VM, Azure Trusted Launch). */
    UefiSecureBoot = "uefi-secure-boot",
}

/** One file of the artifact. */
export interface BakeFile {
    /** File name in the bake's output directory (`disk.raw`, `disk.raw.tar.gz`, `disk.vhd`, `disk.vmdk`). */
    file: string;
    /** sha256 of the file's bytes, `sha256:<64 hex>`. */
    sha256: string;
    /** Size in bytes. */
    sizeBytes: number;
}

/** The per-cloud import formats, each convertible back to exactly the raw disk. */
export interface BakeFormats {
    /** GCP: an oldgnu tar.gz holding exactly `disk.raw`. */
    gcp: BakeFile;
    /** Azure: a fixed VHD (virtual size a multiple of 1 MiB). */
    azure: BakeFile;
    /** AWS: a stream-optimized VMDK or the raw disk itself (`format`). */
    aws: BakeFile & { format: "vmdk" | "raw" };
}

/** One boot test of the image under QEMU. */
export interface BootTest {
    mode: BootMode;
    /** The line the smoke unit printed. */
    smoke: string;
    /** From QEMU start to the smoke line, in seconds. */
    seconds: number;
}

/** One installed package, as `dpkg-query` reports it. */
export interface BakedPackage {
    name: string;
    version: string;
    arch: string;
}

/** Where `bake --upload` put each format, for MachineImage (absent when nothing was uploaded). */
export interface BakeUploads {
    /** S3 location of the AWS format. */
    aws?: { bucket: string; key: string };
    /** GCS URL of the tar.gz (`https://storage.googleapis.com/<bucket>/<object>` or `gs://...`). */
    gcp?: { url: string };
    /** Azure page blob URL of the fixed VHD. */
    azure?: { url: string };
}

/** The manifest of one bake. */
export interface BakeManifest {
    schema: typeof BAKE_MANIFEST_SCHEMA;
    /** The image name from the definition (`sample-service`). */
    name: string;
    /** The release version (a git SHA or a semver). */
    version: string;
    /** The git commit the image was built from. */
    gitSha: string;
    /** The raw disk: its sha256 identifies the image on every cloud. */
    raw: BakeFile;
    formats: BakeFormats;
    /** The boot modes tested, each with its smoke result. */
    bootModes: BootTest[];
    /** True when the image runs an SSH server (only when the definition says so explicitly). */
    sshServer: boolean;
    /** The exact package set. */
    packages: BakedPackage[];
    /** sha256 of the image definition file. */
    definitionSha256: string;
    /** Host tool versions (mmdebstrap, e2fsprogs, qemu-img, ...). */
    tools: Record<string, string>;
    /** Step durations in milliseconds. */
    durationsMs: Record<string, number>;
    /** When the bake ran (ISO 8601). */
    builtAt: string;
    /** SOURCE_DATE_EPOCH of the bake: with the same definition, version and packages, it rebuilds the same raw sha256. */
    sourceDateEpoch?: number;
    uploads?: BakeUploads;
}

const SHA256 = /^sha256:[0-9a-f]{64}$/;

/**
 * Checks a bake manifest (from a file, config or a StackReference) and returns it typed. `where` names the
 * source in error messages (`bake manifest out/manifest.json`).
 */
export function validateBakeManifest(value: unknown, where: string): BakeManifest {
    const fail = (problem: string): never => {
        throw new Error(`${where}: ${problem}`);
    };
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return fail(`expected a ${BAKE_MANIFEST_SCHEMA} object, got ${JSON.stringify(value)}`);
    }
    const m = value as Record<string, unknown>;
    if (m.schema !== BAKE_MANIFEST_SCHEMA) {
        fail(`schema must be "${BAKE_MANIFEST_SCHEMA}", got ${JSON.stringify(m.schema)}`);
    }
    for (const key of ["name", "version", "gitSha", "builtAt"]) {
        if (typeof m[key] !== "string" || (m[key] as string).trim() === "") {
            fail(`${key} must be a non-empty string, got ${JSON.stringify(m[key])}`);
        }
    }
    const file = (path: string, f: unknown): BakeFile => {
        const o = f as Record<string, unknown> | undefined;
        if (!o || typeof o.file !== "string" || typeof o.sha256 !== "string" || !SHA256.test(o.sha256)) {
            fail(`${path} must be {file, sha256: "sha256:<64 hex>", sizeBytes}, got ${JSON.stringify(f)}`);
        }
        if (typeof o!.sizeBytes !== "number" || !Number.isInteger(o!.sizeBytes) || o!.sizeBytes <= 0) {
            fail(`${path}.sizeBytes must be a positive integer, got ${JSON.stringify(o!.sizeBytes)}`);
        }
        return o as unknown as BakeFile;
    };
    file("raw", m.raw);
    const formats = m.formats as Record<string, unknown> | undefined;
    if (!formats || typeof formats !== "object") {
        fail(`formats must hold gcp, azure and aws, got ${JSON.stringify(m.formats)}`);
    }
    for (const cloud of ["gcp", "azure", "aws"]) {
        file(`formats.${cloud}`, formats![cloud]);
    }
    const awsFormat = (formats!.aws as Record<string, unknown>).format;
    if (awsFormat !== "vmdk" && awsFormat !== "raw") {
        fail(`formats.aws.format must be "vmdk" or "raw", got ${JSON.stringify(awsFormat)}`);
    }
    const modes = Object.values(BootMode) as string[];
    if (!Array.isArray(m.bootModes) || m.bootModes.length === 0) {
        fail(`bootModes must list at least one tested boot mode, got ${JSON.stringify(m.bootModes)}`);
    }
    (m.bootModes as unknown[]).forEach((t, i) => {
        const mode = (t as Record<string, unknown>)?.mode;
        if (typeof mode !== "string" || !modes.includes(mode)) {
            fail(`bootModes[${i}].mode must be one of ${modes.join(", ")}, got ${JSON.stringify(mode)}`);
        }
    });
    if (typeof m.sshServer !== "boolean") {
        fail(`sshServer must be true or false, got ${JSON.stringify(m.sshServer)}`);
    }
    if (!Array.isArray(m.packages) || m.packages.length === 0) {
        fail("packages must list the exact package set of the image");
    }
    return value as BakeManifest;
}
