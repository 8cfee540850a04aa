/**
 * Registries, one shape for tag mutability: ECR `imageTagMutability` (MUTABLE unless set) with its exclusion
 * filters, Artifact Registry `dockerConfig.immutableTags` on DOCKER standard repositories. Azure Container
 * Registry has no ARM property for tag locks, so ACR produces no shape (the release flow pushes by digest).
 */
import { T } from "./types";
import { isOneOf, list, record, str } from "./values";

/** Tag mutability of one registry repository. */
export interface RegistryTags {
    /** True when no tag can be moved. */
    immutable: boolean;
    /** Tag filters exempted from immutability (ECR `IMMUTABLE_WITH_EXCLUSION`). */
    mutableTagFilters: string[];
    /** The setting as written, for the message. */
    setting: string;
}

/** The resource types this normalizer reads. */
export const REGISTRY_TYPES: readonly string[] = [T.awsEcrRepository, T.gcpArtifactRepository];

/** The tag mutability of a registry repository, or undefined when tags do not apply (non-Docker, remote). */
export function registryTags(type: string, props: Record<string, any>): RegistryTags | undefined {
    switch (type) {
        case T.awsEcrRepository: {
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
            return { immutable: false, mutableTagFilters: [], setting: `imageTagMutability ${setting}` };
        }
        case T.gcpArtifactRepository: {
            if (
                !isOneOf(props.format, "DOCKER") ||
                (props.mode !== undefined && !isOneOf(props.mode, "STANDARD_REPOSITORY"))
            ) {
                return undefined;
            }
            const immutable = record(props.dockerConfig)?.immutableTags === true;
            return {
                immutable,
                mutableTagFilters: [],
                setting: immutable ? "dockerConfig.immutableTags true" : "dockerConfig.immutableTags unset",
            };
        }
        default:
            return undefined;
    }
}
