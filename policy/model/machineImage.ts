/**
 * Machine images, one shape for what a VM boots from: AWS `ami` / `imageId` (instances, spot requests and
 * fleets, launch templates and configurations), GCP boot disk `image` / template boot `sourceImage` / the
 * source machine image, Azure `storageProfile.imageReference` (VMs, scale sets, scale-set VMs); plus the
 * tags/labels the resource carries (our MachineImage sets the image version tag, and instance resources copy
 * it). Floating references (an image family, an SSM parameter alias, a gallery image without a version, a
 * marketplace image at `latest`) are named; references the pack cannot read come back as unreadable.
 */
import { AWS_INSTANCE_TYPES, AZURE_VM_TYPES, GCP_TEMPLATE_TYPES, RESOURCE_TYPE, VM_TYPES } from "./types";
import type { Unreadable } from "./unreadable";
import { isOneOf, list, memoByProps, record, str, tagMap } from "./values";

/** The image a VM resource boots from. */
export interface BootImage {
    /** The reference as written (`ami-0abc`, `projects/p/global/images/app-v42`, a gallery version id). */
    reference?: string;
    /** Why the reference floats or is not a golden image, when it does or is not. */
    floating?: string;
    /** The tags / labels of the resource (for a launch template: its tags and its instance tag specifications). */
    tags: Record<string, string>;
    /** False where the resource type has no tags to carry the version (launch configurations). */
    hasTags: boolean;
    /** References the pack cannot read. */
    unreadable: Unreadable[];
}

/** The resource types this normalizer reads. */
export const MACHINE_IMAGE_TYPES: readonly string[] = VM_TYPES;

const AMI = /^ami-[0-9a-f]+$/i;

function awsImage(value: unknown, field: string, unreadable: Unreadable[]): { reference?: string; floating?: string } {
    const ref = str(value);
    if (ref !== undefined && /^resolve:ssm:/i.test(ref)) {
        return {
            reference: ref,
            floating: "an SSM parameter alias resolves to whatever image the parameter names today",
        };
    }
    if (ref === undefined || !AMI.test(ref.trim())) {
        unreadable.push({
            field,
            raw: value,
            why:
                value === undefined
                    ? "not set: the image is chosen elsewhere"
                    : "not an AMI id (ami-<hex>) or resolve:ssm: alias",
        });
        return { reference: ref };
    }
    return { reference: ref };
}

/**
 * Public image projects: their images are vendors' base images, and the short form `<project>/<name>` names an
 * image family there (https://cloud.google.com/compute/docs/images/os-details).
 */
const GCP_PUBLIC_PROJECT =
    /^([a-z0-9-]+-cloud(-[a-z0-9-]+)?|cos-cloud|ml-images|deeplearning-platform-release|gce-uefi-images)$/;
const GCP_IMAGE_PATH =
    /^(https:\/\/(www|compute)\.googleapis\.com\/compute\/(v1|beta|alpha)\/)?(projects\/[a-z0-9-]+\/)?global\/images\/(family\/)?[a-z0-9-]+$/;

function gcpImage(value: unknown, field: string, unreadable: Unreadable[]): { reference?: string; floating?: string } {
    const ref = str(value)?.trim();
    if (ref === undefined || ref === "") {
        unreadable.push({ field, raw: value, why: "not an image reference" });
        return {};
    }
    if (/(^|\/)family\//.test(ref)) {
        return { reference: ref, floating: "an image family resolves to its newest image" };
    }
    if (GCP_IMAGE_PATH.test(ref)) {
        return { reference: ref };
    }
    const short = /^(?:([a-z0-9-]+)\/)?([a-z0-9-]+)$/.exec(ref);
    if (short && short[1] && GCP_PUBLIC_PROJECT.test(short[1])) {
        return {
            reference: ref,
            floating: `"${short[1]}/${short[2]}" names a public image family (${short[1]} is a vendor's image project): it resolves to the family's newest image`,
        };
    }
    unreadable.push({
        field,
        raw: value,
        why: short
            ? "a short form names an image or an image family, whichever exists: write projects/<project>/global/images/<name>"
            : "not an image reference",
    });
    return { reference: ref };
}

const AZURE_MANAGED_IMAGE =
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/images\/[^/]+$/i;
const AZURE_GALLERY = /\/(galleries|SharedGalleries|CommunityGalleries)\/[^/]+\/images\/[^/]+(\/versions\/([^/]+))?$/i;

function azureImage(
    storageProfile: unknown,
    field: string,
    unreadable: Unreadable[],
): { reference?: string; floating?: string } {
    const storage = record(storageProfile);
    const image = record(storage?.imageReference);
    if (!image) {
        if (isOneOf(record(storage?.osDisk)?.createOption, "Attach")) {
            return { floating: "an attached OS disk is a server's own disk, not a golden image" };
        }
        unreadable.push({
            field: `${field}.imageReference`,
            raw: storage?.imageReference,
            why: "not set: cannot tell what the VM boots",
        });
        return {};
    }
    const id = str(image.id) ?? str(image.sharedGalleryImageId) ?? str(image.communityGalleryImageId);
    if (id) {
        if (AZURE_MANAGED_IMAGE.test(id)) {
            return { reference: id };
        }
        const gallery = AZURE_GALLERY.exec(id);
        if (!gallery) {
            unreadable.push({
                field: `${field}.imageReference.id`,
                raw: id,
                why: "not a managed image or gallery image (version) id",
            });
            return { reference: id };
        }
        const version = gallery[3];
        return {
            reference: id,
            floating:
                version === undefined || /^latest$/i.test(version)
                    ? "a gallery image without a pinned version resolves to its latest version"
                    : undefined,
        };
    }
    const marketplace = [image.publisher, image.offer, image.sku, image.version].map(str).join(":");
    if (isOneOf(image.version, "latest") || str(image.version) === undefined) {
        return { reference: marketplace, floating: "a marketplace image at version latest changes under the instance" };
    }
    return {
        reference: marketplace,
        floating: "a marketplace image is not our golden image (use a gallery image version)",
    };
}

function awsTags(props: Record<string, any>): Record<string, string> {
    const tags = tagMap(props.tags);
    for (const spec of list(props.tagSpecifications).map(record)) {
        Object.assign(tags, tagMap(spec?.tags));
    }
    return tags;
}

/** The boot image of a VM resource, or undefined for other types and for instances launched from a template. */
export const bootImage = memoByProps(bootImageOf);

function bootImageOf(type: string, props: Record<string, any>): BootImage | undefined {
    const unreadable: Unreadable[] = [];
    const shape = (image: { reference?: string; floating?: string }, tags: Record<string, string>, hasTags = true) => ({
        ...image,
        tags,
        hasTags,
        unreadable,
    });
    if (AWS_INSTANCE_TYPES.includes(type)) {
        if ((props.ami === undefined || props.ami === null) && record(props.launchTemplate)) {
            return undefined; // judged on the launch template
        }
        return shape(awsImage(props.ami, "ami", unreadable), tagMap(props.tags));
    }
    if (GCP_TEMPLATE_TYPES.includes(type)) {
        const disks = list(props.disks).map(record);
        const boot = disks.find((d) => d?.boot === true) ?? disks[0];
        const i = Math.max(0, disks.indexOf(boot));
        if (boot && boot.sourceImage === undefined && str(boot.source)) {
            return shape(
                {
                    reference: str(boot.source),
                    floating: "an existing disk is a server's own disk, not a golden image",
                },
                tagMap(props.labels),
            );
        }
        return shape(gcpImage(boot?.sourceImage, `disks[${i}].sourceImage`, unreadable), tagMap(props.labels));
    }
    if (AZURE_VM_TYPES.includes(type)) {
        const profile = type === RESOURCE_TYPE.azureVmss ? record(props.virtualMachineProfile) : props;
        const prefix = type === RESOURCE_TYPE.azureVmss ? "virtualMachineProfile.storageProfile" : "storageProfile";
        return shape(azureImage(profile?.storageProfile, prefix, unreadable), tagMap(props.tags));
    }
    switch (type) {
        case RESOURCE_TYPE.awsLaunchTemplate:
            return shape(awsImage(props.imageId, "imageId", unreadable), awsTags(props));
        case RESOURCE_TYPE.awsLaunchConfiguration:
            return shape(awsImage(props.imageId, "imageId", unreadable), {}, false);
        case RESOURCE_TYPE.awsSpotFleetRequest: {
            const specs = list(props.launchSpecifications).map(record);
            if (specs.length === 0) {
                return undefined; // launch templates, judged there
            }
            const images = specs.map((s, i) => awsImage(s?.ami, `launchSpecifications[${i}].ami`, unreadable));
            const floating = images.find((im) => im.floating);
            const tags = Object.assign({}, ...specs.map((s) => tagMap(s?.tags)));
            return shape(floating ?? images[0], tags);
        }
        case RESOURCE_TYPE.gcpInstance:
        case RESOURCE_TYPE.gcpInstanceFromTemplate: {
            const disk = record(props.bootDisk);
            const params = record(disk?.initializeParams);
            if (type === RESOURCE_TYPE.gcpInstanceFromTemplate && params?.image === undefined) {
                return undefined; // the template's boot disk, judged there
            }
            if (params?.image === undefined && str(disk?.source)) {
                return shape(
                    {
                        reference: str(disk?.source),
                        floating: "an existing disk is a server's own disk, not a golden image",
                    },
                    tagMap(props.labels),
                );
            }
            return shape(gcpImage(params?.image, "bootDisk.initializeParams.image", unreadable), tagMap(props.labels));
        }
        case RESOURCE_TYPE.gcpInstanceFromMachineImage:
            return shape({ reference: str(props.sourceMachineImage) }, tagMap(props.labels));
        default:
            return undefined;
    }
}
