/**
 * Registries, one shape for tag mutability: ECR `imageTagMutability` (MUTABLE unless set) with its exclusion
 * filters, Artifact Registry `dockerConfig.immutableTags` on DOCKER standard repositories, and whether an Artifact
 * Registry repository says it is a build cache (components/core/buildCache.ts: the label, and a repositoryId with
 * the cache suffix). Azure Container Registry has no ARM property for tag locks, so ACR produces no shape (the
 * release flow pushes by digest).
 */
import {
    BUILD_CACHE_LABEL_KEY,
    BUILD_CACHE_LABEL_VALUE,
    BUILD_CACHE_REPOSITORY_SUFFIX,
} from "../../components/core/buildCache";
import { RESOURCE_TYPE } from "./types";
import type { Unreadable } from "./unreadable";
import { bool, isOneOf, list, record, str } from "./values";

/** Tag mutability of one registry repository. */
export interface RegistryTags {
    /** True when no tag can be moved. */
    immutable: boolean;
    /** Tag filters exempted from immutability (ECR `IMMUTABLE_WITH_EXCLUSION`). */
    mutableTagFilters: string[];
    /** The setting as written, for the message. */
    setting: string;
    /** The setting when the pack cannot read it. */
    unreadable?: Unreadable;
    /**
     * Artifact Registry: set when the repository is labelled as a build cache (`immutable-role: build-cache`);
     * `suffixed` when its repositoryId also ends in the cache suffix (`-buildcache`), as the components name it.
     */
    buildCache?: { repositoryId: unknown; suffixed: boolean };
}

/** How an Artifact Registry repository's labels and id say it is a build cache, if they do. */
function buildCacheOf(props: Record<string, any>): RegistryTags["buildCache"] {
    if (str(record(props.labels)?.[BUILD_CACHE_LABEL_KEY]) !== BUILD_CACHE_LABEL_VALUE) {
        return undefined;
    }
    const id = str(props.repositoryId);
    return {
        repositoryId: props.repositoryId,
        suffixed: id !== undefined && id.endsWith(BUILD_CACHE_REPOSITORY_SUFFIX),
    };
}

/** The resource types this normalizer reads. */
export const REGISTRY_TYPES: readonly string[] = [RESOURCE_TYPE.awsEcrRepository, RESOURCE_TYPE.gcpArtifactRepository];

/** The tag mutability of a registry repository, or undefined when tags do not apply (non-Docker, remote). */
export function registryTags(type: string, props: Record<string, any>): RegistryTags | undefined {
    switch (type) {
        case RESOURCE_TYPE.awsEcrRepository: {
            const setting = str(props.imageTagMutability) ?? "MUTABLE";
            const filters = list(props.imageTagMutabilityExclusionFilters)
                .map(record)
                .map((f) => str(f?.filter))
                .filter((f): f is string => !!f);
            if (isOneOf(setting, "IMMUTABLE")) {
                return { immutable: true, mutableTagFilters: [], setting };
            }
            if (isOneOf(setting, "IMMUTABLE_WITH_EXCLUSION")) {
                return { immutable: true, mutableTagFilters: filters, setting };
            }
            if (!isOneOf(setting, "MUTABLE", "MUTABLE_WITH_EXCLUSION")) {
                return {
                    immutable: false,
                    mutableTagFilters: [],
                    setting,
                    unreadable: {
                        field: "imageTagMutability",
                        raw: props.imageTagMutability,
                        why: "not IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE or MUTABLE_WITH_EXCLUSION",
                    },
                };
            }
            return { immutable: false, mutableTagFilters: [], setting: `imageTagMutability ${setting}` };
        }
        case RESOURCE_TYPE.gcpArtifactRepository: {
            const formats = [
                "DOCKER",
                "MAVEN",
                "NPM",
                "PYTHON",
                "APT",
                "YUM",
                "GO",
                "KFP",
                "GENERIC",
                "RUBY",
                "SWIFT",
                "HELM",
            ];
            const modes = ["STANDARD_REPOSITORY", "VIRTUAL_REPOSITORY", "REMOTE_REPOSITORY"];
            if (props.format !== undefined && props.format !== null && !isOneOf(props.format, ...formats)) {
                return {
                    immutable: false,
                    mutableTagFilters: [],
                    setting: "format",
                    unreadable: {
                        field: "format",
                        raw: props.format,
                        why: `not a repository format (${formats.join(", ")})`,
                    },
                };
            }
            if (props.mode !== undefined && props.mode !== null && !isOneOf(props.mode, ...modes)) {
                return {
                    immutable: false,
                    mutableTagFilters: [],
                    setting: "mode",
                    unreadable: { field: "mode", raw: props.mode, why: `not ${modes.join(", ")}` },
                };
            }
            if (
                !isOneOf(props.format, "DOCKER") ||
                (props.mode !== undefined && !isOneOf(props.mode, "STANDARD_REPOSITORY"))
            ) {
                return undefined;
            }
            const raw = record(props.dockerConfig)?.immutableTags;
            const immutable = bool(raw) === true;
            if (raw !== undefined && raw !== null && bool(raw) === undefined) {
                return {
                    immutable: false,
                    mutableTagFilters: [],
                    setting: "dockerConfig.immutableTags",
                    unreadable: { field: "dockerConfig.immutableTags", raw, why: "not a boolean" },
                };
            }
            return {
                immutable,
                mutableTagFilters: [],
                setting: immutable ? "dockerConfig.immutableTags true" : "dockerConfig.immutableTags unset",
                ...(immutable ? {} : { buildCache: buildCacheOf(props) }),
            };
        }
        default:
            return undefined;
    }
}
