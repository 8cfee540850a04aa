import {
    BUILD_CACHE_LABEL_KEY,
    BUILD_CACHE_LABEL_VALUE,
    BUILD_CACHE_REPOSITORY_SUFFIX,
    BUILD_CACHE_TAG_FILTER,
} from "../../components/core/buildCache";
import { REGISTRY_TYPES, registryTags } from "../model/registry";
import { showRaw } from "../model/unreadable";
import { describeUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule, schema } from "../rule";

/** Config of registry-tag-immutability-require. */
export interface RegistryConfig {
    /** ECR exclusion filters allowed under IMMUTABLE_WITH_EXCLUSION (default: the build-cache tag's filter). */
    allowedMutableTagFilters: string[];
}

const DEFAULTS: RegistryConfig = { allowedMutableTagFilters: [BUILD_CACHE_TAG_FILTER] };

/**
 * Immutable tags on ECR and Artifact Registry, except for the build-cache repositories the components create
 * (components/core/buildCache.ts): ECR `IMMUTABLE_WITH_EXCLUSION` with the cache tag's filter only (the default
 * `allowedMutableTagFilters`), an Artifact Registry repository both labelled as the build cache and named with the
 * cache suffix. A deploy never pulls from one: image-digest-require rejects refs into a cache repository.
 */
export const registryTagImmutabilityRequire: ResourceRule<RegistryConfig> = {
    kind: "resource",
    name: "registry-tag-immutability-require",
    family: Family.Images,
    description:
        "Requires immutable tags on image registries: ECR imageTagMutability IMMUTABLE (IMMUTABLE_WITH_EXCLUSION only for allowed filters, by default the build cache's buildcache*), Artifact Registry DOCKER repositories with dockerConfig.immutableTags (except a build-cache repository: labelled immutable-role: build-cache and named *-buildcache).",
    why: "Build once: a release tag that can be pushed again names a different image tomorrow, and rollback targets stop meaning anything.",
    fix: 'Set imageTagMutability "IMMUTABLE" (ECR) or dockerConfig: { immutableTags: true } (Artifact Registry).',
    enforcementLevel: "mandatory",
    stage: MigrationStage.GoldenImages,
    resourceTypes: REGISTRY_TYPES,
    defaults: DEFAULTS,
    configSchema: schema(
        {
            allowedMutableTagFilters: {
                type: "array",
                items: { type: "string" },
                description:
                    "ECR exclusion filters allowed to stay mutable (IMMUTABLE_WITH_EXCLUSION); a list given here replaces the default, so keep buildcache* in it while a build cache uses it.",
            },
        },
        { ...DEFAULTS },
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
        if (tags.buildCache?.suffixed) {
            return; // the build cache: its one tag moves, and no deploy pulls from it
        }
        if (tags.buildCache) {
            report(
                `labelled ${BUILD_CACHE_LABEL_KEY}: ${BUILD_CACHE_LABEL_VALUE}, but repositoryId ${showRaw(tags.buildCache.repositoryId)} does not end in ${BUILD_CACHE_REPOSITORY_SUFFIX}: only a build-cache repository may keep moving tags (tags can be overwritten, ${tags.setting})`,
            );
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
