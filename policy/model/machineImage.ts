/**
 * Machine images, one shape for what a VM boots from: AWS `ami` / launch template `imageId`, GCP boot disk
 * `image` / template boot `sourceImage`, Azure `storageProfile.imageReference`; plus the tags/labels the
 * instance carries (our MachineImage sets the image version tag, and the instance resources copy it).
 */
import { T, VM_TYPES } from "./types";
import { isOneOf, list, memoByProps, record, str, tagMap } from "./values";

/** The image a VM resource boots from. */
export interface BootImage {
    /** The reference as written (`ami-0abc`, `projects/p/global/images/app-v42`, a gallery version id). */
    reference?: string;
    /** Why the reference floats (resolves to a different image over time), when it does. */
    floating?: string;
    /** The tags / labels of the resource (for a launch template: its tags and its instance tag specifications). */
    tags: Record<string, string>;
}

/** The resource types this normalizer reads. */
export const MACHINE_IMAGE_TYPES: readonly string[] = VM_TYPES;

function awsFloating(ref: string | undefined): string | undefined {
    return ref && /^resolve:ssm:/i.test(ref)
        ? "an SSM parameter alias resolves to whatever image the parameter names today"
        : undefined;
}

function gcpFloating(ref: string | undefined): string | undefined {
    return ref && /(^|\/)family\//.test(ref) ? "an image family resolves to its newest image" : undefined;
}

function azureImage(storageProfile: unknown): { reference?: string; floating?: string } {
    const image = record(record(storageProfile)?.imageReference);
    if (!image) {
        return {};
    }
    const id = str(image.id) ?? str(image.sharedGalleryImageId) ?? str(image.communityGalleryImageId);
    if (id) {
        const versioned = /\/versions\/[^/]+$/i.test(id) && !/\/versions\/latest$/i.test(id);
        return {
            reference: id,
            floating: versioned ? undefined : "a gallery image without a pinned version resolves to its latest version",
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

/** The boot image of a VM resource, or undefined for other types and for instances launched from a template. */
export const bootImage = memoByProps(bootImageOf);

function bootImageOf(type: string, props: Record<string, any>): BootImage | undefined {
    switch (type) {
        case T.awsInstance: {
            const ref = str(props.ami);
            if (ref === undefined && record(props.launchTemplate)) {
                return undefined; // judged on the launch template
            }
            return { reference: ref, floating: awsFloating(ref), tags: tagMap(props.tags) };
        }
        case T.awsLaunchTemplate: {
            const ref = str(props.imageId);
            const tags = tagMap(props.tags);
            for (const spec of list(props.tagSpecifications).map(record)) {
                Object.assign(tags, tagMap(spec?.tags));
            }
            return { reference: ref, floating: awsFloating(ref), tags };
        }
        case T.gcpInstance: {
            const ref = str(record(record(props.bootDisk)?.initializeParams)?.image);
            return { reference: ref, floating: gcpFloating(ref), tags: tagMap(props.labels) };
        }
        case T.gcpInstanceTemplate:
        case T.gcpRegionInstanceTemplate: {
            const disks = list(props.disks).map(record);
            const boot = disks.find((d) => d?.boot === true) ?? disks[0];
            const ref = str(boot?.sourceImage);
            return { reference: ref, floating: gcpFloating(ref), tags: tagMap(props.labels) };
        }
        case T.azureVm:
            return { ...azureImage(props.storageProfile), tags: tagMap(props.tags) };
        case T.azureVmss:
            return { ...azureImage(record(props.virtualMachineProfile)?.storageProfile), tags: tagMap(props.tags) };
        default:
            return undefined;
    }
}
