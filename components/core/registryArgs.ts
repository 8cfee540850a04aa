/**
 * The args every image registry shares (ECR, Artifact Registry, ACR): the repository the releases are pushed
 * to, how many releases it keeps, its labels, and whether a build-cache repository sits beside it. Each cloud's
 * registry adds its specifics beside these, as the container services do.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Validator } from "./validation";

/** The args shape common to every cloud's image registry. */
export interface ImageRegistryArgs {
    /**
     * The image repository releases are pushed to: `<registry host>/<...>/<repositoryName>` (the ECR repository,
     * the image inside the Artifact Registry repository, the repository inside the ACR). Default: the component name.
     */
    repositoryName?: pulumi.Input<string>;
    /** Releases to keep (default 30); older ones are collected. Rollback targets must stay inside this window. */
    keepReleases?: pulumi.Input<number>;
    /** Labels (GCP) / tags (AWS, Azure) set on every registry resource that takes them. */
    labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Also create a build-cache repository beside the release repository (`<repositoryName>-buildcache`), whose
     * one cache tag moves on every build while release tags never do. Default false.
     */
    buildCache?: boolean;
}

/** Arg names of the registries before they shared one shape, and what each became. */
const RENAMED: Record<string, string> = {
    imageName: "repositoryName",
    tags: "labels",
    repositoryId: "artifactRepositoryId",
};

/** Refuses an arg name the registries no longer take, naming its new name (for callers without type checks). */
export function refuseRenamedArgs(v: Validator, args: object): void {
    for (const [old, now] of Object.entries(RENAMED)) {
        if (old in args && (args as Record<string, unknown>)[old] !== undefined) {
            v.fail(old, `was renamed ${now} (the three registries share one args shape); pass ${now}`);
        }
    }
}

/**
 * The outputs every registry exposes. Each class declares the fields itself (the schema analyzer reads a
 * component's own members), typed by `implements ImageRegistryOutputs`; {@link registryOutputs} registers them.
 */
export interface ImageRegistryOutputs {
    /** Where images are pushed: the repository, without tag or digest. */
    repositoryUrl: pulumi.Output<string>;
    /** The registry host to log in to. */
    server: pulumi.Output<string>;
    /** Push credentials user name. */
    username: pulumi.Output<string>;
    /** Push credentials password (secret). */
    password: pulumi.Output<string>;
    /** The build-cache repository (`buildCache`), else undefined. */
    cacheRepositoryUrl: pulumi.Output<string> | undefined;
}

/** The shared outputs of a registry, for `registerOutputs`. */
export function registryOutputs(r: ImageRegistryOutputs): Record<string, unknown> {
    const { repositoryUrl, server, username, password, cacheRepositoryUrl } = r;
    return { repositoryUrl, server, username, password, cacheRepositoryUrl };
}
