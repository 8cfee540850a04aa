/**
 * The BuildKit registry cache, in a form immutable registries accept. A cache export pushes the same tag on
 * every build, which an immutable repository refuses from the second build on, so the cache never goes to a
 * release repository: it goes to a separate cache repository (`<repository>-buildcache`) whose one cache tag is
 * the only tag that may move (ECR: `IMMUTABLE_WITH_EXCLUSION` with the filter below; Artifact Registry: a mutable
 * repository labelled as the build cache). The policy pack's `registry-tag-immutability-require` accepts exactly
 * these (its default `allowedMutableTagFilters`, and the label with the repository suffix).
 * Pure, no imports: the policy pack imports this file (policy/publish.sh vendors it).
 */

/** The tag the cache is exported to and imported from. */
export const BUILD_CACHE_TAG = "buildcache";

/** The ECR tag-mutability exclusion filter of cache repositories (wildcard syntax of ECR). */
export const BUILD_CACHE_TAG_FILTER = "buildcache*";

/** What ends the name of every cache repository. */
export const BUILD_CACHE_REPOSITORY_SUFFIX = "-buildcache";

/** The label key and value that mark an Artifact Registry repository as a build cache (its one tag moves). */
export const BUILD_CACHE_LABEL_KEY = "immutable-role";
export const BUILD_CACHE_LABEL_VALUE = "build-cache";

/** That label as a labels map. */
export const BUILD_CACHE_ROLE_LABEL: Readonly<Record<string, string>> = {
    [BUILD_CACHE_LABEL_KEY]: BUILD_CACHE_LABEL_VALUE,
};

/** True when an image repository (`host/path/name`) is a build cache: one of its path parts has the cache suffix. */
export function isBuildCacheRepository(repository: string): boolean {
    return repository.split("/").some((part) => part.endsWith(BUILD_CACHE_REPOSITORY_SUFFIX));
}

/** The name of the cache repository beside a release repository. */
export function buildCacheRepositoryName(repositoryName: string): string {
    return `${repositoryName}${BUILD_CACHE_REPOSITORY_SUFFIX}`;
}

/** `cache-from` of a build that reads the cache repository. */
export function registryCacheFrom(cacheRepository: string): string {
    return `type=registry,ref=${cacheRepository}:${BUILD_CACHE_TAG}`;
}

/**
 * `cache-to` of a build that writes it: every layer (`mode=max`), as an OCI image manifest, which is what ECR
 * and Artifact Registry store (https://aws.amazon.com/blogs/containers/announcing-remote-cache-support-in-amazon-ecr-for-buildkit-clients/).
 */
export function registryCacheTo(cacheRepository: string): string {
    return `${registryCacheFrom(cacheRepository)},mode=max,image-manifest=true,oci-mediatypes=true`;
}

/** The repository of a buildx `type=registry` cache spec (`ref=<repo>[:tag]`), or undefined for other cache types. */
export function registryCacheRepository(spec: string): string | undefined {
    const fields = Object.fromEntries(
        spec.split(",").map((part) => {
            const eq = part.indexOf("=");
            return eq < 0 ? [part.trim(), ""] : [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
        }),
    );
    if (fields.type !== "registry" || !fields.ref) {
        return undefined;
    }
    const ref = fields.ref.replace(/@sha256:[0-9a-f]+$/, "");
    const slash = ref.lastIndexOf("/");
    const colon = ref.lastIndexOf(":");
    return colon > slash ? ref.slice(0, colon) : ref;
}
