/**
 * Packer's manifest post-processor output (`packer-manifest.json`), for teams already building their images with
 * Packer: `builds[]` with `builder_type`, `artifact_id`, `packer_run_uuid` and the post-processor's `custom_data`
 * (https://developer.hashicorp.com/packer/docs/post-processors/manifest). Each cloud's image is its own build, so
 * the provenance is per cloud: nothing ties the AMI to the GCP image byte for byte, and `MachineImage` says so.
 * Pure, no Pulumi import.
 */
import { Cloud } from "./clouds";
import { machineImageRefProblem } from "./machineImageRelease";

/** Packer builder types per cloud (the plugins' builder names). */
const BUILDERS: Record<string, Cloud> = {
    "amazon-ebs": Cloud.Aws,
    "amazon-ebssurrogate": Cloud.Aws,
    "amazon-ebsvolume": Cloud.Aws,
    "amazon-instance": Cloud.Aws,
    "amazon-chroot": Cloud.Aws,
    googlecompute: Cloud.Gcp,
    "azure-arm": Cloud.Azure,
    "azure-chroot": Cloud.Azure,
};

/** One cloud's image from a Packer manifest. */
export interface PackerImage {
    cloud: Cloud;
    /** The builder that made it (`amazon-ebs`). */
    builder: string;
    /** The pinned image reference. */
    image: string;
    /** Unix time of the build. */
    buildTime?: number;
}

/** What a Packer manifest says about one run. */
export interface PackerImages {
    /** One image per cloud: the last build of each cloud in the manifest's last run. */
    images: PackerImage[];
    /** `custom_data.version`, when the template records it. */
    version?: string;
    /** `custom_data.git_sha`, when the template records it. */
    gitSha?: string;
}

/** Where to resolve what a builder's `artifact_id` leaves open. */
export interface PackerContext {
    /** The AWS region whose AMI to take (`amazon-ebs` lists `region:ami-...` per region). */
    awsRegion?: string;
    /** The GCP project of the images (`googlecompute` gives the image name only). */
    gcpProject?: string;
}

/** Reads a parsed `packer-manifest.json`; `where` names it in errors. */
export function readPackerManifest(doc: unknown, where: string, context: PackerContext = {}): PackerImages {
    const fail = (problem: string): never => {
        throw new Error(`${where}: ${problem}`);
    };
    const m = doc as { builds?: unknown; last_run_uuid?: unknown } | null;
    if (!m || typeof m !== "object" || !Array.isArray(m.builds) || m.builds.length === 0) {
        return fail("expected a Packer manifest with builds[] (the manifest post-processor's output)");
    }
    const builds = m.builds as Array<Record<string, unknown>>;
    const lastRun = typeof m.last_run_uuid === "string" ? m.last_run_uuid : undefined;
    const ofLastRun = lastRun ? builds.filter((b) => b.packer_run_uuid === lastRun) : builds;
    const chosen = new Map<Cloud, Record<string, unknown>>();
    for (const b of ofLastRun.length > 0 ? ofLastRun : builds) {
        const cloud = BUILDERS[String(b.builder_type)];
        if (cloud) {
            chosen.set(cloud, b); // a later build of the same cloud wins
        }
    }
    if (chosen.size === 0) {
        fail(`no build of a known builder (${Object.keys(BUILDERS).join(", ")})`);
    }
    const images: PackerImage[] = [];
    let custom: Record<string, unknown> = {};
    for (const [cloud, b] of chosen) {
        const builder = String(b.builder_type);
        const image = imageOf(cloud, String(b.artifact_id ?? ""), context, (p) => fail(`${builder} build: ${p}`));
        const problem = machineImageRefProblem(cloud, image);
        if (problem) {
            fail(`${builder} build: artifact ${problem}`);
        }
        images.push({ cloud, builder, image, buildTime: typeof b.build_time === "number" ? b.build_time : undefined });
        if (b.custom_data && typeof b.custom_data === "object") {
            custom = { ...custom, ...(b.custom_data as Record<string, unknown>) };
        }
    }
    return {
        images,
        version: typeof custom.version === "string" ? custom.version : undefined,
        gitSha: typeof custom.git_sha === "string" ? custom.git_sha : undefined,
    };
}

/** The pinned reference a builder's `artifact_id` names. */
function imageOf(cloud: Cloud, artifactId: string, context: PackerContext, fail: (p: string) => never): string {
    switch (cloud) {
        case Cloud.Aws: {
            // "us-east-1:ami-0abc,eu-west-1:ami-0def"
            const byRegion = artifactId.split(",").map((pair) => pair.trim().split(":"));
            const match = context.awsRegion
                ? byRegion.find(([region]) => region === context.awsRegion)
                : byRegion.length === 1
                  ? byRegion[0]
                  : undefined;
            if (!match || match.length !== 2) {
                return fail(
                    context.awsRegion
                        ? `artifact_id ${JSON.stringify(artifactId)} has no AMI in ${context.awsRegion}`
                        : `artifact_id ${JSON.stringify(artifactId)} lists several regions: name the AWS region`,
                );
            }
            return match[1];
        }
        case Cloud.Gcp:
            if (artifactId.includes("/")) {
                return artifactId;
            }
            if (!context.gcpProject) {
                return fail(`artifact_id ${JSON.stringify(artifactId)} is an image name: name the GCP project`);
            }
            return `projects/${context.gcpProject}/global/images/${artifactId}`;
        case Cloud.Azure:
            if (/\/providers\/Microsoft\.Compute\/images\//i.test(artifactId)) {
                return fail(
                    "artifact_id is a managed image, which has no version: publish to a Compute Gallery (shared_image_gallery_destination) so the instance group can pin the image version",
                );
            }
            return artifactId;
    }
}
