/**
 * GcpMachineImage: the bake's one raw disk imported into Compute Engine as an image.
 *
 * `compute.Image` reads the bake's GCP format (an oldgnu tar.gz holding exactly `disk.raw`) from Cloud Storage and
 * declares the guest OS features the tested boot modes allow: `VIRTIO_SCSI_MULTIQUEUE` always; with UEFI,
 * `UEFI_COMPATIBLE` (Shielded VM) and `SEV_CAPABLE` (Confidential VM; the Debian cloud kernel has the SEV guest
 * support); `GVNIC` and others only when asked (`guestOsFeatures`). The image is named after the release and the
 * disk (`<name>-<version>-<sha12>`) and is what instance templates boot; its family (`<name>`) is for people and
 * tools only, because a family floats (the pack rejects templates that boot one). Labels carry the provenance;
 * the description the exact values.
 *
 * Upload first (docs/machine-images.md): `gsutil cp out/disk.raw.tar.gz gs://<bucket>/<name>/<version>/disk.raw.tar.gz`.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { BootMode } from "../core/bakeManifest";
import { Cloud } from "../core/clouds";
import {
    artifactDescription,
    artifactIdentity,
    type ArtifactOutputs,
    artifactOutputs,
    artifactTags,
    imageName,
    type MachineImageArtifactArgs,
    supportsUefi,
} from "../core/machineImageArgs";
import { componentType } from "../core/packageName";
import { isKnown } from "../core/slots";
import { Validator } from "../core/validation";

const COMPONENT = "GcpMachineImage";

/** Args of {@link GcpMachineImage}: the artifact and its Cloud Storage upload. */
export interface GcpMachineImageArgs extends MachineImageArtifactArgs {
    /** The tar.gz in Cloud Storage: `gs://<bucket>/<object>` or `https://storage.googleapis.com/<bucket>/<object>`. */
    sourceUrl: pulumi.Input<string>;
    /** The project. Default: the provider's. */
    project?: pulumi.Input<string>;
    /** The image family, for people and tools (`gcloud compute images describe-from-family`). Default: the name. */
    family?: pulumi.Input<string>;
    /** Where the image is stored (a multi-region such as `us`, or regions). Default: the multi-region nearest the source. */
    storageLocations?: pulumi.Input<string>[];
    /** Guest OS features beyond those the boot modes give (`GVNIC` when the image has the gve driver). */
    guestOsFeatures?: string[];
}

/** The bake's raw disk as a Compute Engine image; see the module comment. */
export class GcpMachineImage extends pulumi.ComponentResource implements ArtifactOutputs {
    /** The image's self link: what an instance group's slot pins. */
    public readonly imageRef: pulumi.Output<string>;
    /** The release version. */
    public readonly version!: pulumi.Output<string>;
    /** The git commit. */
    public readonly gitSha!: pulumi.Output<string>;
    /** The raw disk's sha256. */
    public readonly sha256!: pulumi.Output<string>;
    /** The provenance labels of the image. */
    public readonly labels: pulumi.Output<Record<string, string>>;
    /** The image. */
    public readonly image: gcp.compute.Image;

    constructor(name: string, args: GcpMachineImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType(COMPONENT), name, {}, opts);
        const v = new Validator(COMPONENT, name);
        const identity = artifactIdentity(v, args);
        Object.assign(this, artifactOutputs(identity));
        v.required(args, ["sourceUrl"], "(where `gsutil cp` put the tar.gz)");
        const features = guestOsFeatures(args.bootModes, args.guestOsFeatures ?? []);
        this.labels = artifactTags(Cloud.Gcp, identity, args.labels);
        this.image = new gcp.compute.Image(
            `${name}`,
            {
                name: identity.apply((id) => imageName(id, 63)),
                family: args.family ?? args.name,
                project: args.project,
                description: identity.apply((id) => `${artifactDescription(id)} (immutable-infra)`),
                rawDisk: {
                    source: isKnown(args.sourceUrl)
                        ? gcsHttpsUrl(v, args.sourceUrl as string)
                        : pulumi.output(args.sourceUrl).apply((url) => gcsHttpsUrl(v, url)),
                },
                guestOsFeatures: features.map((type) => ({ type })),
                storageLocations: args.storageLocations,
                labels: this.labels,
            },
            { parent: this },
        );
        this.imageRef = this.image.selfLink;
        this.registerOutputs({
            imageRef: this.imageRef,
            version: this.version,
            gitSha: this.gitSha,
            sha256: this.sha256,
            labels: this.labels,
            image: this.image,
        });
    }
}

/**
 * The guest OS features of an image tested in `modes`
 * (https://cloud.google.com/compute/docs/images/create-custom#guest-os-features): UEFI_COMPATIBLE is what Shielded
 * VM needs; SEV_CAPABLE needs UEFI too. Sorted, without duplicates.
 */
export function guestOsFeatures(modes: BootMode[], extra: string[]): string[] {
    const features = new Set<string>(["VIRTIO_SCSI_MULTIQUEUE", ...extra]);
    if (supportsUefi(modes)) {
        features.add("UEFI_COMPATIBLE");
        features.add("SEV_CAPABLE");
    }
    return [...features].sort();
}

/** The `https://storage.googleapis.com/<bucket>/<object>` form Compute Engine's rawDisk.source takes. */
export function gcsHttpsUrl(v: Validator, url: string): string {
    const gs = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,221}[a-z0-9])\/(.+)$/.exec(url);
    if (gs) {
        return `https://storage.googleapis.com/${gs[1]}/${gs[2]}`;
    }
    if (/^https:\/\/storage\.googleapis\.com\/[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]\/.+$/.test(url)) {
        return url;
    }
    return v.fail(
        "sourceUrl",
        `must be gs://<bucket>/<object> or https://storage.googleapis.com/<bucket>/<object>, got ${JSON.stringify(url)}`,
    );
}
