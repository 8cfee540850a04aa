import { REGISTRY_TYPES, registryTags } from "../model/registry";
import { describeUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule, schema } from "../rule";

/** Config of registry-tag-immutability-require. */
export interface RegistryConfig {
    /** ECR exclusion filters allowed under IMMUTABLE_WITH_EXCLUSION (e.g. a build-cache tag prefix). */
    allowedMutableTagFilters: string[];
}

/** Immutable tags on ECR and Artifact Registry. */
export const registryTagImmutabilityRequire: ResourceRule<RegistryConfig> = {
    kind: "resource",
    name: "registry-tag-immutability-require",
    family: Family.Images,
    description:
        "Requires immutable tags on image registries: ECR imageTagMutability IMMUTABLE (IMMUTABLE_WITH_EXCLUSION only for allowed filters), Artifact Registry DOCKER repositories with dockerConfig.immutableTags.",
    why: "Build once: a release tag that can be pushed again names a different image tomorrow, and rollback targets stop meaning anything.",
    fix: 'Set imageTagMutability "IMMUTABLE" (ECR) or dockerConfig: { immutableTags: true } (Artifact Registry).',
    enforcementLevel: "mandatory",
    stage: MigrationStage.GoldenImages,
    resourceTypes: REGISTRY_TYPES,
    defaults: { allowedMutableTagFilters: [] },
    configSchema: schema(
        {
            allowedMutableTagFilters: {
                type: "array",
                items: { type: "string" },
                description: "ECR exclusion filters allowed to stay mutable (IMMUTABLE_WITH_EXCLUSION).",
            },
        },
        { allowedMutableTagFilters: [] },
    ),
    validate(type, props, config, report) {
        const tags = registryTags(type, props);
        if (!tags) {
            return;
        }
        if (tags.unreadable) {
            report(describeUnreadable(tags.unreadable));
            return;
        }
        if (!tags.immutable) {
            report(`tags can be overwritten (${tags.setting})`);
            return;
        }
        const extra = tags.mutableTagFilters.filter((f) => !config.allowedMutableTagFilters.includes(f));
        if (extra.length > 0 || (tags.mutableTagFilters.length === 0 && /EXCLUSION/i.test(tags.setting))) {
            report(
                `IMMUTABLE_WITH_EXCLUSION leaves tags mutable (${extra.join(", ") || "no filters given"}); allow them in allowedMutableTagFilters or use IMMUTABLE`,
            );
        }
    },
};
