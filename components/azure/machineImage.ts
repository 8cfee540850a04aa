/**
 * AzureMachineImage: the bake's one raw disk imported into an Azure Compute Gallery.
 *
 * A `GalleryImage` (the image definition: Linux, generalized, Gen2 when the image was tested in UEFI, Trusted
 * Launch supported when in Secure Boot) and a `GalleryImageVersion` made from the bake's fixed VHD in a page blob.
 * azure-native cannot create page blobs, so the blob is an input: upload it first with azcopy (docs/machine-images.md:
 * `azcopy copy out/disk.vhd 'https://<account>.blob.core.windows.net/<container>/<name>-<version>.vhd?<SAS>'
 * --blob-type PageBlob`). The version name is `major.minor.patch` (a gallery's rule): the release's semver when it
 * is one (`v1.4.2` as `1.4.2`), else the bake time (`2025.1129.190102`), else digits of the disk's sha256.
 * Tags carry the provenance.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as compute from "@pulumi/azure-native/compute";
import * as pulumi from "@pulumi/pulumi";
import { BootMode } from "../core/bakeManifest";
import { Cloud } from "../core/clouds";
import {
    type ArtifactIdentity,
    artifactIdentity,
    type ArtifactOutputs,
    artifactOutputs,
    artifactTags,
    type MachineImageArtifactArgs,
    supportsUefi,
} from "../core/machineImageArgs";
import { componentType } from "../core/packageName";
import { Validator } from "../core/validation";

const COMPONENT = "AzureMachineImage";

/** Args of {@link AzureMachineImage}: the artifact, its page blob and the gallery. */
export interface AzureMachineImageArgs extends MachineImageArtifactArgs {
    /** The fixed VHD as a page blob: `https://<account>.blob.core.windows.net/<container>/<blob>.vhd` (no SAS). */
    blobUrl: pulumi.Input<string>;
    /** The resource id of the storage account holding the blob (the gallery reads it from there). */
    storageAccountId: pulumi.Input<string>;
    /** The resource group of the gallery resources. */
    resourceGroupName: pulumi.Input<string>;
    /** The Azure region. Default: the resource group's. */
    location?: pulumi.Input<string>;
    /** An existing Compute Gallery (letters, digits, `.` and `_`). Default: a gallery of its own. */
    galleryName?: pulumi.Input<string>;
    /** The image definition's publisher. Default `immutable-infra`. */
    publisher?: pulumi.Input<string>;
    /** The image definition's offer. Default: the name. */
    offer?: pulumi.Input<string>;
    /** The image definition's SKU. Default `debian`. */
    sku?: pulumi.Input<string>;
    /** Regions the version is replicated to. Default: the gallery's region. */
    targetRegions?: pulumi.Input<string>[];
    /** The gallery version name (`major.minor.patch`). Default: from the version, the bake time or the sha256. */
    versionName?: pulumi.Input<string>;
}

/** The bake's raw disk as a Compute Gallery image version; see the module comment. */
export class AzureMachineImage extends pulumi.ComponentResource implements ArtifactOutputs {
    /** The gallery image version's resource id: what an instance group's slot pins. */
    public readonly imageRef: pulumi.Output<string>;
    /** The release version. */
    public readonly version!: pulumi.Output<string>;
    /** The git commit. */
    public readonly gitSha!: pulumi.Output<string>;
    /** The raw disk's sha256. */
    public readonly sha256!: pulumi.Output<string>;
    /** The provenance tags of the image version. */
    public readonly tags: pulumi.Output<Record<string, string>>;
    /** The gallery (undefined when `galleryName` was given). */
    public readonly gallery: compute.Gallery | undefined;
    /** The image definition. */
    public readonly galleryImage: compute.GalleryImage;
    /** The image version. */
    public readonly galleryImageVersion: compute.GalleryImageVersion;

    constructor(name: string, args: AzureMachineImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType(COMPONENT), name, {}, opts);
        const v = new Validator(COMPONENT, name);
        const identity = artifactIdentity(v, args);
        Object.assign(this, artifactOutputs(identity));
        v.required(args, ["blobUrl", "storageAccountId", "resourceGroupName"]);
        this.tags = artifactTags(Cloud.Azure, identity, args.labels);
        this.gallery = args.galleryName === undefined ? gallery(this, name, args) : undefined;
        const galleryName: pulumi.Input<string> = args.galleryName ?? this.gallery!.name;
        this.galleryImage = galleryImage(this, name, args, galleryName);
        this.galleryImageVersion = galleryImageVersion(this, name, args, {
            galleryName,
            imageName: this.galleryImage.name,
            versionName: pulumi
                .all([identity, args.versionName])
                .apply(([id, given]) => given ?? galleryVersionName(id)),
            tags: this.tags,
        });
        const subscription = authorization.getClientConfigOutput({ parent: this }).subscriptionId;
        // The version's ARM id, from its parts (what the scale set's imageReference.id names).
        this.imageRef = pulumi.interpolate`/subscriptions/${subscription}/resourceGroups/${args.resourceGroupName}/providers/Microsoft.Compute/galleries/${galleryName}/images/${this.galleryImage.name}/versions/${this.galleryImageVersion.name}`;
        this.registerOutputs({
            imageRef: this.imageRef,
            version: this.version,
            gitSha: this.gitSha,
            sha256: this.sha256,
            tags: this.tags,
            gallery: this.gallery,
            galleryImage: this.galleryImage,
            galleryImageVersion: this.galleryImageVersion,
        });
    }
}

/** A Compute Gallery of the image's own (`<name>_images`). */
function gallery(parent: pulumi.Resource, name: string, args: AzureMachineImageArgs): compute.Gallery {
    return new compute.Gallery(
        `${name}-gallery`,
        {
            galleryName: `${args.name.replace(/-/g, "_")}_images`,
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            description: `Golden images of ${args.name} (immutable-infra)`,
            tags: args.labels,
        },
        { parent },
    );
}

/**
 * The image definition: Linux, generalized, Gen2 when the image was tested in UEFI, Trusted Launch supported when
 * in Secure Boot.
 */
function galleryImage(
    parent: pulumi.Resource,
    name: string,
    args: AzureMachineImageArgs,
    galleryName: pulumi.Input<string>,
): compute.GalleryImage {
    return new compute.GalleryImage(
        `${name}`,
        {
            galleryName,
            galleryImageName: args.name,
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            osType: compute.OperatingSystemTypes.Linux,
            osState: compute.OperatingSystemStateTypes.Generalized,
            hyperVGeneration: supportsUefi(args.bootModes) ? "V2" : "V1",
            architecture: "x64",
            identifier: {
                publisher: args.publisher ?? "immutable-infra",
                offer: args.offer ?? args.name,
                sku: args.sku ?? "debian",
            },
            features: args.bootModes.includes(BootMode.UefiSecureBoot)
                ? [{ name: "SecurityType", value: "TrustedLaunchSupported" }]
                : undefined,
            description: `${args.name} (immutable-infra): one raw disk per version, identified by its sha256`,
            tags: args.labels,
        },
        { parent },
    );
}

/** Where an image version goes: its gallery, image definition, version name and tags. */
interface VersionPlace {
    galleryName: pulumi.Input<string>;
    imageName: pulumi.Input<string>;
    versionName: pulumi.Input<string>;
    tags: pulumi.Input<Record<string, string>>;
}

/** The image version made from the page blob, replicated to the target regions. */
function galleryImageVersion(
    parent: pulumi.Resource,
    name: string,
    args: AzureMachineImageArgs,
    p: VersionPlace,
): compute.GalleryImageVersion {
    return new compute.GalleryImageVersion(
        `${name}`,
        {
            galleryName: p.galleryName,
            galleryImageName: p.imageName,
            galleryImageVersionName: p.versionName,
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            storageProfile: {
                osDiskImage: {
                    hostCaching: compute.HostCaching.ReadOnly,
                    source: { uri: args.blobUrl, storageAccountId: args.storageAccountId },
                },
            },
            publishingProfile: {
                excludeFromLatest: false,
                replicaCount: 1,
                targetRegions: args.targetRegions
                    ? args.targetRegions.map((region) => ({ name: region, regionalReplicaCount: 1 }))
                    : undefined,
            },
            safetyProfile: { allowDeletionOfReplicatedLocations: false },
            tags: p.tags,
        },
        { parent },
    );
}

/**
 * A gallery version name (`major.minor.patch`, each a 32-bit integer) for a release: its semver (`v1.4.2` ->
 * `1.4.2`), else the bake time (`2025-11-29T19:01:02Z` -> `2025.1129.190102`), else two 28-bit numbers from the
 * disk's sha256 (`0.<hex 0-6>.<hex 7-13>`).
 */
export function galleryVersionName(id: ArtifactIdentity): string {
    const semver = /^v?(\d{1,9})\.(\d{1,9})\.(\d{1,9})$/.exec(id.version);
    if (semver) {
        return `${Number(semver[1])}.${Number(semver[2])}.${Number(semver[3])}`;
    }
    if (id.builtAt) {
        const t = new Date(id.builtAt);
        const pad = (n: number) => String(n).padStart(2, "0");
        return `${t.getUTCFullYear()}.${t.getUTCMonth() + 1}${pad(t.getUTCDate())}.${t.getUTCHours()}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}`;
    }
    const hex = id.sha256.replace(/^sha256:/, "");
    return `0.${parseInt(hex.slice(0, 7), 16)}.${parseInt(hex.slice(7, 14), 16)}`;
}
