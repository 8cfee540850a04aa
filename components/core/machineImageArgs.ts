/**
 * The args every cloud's machine-image import shares: the artifact's identity (name, version, git commit, the raw
 * disk's sha256, the boot modes it was tested in). Each cloud's component adds where its upload of that same disk
 * is (an S3 object, a GCS tar.gz, an Azure page blob). Also the checks they share and the provenance every image
 * carries.
 */
import * as pulumi from "@pulumi/pulumi";
import { BootMode } from "./bakeManifest";
import type { Cloud } from "./clouds";
import { Provenance, provenanceTags } from "./machineImageRelease";
import { dnsLabelWithin, isKnown } from "./slots";
import type { Validator } from "./validation";
import { describeVersionProblem, versionProblem } from "./version";

/** The disk formats EC2's VM Import reads (the bake writes VMDK or raw for AWS). */
export enum AwsDiskFormat {
    Vmdk = "vmdk",
    Raw = "raw",
    Vhd = "vhd",
}

/** One disk artifact: what `bin/immutable bake` writes in its manifest (schema immutable.bake/v1). */
export interface MachineImageArtifactArgs {
    /** The image name (`sample-service`): it names the images on every cloud. */
    name: string;
    /** The release version (a git SHA or a semver such as `v1.4.2`). */
    version: pulumi.Input<string>;
    /** The git commit the image was built from. */
    gitSha: pulumi.Input<string>;
    /** sha256 of the raw disk (`sha256:<64 hex>`): the one identity of the image on every cloud. */
    sha256: pulumi.Input<string>;
    /** The firmware boot modes the image was boot-tested in (the manifest's bootModes). */
    bootModes: BootMode[];
    /** When the bake ran (ISO 8601); names Azure gallery versions of non-semver releases. */
    builtAt?: pulumi.Input<string>;
    /** Labels / tags set on every resource that takes them. */
    labels?: Record<string, pulumi.Input<string>>;
}

/** The artifact's identity, resolved. */
export interface ArtifactIdentity {
    name: string;
    version: string;
    gitSha: string;
    sha256: string;
    builtAt?: string;
}

const SHA256 = /^sha256:[0-9a-f]{64}$/;

/** Checks the artifact args (plain parts at once, Outputs when they resolve) and resolves its identity. */
export function artifactIdentity(v: Validator, args: MachineImageArtifactArgs): pulumi.Output<ArtifactIdentity> {
    if (typeof args.name !== "string" || !/^[a-z][a-z0-9-]{0,39}$/.test(args.name)) {
        v.fail(
            "name",
            `must be 1-40 lowercase letters, digits or hyphens, starting with a letter, got ${JSON.stringify(args.name)}`,
        );
    }
    const modes = Object.values(BootMode) as string[];
    if (
        !Array.isArray(args.bootModes) ||
        args.bootModes.length === 0 ||
        args.bootModes.some((m) => !modes.includes(m))
    ) {
        v.fail(
            "bootModes",
            `must list the tested boot modes (${modes.join(", ")}), got ${JSON.stringify(args.bootModes)}`,
        );
    }
    const check = (version: unknown, gitSha: unknown, sha256: unknown, builtAt: unknown): ArtifactIdentity => {
        const problem = versionProblem(version);
        if (problem) {
            v.fail("version", `${describeVersionProblem(problem)}, got ${JSON.stringify(version)}`);
        }
        if (typeof gitSha !== "string" || !/^[0-9a-f]{7,64}$/.test(gitSha)) {
            v.fail("gitSha", `must be a git commit (7-64 lowercase hex), got ${JSON.stringify(gitSha)}`);
        }
        if (typeof sha256 !== "string" || !SHA256.test(sha256)) {
            v.fail("sha256", `must be the raw disk's sha256:<64 hex>, got ${JSON.stringify(sha256)}`);
        }
        if (builtAt !== undefined && (typeof builtAt !== "string" || Number.isNaN(Date.parse(builtAt)))) {
            v.fail("builtAt", `must be an ISO 8601 time, got ${JSON.stringify(builtAt)}`);
        }
        return {
            name: args.name,
            version: version as string,
            gitSha: gitSha as string,
            sha256: sha256 as string,
            builtAt: builtAt as string | undefined,
        };
    };
    const raw: unknown[] = [args.version, args.gitSha, args.sha256, args.builtAt];
    if (isKnown(raw)) {
        return pulumi.output(check(raw[0], raw[1], raw[2], raw[3]));
    }
    return pulumi
        .all([args.version, args.gitSha, args.sha256, args.builtAt])
        .apply(([version, gitSha, sha256, builtAt]) => check(version, gitSha, sha256, builtAt));
}

/**
 * The release outputs every cloud's machine-image import exposes. Each class still declares the fields itself:
 * the schema analyzer reads a component's outputs from the own members of its class (see ./slotOutputs.ts).
 */
export interface ArtifactOutputs {
    /** The release version. */
    version: pulumi.Output<string>;
    /** The git commit. */
    gitSha: pulumi.Output<string>;
    /** The raw disk's sha256. */
    sha256: pulumi.Output<string>;
}

/** The release outputs of an artifact's identity. */
export function artifactOutputs(identity: pulumi.Output<ArtifactIdentity>): ArtifactOutputs {
    return { version: identity.version, gitSha: identity.gitSha, sha256: identity.sha256 };
}

/** An image's description: `<name> <version>, git <commit>, raw disk <sha256>` (the exact values, unlike labels). */
export function artifactDescription(id: ArtifactIdentity): string {
    return `${id.name} ${id.version}, git ${id.gitSha}, raw disk ${id.sha256}`;
}

/** The provenance tags of an artifact's image on `cloud`, with the labels. */
export function artifactTags(
    cloud: Cloud,
    identity: pulumi.Output<ArtifactIdentity>,
    labels: Record<string, pulumi.Input<string>> | undefined,
): pulumi.Output<Record<string, string>> {
    return pulumi.all([identity, pulumi.output(labels ?? {})]).apply(([id, extra]) => ({
        ...extra,
        ...provenanceTags(cloud, { ...id, provenance: Provenance.Artifact }),
    }));
}

/** True when the image was tested in a UEFI mode (plain or Secure Boot). */
export function supportsUefi(modes: BootMode[]): boolean {
    return modes.includes(BootMode.Uefi) || modes.includes(BootMode.UefiSecureBoot);
}

/** The first 12 hex digits of a sha256 (names images). */
export function shortSha(sha256: string): string {
    return sha256.replace(/^sha256:/, "").slice(0, 12);
}

/**
 * `<name>-<version>-<sha12>` within `max` characters of lowercase letters, digits and hyphens (the version is
 * shortened first): unique per disk, readable per release.
 */
export function imageName(id: ArtifactIdentity, max: number): string {
    const hex = shortSha(id.sha256);
    const room = Math.max(1, max - id.name.length - hex.length - 2);
    const version = dnsLabelWithin(id.version, room) || "r";
    return `${id.name}-${version}-${hex}`;
}
