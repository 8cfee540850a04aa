import { isBuildCacheRepository } from "../../components/core/buildCache";
import { CONTAINER_TYPES, containers } from "../model/containers";
import { isLatest, isPinnedByDigest, parseImageRef } from "../model/imageRef";
import { reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** Container images pinned by digest on ECS, Batch, Cloud Run (v2 and v1), Container Apps and Container Instances. */
export const imageDigestRequire: ResourceRule = {
    kind: "resource",
    name: "image-digest-require",
    family: Family.Images,
    description:
        "Requires every container image to be pinned by digest (repo@sha256:...): no tags, no :latest, no build-cache repository (*-buildcache), in ECS task and daemon definitions, AWS Batch job definitions, Cloud Run services, jobs and worker pools (v2 and v1), Container Apps and Container Instances.",
    why: "Build once, deploy the same artifact everywhere: a tag can be moved, so what runs is not what was tested.",
    fix: "Deploy the release's per-registry ref (repo@sha256:...) from the build stack or the release manifest, never a tag.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.GoldenImages,
    resourceTypes: CONTAINER_TYPES,
    defaults: {},
    validate(type, props, _config, report) {
        for (const c of containers(type, props)) {
            const unreadable = c.unreadable.filter((u) => u.aspect === "image");
            if (unreadable.length > 0) {
                reportUnreadable(unreadable, report);
            } else if (c.image === undefined) {
                report(`${c.path} has no image`);
            } else if (isPinnedByDigest(c.image)) {
                if (isBuildCacheRepository(parseImageRef(c.image)!.repository)) {
                    report(`${c.path} image "${c.image}" is pulled from a build-cache repository, whose tag moves`);
                }
            } else if (!parseImageRef(c.image)) {
                report(`${c.path} image "${c.image}" is not an image reference`);
            } else if (isLatest(c.image)) {
                report(`${c.path} image "${c.image}" uses :latest (moves on every push); pin it by digest`);
            } else {
                report(`${c.path} image "${c.image}" is a tag, not pinned by digest`);
            }
        }
    },
};
