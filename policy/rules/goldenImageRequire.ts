import { MACHINE_IMAGE_TYPES, bootImage } from "../model/machineImage";
import { reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule, schema } from "../rule";

/** Config of golden-image-require. */
export interface GoldenImageConfig {
    /** The tag / label our MachineImage sets to the image version; VM resources must carry it. */
    versionTag: string;
}

/** VMs built from a versioned golden image. */
export const goldenImageRequire: ResourceRule<GoldenImageConfig> = {
    kind: "resource",
    name: "golden-image-require",
    family: Family.Images,
    description:
        "Requires VM instances, spot requests and fleets, templates, launch configurations and scale sets to boot a versioned golden image: no image families (GCP debian-cloud/debian-12 included), SSM aliases, marketplace or unversioned gallery images, existing disks, and the image version tag/label present.",
    why: "Build once: an instance must boot the image that was built and tested for the release, not whatever a family or alias names today.",
    fix: "Boot the MachineImage of the release (a pinned AMI id, projects/<p>/global/images/<name> or a gallery image version) and copy its version tag to the instance resource.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.GoldenImages,
    resourceTypes: MACHINE_IMAGE_TYPES,
    defaults: { versionTag: "image-version" },
    configSchema: schema(
        {
            versionTag: {
                type: "string",
                description: "Tag (AWS, Azure) / label (GCP) carrying the golden image version.",
            },
        },
        { versionTag: "image-version" },
    ),
    validate(type, props, config, report) {
        const image = bootImage(type, props);
        if (!image) {
            return;
        }
        reportUnreadable(image.unreadable, report);
        if (image.floating) {
            report(
                image.reference ? `image "${image.reference}" floats: ${image.floating}` : `boots ${image.floating}`,
            );
        }
        if (image.hasTags && !image.tags[config.versionTag]) {
            report(`no "${config.versionTag}" tag/label: cannot tell which golden image version it runs`);
        }
    },
};
