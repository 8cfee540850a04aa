/**
 * The machine-image release: what `MachineImage` produces and every VM environment deploys, as the release record
 * is for containers. One version and one git commit; with a bake artifact also the sha256 of the one raw disk
 * every cloud's image was imported from; one image reference per cloud (an AMI id, a GCP image, an Azure gallery
 * image version). Also what each cloud accepts as a pinned machine-image reference, and the provenance tags every
 * image and every instance carries. Pure, no Pulumi import (the command line and the specs use it).
 */
import { BootMode } from "./bakeManifest";
import { Cloud, CLOUDS } from "./clouds";
import { readRecord } from "./record";
import { describeVersionProblem, versionProblem } from "./version";

/** Where the images of a release come from, and so what their provenance proves. */
export enum Provenance {
    /** One raw disk (a bake artifact, one sha256) imported into every cloud: identical across clouds. */
    Artifact = "artifact",
    /** A Packer build per cloud (`packer-manifest.json`): each cloud's image is its own build, nothing ties them. */
    PerCloud = "per-cloud",
}

/** One machine-image release. */
export interface MachineImageRelease {
    /** The release version (a git SHA or a semver). */
    version: string;
    /** The git commit the image was built from (absent when a Packer manifest does not say). */
    gitSha?: string;
    /** sha256 of the raw disk every cloud's image was imported from (`sha256:<64 hex>`); artifact provenance only. */
    sha256?: string;
    provenance: Provenance;
    /** The firmware boot modes the image was tested in (the bake's boot tests; Packer images: as declared). */
    bootModes: BootMode[];
    /** The pinned image reference per cloud it was imported into. */
    images: Partial<Record<Cloud, string>>;
}

/** The schema of a machine-image release file or config value. */
export const MACHINE_IMAGE_RELEASE_SCHEMA = "immutable.machine-image/v1";

const SHA256 = /^sha256:[0-9a-f]{64}$/;
const GIT_SHA = /^[0-9a-f]{7,64}$/;

/** Pinned machine-image references, per cloud, and what they must not be. */
const REFERENCE: Record<Cloud, { re: RegExp; what: string }> = {
    [Cloud.Aws]: { re: /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/, what: "an AMI id (ami-<hex>)" },
    [Cloud.Gcp]: {
        re: /^(https:\/\/(www|compute)\.googleapis\.com\/compute\/(v1|beta)\/)?projects\/[a-z][-a-z0-9.:]{4,61}[a-z0-9]\/global\/images\/[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/,
        what: "an image of one name (projects/<project>/global/images/<name>)",
    },
    [Cloud.Azure]: {
        re: /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/galleries\/[^/]+\/images\/[^/]+\/versions\/\d+\.\d+\.\d+$/i,
        what: "a Compute Gallery image version id (/subscriptions/.../galleries/<g>/images/<i>/versions/<major.minor.patch>)",
    },
};

/** Why a machine-image reference of `cloud` is not pinned, or undefined when it is. */
export function machineImageRefProblem(cloud: Cloud, ref: unknown): string | undefined {
    if (typeof ref !== "string" || ref.trim() === "") {
        return `must be ${REFERENCE[cloud].what}, got ${JSON.stringify(ref)}`;
    }
    if (/^resolve:ssm:/i.test(ref)) {
        return `is an SSM parameter alias, which resolves to whatever image the parameter names today: pin ${REFERENCE[cloud].what}`;
    }
    if (/(^|\/)family\//.test(ref)) {
        return `is an image family, which resolves to its newest image: pin ${REFERENCE[cloud].what}`;
    }
    if (/\/versions\/latest$/i.test(ref) || /\/galleries\/[^/]+\/images\/[^/]+$/i.test(ref)) {
        return `is a gallery image without a pinned version, which resolves to its latest version: pin ${REFERENCE[cloud].what}`;
    }
    if (!REFERENCE[cloud].re.test(ref)) {
        return `must be ${REFERENCE[cloud].what}, got ${JSON.stringify(ref)}`;
    }
    return undefined;
}

/**
 * Checks a machine-image release (from the build stack, a file or config) and returns it typed. `where` names the
 * source in error messages (`config immutable:machineImage`).
 */
export function validateMachineImageRelease(value: unknown, where: string): MachineImageRelease {
    const { fields: r, fail } = readRecord(value, where, "version, provenance, bootModes and images");
    const problem = versionProblem(r.version);
    if (problem) {
        fail(`version ${describeVersionProblem(problem)}, got ${JSON.stringify(r.version)}`);
    }
    const provenances = Object.values(Provenance) as string[];
    if (typeof r.provenance !== "string" || !provenances.includes(r.provenance)) {
        fail(`provenance must be one of ${provenances.join(", ")}, got ${JSON.stringify(r.provenance)}`);
    }
    if (r.gitSha !== undefined && (typeof r.gitSha !== "string" || !GIT_SHA.test(r.gitSha))) {
        fail(`gitSha must be a git commit (7-64 lowercase hex), got ${JSON.stringify(r.gitSha)}`);
    }
    if (r.provenance === Provenance.Artifact) {
        if (typeof r.sha256 !== "string" || !SHA256.test(r.sha256)) {
            fail(
                `sha256 must be the raw disk's sha256:<64 hex> (artifact provenance), got ${JSON.stringify(r.sha256)}`,
            );
        }
        if (r.gitSha === undefined) {
            fail("gitSha is required with artifact provenance (the bake records the commit)");
        }
    } else if (r.sha256 !== undefined) {
        fail("sha256 is only known with artifact provenance: per-cloud builds have no common disk");
    }
    const modes = Object.values(BootMode) as string[];
    if (!Array.isArray(r.bootModes) || r.bootModes.length === 0 || r.bootModes.some((m) => !modes.includes(m))) {
        fail(`bootModes must list at least one of ${modes.join(", ")}, got ${JSON.stringify(r.bootModes)}`);
    }
    const images = r.images as Record<string, unknown> | undefined;
    if (!images || typeof images !== "object" || Array.isArray(images) || Object.keys(images).length === 0) {
        fail(`images must map at least one cloud to its image reference, got ${JSON.stringify(r.images)}`);
    }
    for (const [key, ref] of Object.entries(images!)) {
        if (!(CLOUDS as readonly string[]).includes(key)) {
            fail(`images.${key}: not a cloud (${CLOUDS.join(", ")})`);
        }
        const refProblem = machineImageRefProblem(key as Cloud, ref);
        if (refProblem) {
            fail(`images.${key} ${refProblem}`);
        }
    }
    return {
        version: r.version as string,
        gitSha: r.gitSha as string | undefined,
        sha256: r.sha256 as string | undefined,
        provenance: r.provenance as Provenance,
        bootModes: r.bootModes as BootMode[],
        images: images as Partial<Record<Cloud, string>>,
    };
}

/** The tag / label keys of a machine image's provenance (the pack's golden-image-require reads `image-version`). */
export const PROVENANCE_TAG = {
    version: "image-version",
    gitSha: "image-git-sha",
    sha256: "image-sha256",
    provenance: "image-provenance",
} as const;

/** What the provenance tags say. */
export interface ProvenanceFields {
    version: string;
    gitSha?: string;
    sha256?: string;
    provenance: Provenance;
}

/**
 * A GCP label value: lowercase letters, digits, `_` and `-`, at most 63 characters
 * (https://cloud.google.com/compute/docs/labeling-resources#requirements).
 */
export function gcpLabelValue(text: string): string {
    return text
        .toLowerCase()
        .replace(/[^a-z0-9_-]/g, "-")
        .slice(0, 63);
}

/**
 * The provenance tags (AWS, Azure) or labels (GCP) of an image and of the instances booted from it. AWS and Azure
 * tag values hold everything as it is. GCP label values hold at most 63 of `[a-z0-9_-]`: the version is written
 * as a label value (`v1.4.2` as `v1-4-2`) and the 64 hex digits of the sha256 as two labels of 32
 * (`image-sha256-hi`, `image-sha256-lo`); the exact values are in the image description.
 */
export function provenanceTags(cloud: Cloud, p: ProvenanceFields): Record<string, string> {
    const tags: Record<string, string> = {};
    if (cloud === Cloud.Gcp) {
        tags[PROVENANCE_TAG.version] = gcpLabelValue(p.version);
        tags[PROVENANCE_TAG.provenance] = p.provenance;
        if (p.gitSha) {
            tags[PROVENANCE_TAG.gitSha] = gcpLabelValue(p.gitSha);
        }
        if (p.sha256) {
            const hex = p.sha256.replace(/^sha256:/, "");
            tags[`${PROVENANCE_TAG.sha256}-hi`] = hex.slice(0, 32);
            tags[`${PROVENANCE_TAG.sha256}-lo`] = hex.slice(32);
        }
        return tags;
    }
    tags[PROVENANCE_TAG.version] = p.version;
    tags[PROVENANCE_TAG.provenance] = p.provenance;
    if (p.gitSha) {
        tags[PROVENANCE_TAG.gitSha] = p.gitSha;
    }
    if (p.sha256) {
        tags[PROVENANCE_TAG.sha256] = p.sha256;
    }
    return tags;
}

/** The raw disk sha256 a cloud's provenance tags carry (`sha256:<hex>`), or undefined. */
export function sha256OfTags(cloud: Cloud, tags: Record<string, string>): string | undefined {
    if (cloud === Cloud.Gcp) {
        const hi = tags[`${PROVENANCE_TAG.sha256}-hi`];
        const lo = tags[`${PROVENANCE_TAG.sha256}-lo`];
        return hi && lo ? `sha256:${hi}${lo}` : undefined;
    }
    return tags[PROVENANCE_TAG.sha256];
}
