/**
 * MachineImage: one golden machine image imported once into the chosen clouds, the cloud-neutral facade over
 * AwsMachineImage, GcpMachineImage and AzureMachineImage. Its source is one of:
 *
 * - `bakeManifestFile`: the manifest `bin/immutable bake --upload` wrote (schema immutable.bake/v1): the raw disk's
 *   sha256, the version, the git commit, the tested boot modes and where each cloud's format was uploaded;
 * - `artifact`: the same fields given directly (the uploads made by hand, docs/machine-images.md);
 * - `packerManifestFile`: a Packer `packer-manifest.json`, for teams on Packer. Nothing is imported (Packer already
 *   made one image per cloud); the outputs name those images, and `provenance` says `per-cloud`:
 *   `identicalAcrossClouds` is false because three builds can differ.
 *
 * With an artifact, every cloud's image carries the same version, git commit and sha256 (`identicalAcrossClouds`
 * true). The outputs are the machine-image release: version, gitSha, sha256, provenance, bootModes and one image
 * reference per cloud (`imageRefs`), what the instance groups' slots pin. Only the chosen clouds' components and
 * SDKs are loaded (an AWS-only program does not load @pulumi/gcp or @pulumi/azure-native).
 */
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import type { AwsMachineImageArgs } from "./aws/machineImage";
import type { AzureMachineImageArgs } from "./azure/machineImage";
import type { GcpMachineImageArgs } from "./gcp/machineImage";
import { BootMode, validateBakeManifest } from "./core/bakeManifest";
import { Cloud, CLOUDS } from "./core/clouds";
import { AwsDiskFormat, type MachineImageArtifactArgs } from "./core/machineImageArgs";
import { Provenance } from "./core/machineImageRelease";
import { componentType } from "./core/packageName";
import { readPackerManifest } from "./core/packerManifest";
import { Validator } from "./core/validation";

const COMPONENT = "MachineImage";

/** An S3 object. */
export interface MachineImageS3ObjectArgs {
    /** The bucket. */
    bucket: pulumi.Input<string>;
    /** The object key. */
    key: pulumi.Input<string>;
    /** The disk format of the object. */
    format: AwsDiskFormat;
}

/** A URL of an uploaded disk. */
export interface MachineImageUrlArgs {
    /** GCP: `gs://<bucket>/<object>` of the tar.gz; Azure: the page blob URL of the fixed VHD (no SAS). */
    url: pulumi.Input<string>;
}

/** Where each cloud's format of the one disk was uploaded. */
export interface MachineImageUploadsArgs {
    /** The AWS format (VMDK or raw) in S3. */
    aws?: MachineImageS3ObjectArgs;
    /** The GCP tar.gz in Cloud Storage. */
    gcp?: MachineImageUrlArgs;
    /** The Azure fixed VHD as a page blob. */
    azure?: MachineImageUrlArgs;
}

/** The artifact's fields, when they do not come from a manifest file. */
export interface MachineImageArtifactSourceArgs extends MachineImageArtifactArgs {
    /** Where each chosen cloud's format was uploaded. */
    uploads: MachineImageUploadsArgs;
}

/** AWS specifics of {@link MachineImage}. */
export interface MachineImageAwsArgs {
    /** An existing VM Import service role. Default: one of its own. */
    importRoleName?: pulumi.Input<string>;
    /** A KMS key for the snapshot (encrypted with the account's default key otherwise). */
    kmsKeyId?: pulumi.Input<string>;
    /** Packer: the region whose AMI to take when the build lists several. */
    region?: string;
}

/** GCP specifics of {@link MachineImage}. */
export interface MachineImageGcpArgs {
    /** The project (required for a Packer image: its artifact is a bare image name). Default: the provider's. */
    project?: string;
    /** The image family, for people and tools. Default: the image name. */
    family?: pulumi.Input<string>;
    /** Where the image is stored. */
    storageLocations?: pulumi.Input<string>[];
    /** Guest OS features beyond those the boot modes give. */
    guestOsFeatures?: string[];
}

/** Azure specifics of {@link MachineImage}. */
export interface MachineImageAzureArgs {
    /** The resource group of the gallery resources. */
    resourceGroupName: pulumi.Input<string>;
    /** The resource id of the storage account holding the page blob. */
    storageAccountId: pulumi.Input<string>;
    /** The Azure region. Default: the resource group's. */
    location?: pulumi.Input<string>;
    /** An existing Compute Gallery. Default: one of its own. */
    galleryName?: pulumi.Input<string>;
    /** Regions the version is replicated to. Default: the gallery's region. */
    targetRegions?: pulumi.Input<string>[];
}

/** Args of {@link MachineImage}: one source, the clouds, and their specifics. */
export interface MachineImageArgs {
    /** A bake manifest (`manifest.json` of `bin/immutable bake --upload`). */
    bakeManifestFile?: string;
    /** The artifact's fields and uploads, instead of a manifest file. */
    artifact?: MachineImageArtifactSourceArgs;
    /** A Packer manifest (`packer-manifest.json`): per-cloud provenance, nothing imported. */
    packerManifestFile?: string;
    /** Packer images: the boot modes they support (Packer does not record them). Default uefi. */
    packerBootModes?: BootMode[];
    /** The clouds to import into (or, with Packer, to take from the manifest). */
    clouds: Cloud[];
    /** AWS specifics. */
    aws?: MachineImageAwsArgs;
    /** GCP specifics. */
    gcp?: MachineImageGcpArgs;
    /** Azure specifics (required with an artifact and azure among the clouds). */
    azure?: MachineImageAzureArgs;
    /** Labels / tags set on every resource that takes them. */
    labels?: Record<string, pulumi.Input<string>>;
}

/** What one cloud's import component gives the facade. */
interface CloudImage {
    ref: pulumi.Output<string>;
}

/** A golden machine image on the chosen clouds; see the module comment. */
export class MachineImage extends pulumi.ComponentResource {
    /** The release version. */
    public readonly version: pulumi.Output<string>;
    /** The git commit the image was built from (unset for a Packer manifest that does not record it). */
    public readonly gitSha: pulumi.Output<string | undefined>;
    /** The raw disk's sha256 every cloud's image was imported from (unset for Packer images). */
    public readonly sha256: pulumi.Output<string | undefined>;
    /** `artifact` (one disk for every cloud) or `per-cloud` (a Packer build per cloud). */
    public readonly provenance: pulumi.Output<string>;
    /** True when every cloud's image is the same disk (artifact provenance). */
    public readonly identicalAcrossClouds: pulumi.Output<boolean>;
    /** The boot modes the image was tested in. */
    public readonly bootModes: pulumi.Output<string[]>;
    /** One pinned image reference per cloud: AMI id, GCP image self link, Azure gallery image version id. */
    public readonly imageRefs: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: MachineImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType(COMPONENT), name, {}, opts);
        const v = new Validator(COMPONENT, name);
        const clouds = checkedClouds(v, args.clouds);
        const sources = (["bakeManifestFile", "artifact", "packerManifestFile"] as const).filter(
            (k) => args[k] !== undefined,
        );
        if (sources.length !== 1) {
            v.fail(
                "source",
                `must be exactly one of bakeManifestFile, artifact or packerManifestFile, got ${sources.length === 0 ? "none" : sources.join(" and ")}`,
            );
        }
        if (args.packerManifestFile !== undefined) {
            const packer = readPackerManifest(
                readJson(v, "packerManifestFile", args.packerManifestFile),
                `${v.subject}: packer manifest ${args.packerManifestFile}`,
                { awsRegion: args.aws?.region, gcpProject: args.gcp?.project },
            );
            const refs: Record<string, string> = {};
            for (const cloud of clouds) {
                const image = packer.images.find((i) => i.cloud === cloud);
                if (!image) {
                    v.fail(
                        "clouds",
                        `include ${cloud}, but packer manifest ${args.packerManifestFile} has no ${cloud} build`,
                    );
                }
                refs[cloud] = image!.image;
            }
            const version =
                packer.version ??
                v.fail(
                    "packerManifestFile",
                    `${args.packerManifestFile} records no custom_data.version: add it to the manifest post-processor`,
                );
            this.version = pulumi.output(version);
            this.gitSha = pulumi.output(packer.gitSha);
            this.sha256 = pulumi.output(undefined);
            this.provenance = pulumi.output<string>(Provenance.PerCloud);
            this.identicalAcrossClouds = pulumi.output(false);
            this.bootModes = pulumi.output<string[]>(args.packerBootModes ?? [BootMode.Uefi]);
            this.imageRefs = pulumi.output(refs);
        } else {
            const artifact = args.artifact ?? artifactOfManifest(v, args.bakeManifestFile!);
            const refs: Record<string, pulumi.Output<string>> = {};
            for (const cloud of clouds) {
                refs[cloud] = importInto(this, v, name, cloud, artifact, args).ref;
            }
            this.version = pulumi.output(artifact.version);
            this.gitSha = pulumi.output(artifact.gitSha);
            this.sha256 = pulumi.output(artifact.sha256);
            this.provenance = pulumi.output<string>(Provenance.Artifact);
            this.identicalAcrossClouds = pulumi.output(true);
            this.bootModes = pulumi.output<string[]>(artifact.bootModes);
            this.imageRefs = pulumi.all(refs);
        }
        this.registerOutputs({
            version: this.version,
            gitSha: this.gitSha,
            sha256: this.sha256,
            provenance: this.provenance,
            identicalAcrossClouds: this.identicalAcrossClouds,
            bootModes: this.bootModes,
            imageRefs: this.imageRefs,
        });
    }
}

/** Checks the clouds: at least one, each once. */
function checkedClouds(v: Validator, clouds: Cloud[]): Cloud[] {
    if (!Array.isArray(clouds) || clouds.length === 0) {
        v.fail("clouds", `must list at least one of ${CLOUDS.join(", ")}`);
    }
    for (const c of clouds) {
        if (!CLOUDS.includes(c)) {
            v.fail("clouds", `must list only ${CLOUDS.join(", ")}, got ${JSON.stringify(c)}`);
        }
    }
    if (new Set(clouds).size !== clouds.length) {
        v.fail("clouds", `lists a cloud twice: ${clouds.join(", ")}`);
    }
    return clouds;
}

function readJson(v: Validator, field: string, file: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err: any) {
        return v.fail(field, `${file} cannot be read (${err.code ?? err.message})`);
    }
    try {
        return JSON.parse(text);
    } catch (err: any) {
        return v.fail(field, `${file} is not valid JSON (${err.message})`);
    }
}

/** The artifact a bake manifest describes, with its uploads. */
export function artifactOfManifest(v: Validator, file: string): MachineImageArtifactSourceArgs {
    const m = validateBakeManifest(readJson(v, "bakeManifestFile", file), `${v.subject}: bake manifest ${file}`);
    return {
        name: m.name,
        version: m.version,
        gitSha: m.gitSha,
        sha256: m.raw.sha256,
        bootModes: [...new Set(m.bootModes.map((t) => t.mode))],
        builtAt: m.builtAt,
        uploads: {
            aws: m.uploads?.aws
                ? {
                      bucket: m.uploads.aws.bucket,
                      key: m.uploads.aws.key,
                      format: m.formats.aws.format as AwsDiskFormat,
                  }
                : undefined,
            gcp: m.uploads?.gcp ? { url: m.uploads.gcp.url } : undefined,
            azure: m.uploads?.azure ? { url: m.uploads.azure.url } : undefined,
        },
    };
}

/** What to run when a cloud's upload is missing. */
const UPLOAD_HINT: Record<Cloud, string> = {
    [Cloud.Aws]: "aws s3 cp out/disk.vmdk s3://<bucket>/<key>",
    [Cloud.Gcp]: "gsutil cp out/disk.raw.tar.gz gs://<bucket>/<object>",
    [Cloud.Azure]: "azcopy copy out/disk.vhd '<blob url>?<SAS>' --blob-type PageBlob",
};

/** Creates one cloud's import component (its module loaded only now). */
function importInto(
    parent: pulumi.ComponentResource,
    v: Validator,
    name: string,
    cloud: Cloud,
    artifact: MachineImageArtifactSourceArgs,
    args: MachineImageArgs,
): CloudImage {
    const upload = artifact.uploads?.[cloud];
    if (!upload) {
        v.fail(
            `uploads.${cloud}`,
            `is missing: upload the ${cloud} format first (bin/immutable bake --upload, or ${UPLOAD_HINT[cloud]}), then name it here`,
        );
    }
    const { uploads: _uploads, ...identity } = artifact;
    const base: MachineImageArtifactArgs = { ...identity, labels: { ...args.labels, ...identity.labels } };
    const opts = { parent };
    switch (cloud) {
        case Cloud.Aws: {
            const s3 = upload as MachineImageS3ObjectArgs;
            const { AwsMachineImage } = require("./aws/machineImage") as typeof import("./aws/machineImage");
            const a: AwsMachineImageArgs = {
                ...base,
                bucket: s3.bucket,
                key: s3.key,
                format: s3.format,
                importRoleName: args.aws?.importRoleName,
                kmsKeyId: args.aws?.kmsKeyId,
            };
            return { ref: new AwsMachineImage(`${name}-aws`, a, opts).imageId };
        }
        case Cloud.Gcp: {
            const { GcpMachineImage } = require("./gcp/machineImage") as typeof import("./gcp/machineImage");
            const a: GcpMachineImageArgs = {
                ...base,
                sourceUrl: (upload as MachineImageUrlArgs).url,
                project: args.gcp?.project,
                family: args.gcp?.family,
                storageLocations: args.gcp?.storageLocations,
                guestOsFeatures: args.gcp?.guestOsFeatures,
            };
            return { ref: new GcpMachineImage(`${name}-gcp`, a, opts).imageRef };
        }
        case Cloud.Azure: {
            const azure =
                args.azure ??
                v.fail("azure", "is required when clouds include azure (resourceGroupName, storageAccountId)");
            const { AzureMachineImage } = require("./azure/machineImage") as typeof import("./azure/machineImage");
            const a: AzureMachineImageArgs = {
                ...base,
                blobUrl: (upload as MachineImageUrlArgs).url,
                storageAccountId: azure.storageAccountId,
                resourceGroupName: azure.resourceGroupName,
                location: azure.location,
                galleryName: azure.galleryName,
                targetRegions: azure.targetRegions,
            };
            return { ref: new AzureMachineImage(`${name}-azure`, a, opts).imageRef };
        }
    }
}
