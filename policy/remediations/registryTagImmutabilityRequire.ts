import { RESOURCE_TYPE } from "../model/types";
import { registryTags } from "../model/registry";
import { record, str } from "../model/values";
import type { RegistryConfig } from "../rules/registryTagImmutabilityRequire";
import type { Remediation } from "./remediation";

/**
 * registry-tag-immutability-require: ECR `imageTagMutability = "IMMUTABLE"` (for MUTABLE or unset), Artifact
 * Registry `dockerConfig.immutableTags = true`. Declines the `*_WITH_EXCLUSION` settings: their filters are a
 * choice of which tags may move, which only the team can revise; and an Artifact Registry repository labelled as
 * a build cache (immutable tags would break the cache: its id or its label is wrong, and only the team knows which).
 */
export const registryTagImmutabilityRemediation: Remediation<RegistryConfig> = {
    rule: "registry-tag-immutability-require",
    sets: 'ECR imageTagMutability "IMMUTABLE" (from MUTABLE); Artifact Registry dockerConfig.immutableTags true',
    safe:
        "Images already pushed, and every pull by tag or digest, keep working; only a push that would move an " +
        "existing tag fails, which is what the rule forbids. Both are updates of the existing repository " +
        "(https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageTagMutability.html, " +
        "https://cloud.google.com/artifact-registry/docs/docker/manage-images#immutable-tags). Push a unique tag " +
        "per build (the version or the commit) before choosing remediate.",
    plan(type, props) {
        if (type === RESOURCE_TYPE.awsEcrRepository) {
            const setting = str(props.imageTagMutability);
            if (setting !== undefined && !/^MUTABLE$/i.test(setting.trim())) {
                return { declined: `imageTagMutability ${setting} names exclusion filters: revise them by hand` };
            }
            return { sets: [{ path: ["imageTagMutability"], value: "IMMUTABLE" }] };
        }
        if (type === RESOURCE_TYPE.gcpArtifactRepository) {
            if (props.dockerConfig !== undefined && props.dockerConfig !== null && !record(props.dockerConfig)) {
                return { declined: "dockerConfig is not an object" };
            }
            if (registryTags(type, props)?.buildCache) {
                return {
                    declined:
                        "labelled as a build cache, whose tag must move: name it <repository>-buildcache, or drop the label",
                };
            }
            return { sets: [{ path: ["dockerConfig", "immutableTags"], value: true }] };
        }
        return { declined: `not an ECR or Artifact Registry repository (${type})` };
    },
};
