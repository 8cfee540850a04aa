import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { BUILD_CACHE_ROLE_LABEL, buildCacheRepositoryName } from "../core/buildCache";
import { componentType } from "../core/packageName";
import {
    type ImageRegistryArgs,
    type ImageRegistryOutputs,
    refuseRenamedArgs,
    registryOutputs,
} from "../core/registryArgs";
import { garCleanupPolicies, keepReleasesOf } from "../core/retention";
import { Validator } from "../core/validation";
import { definedOutputs } from "../core/outputs";

/** What only Artifact Registry needs beside the shared registry args. */
export interface GcpRegistrySpecifics {
    /** Region of the repository, e.g. `us-central1`. */
    location: pulumi.Input<string>;
    /** Project; the provider's project when omitted. */
    project?: pulumi.Input<string>;
    /** The Artifact Registry repository that holds the image (`repositoryName`). Default: the component name. */
    artifactRepositoryId?: pulumi.Input<string>;
}

/** Arguments of {@link GcpImageRegistry}: the shared registry args plus the Artifact Registry specifics. */
export interface GcpImageRegistryArgs extends ImageRegistryArgs, GcpRegistrySpecifics {}

/**
 * An Artifact Registry DOCKER repository with immutable tags (`dockerConfig.immutableTags: true`) and
 * cleanup policies that keep the N most recent versions and delete the rest. With `buildCache`, a second
 * repository (labelled `immutable-role: build-cache`) holds the BuildKit cache, whose one tag moves.
 */
export class GcpImageRegistry extends pulumi.ComponentResource implements ImageRegistryOutputs {
    /** Where images are pushed: `<location>-docker.pkg.dev/<project>/<repository>/<image>`. */
    public readonly repositoryUrl: pulumi.Output<string>;
    /** The registry host to log in to (`<location>-docker.pkg.dev`). */
    public readonly server: pulumi.Output<string>;
    /** Push credentials user name (`oauth2accesstoken`). */
    public readonly username: pulumi.Output<string>;
    /** Push credentials password (the caller's short-lived access token, secret). */
    public readonly password: pulumi.Output<string>;
    /** The build-cache image URL (`buildCache`), else undefined. */
    public readonly cacheRepositoryUrl: pulumi.Output<string> | undefined;
    /** The Artifact Registry repository. */
    public readonly repository: gcp.artifactregistry.Repository;
    /** The build-cache repository (`buildCache`), else undefined. */
    public readonly cacheRepository: gcp.artifactregistry.Repository | undefined;

    constructor(name: string, args: GcpImageRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("GcpImageRegistry"), name, args, opts);
        const v = new Validator("GcpImageRegistry", name);
        refuseRenamedArgs(v, args);
        const keep = keepReleasesOf(v, args.keepReleases);
        if (args.location === undefined || args.location === "") {
            v.fail("location", "must name a region, e.g. us-central1");
        }
        const repositoryId = args.artifactRepositoryId ?? name;
        const imageName = args.repositoryName ?? name;
        this.repository = new gcp.artifactregistry.Repository(
            `${name}-repo`,
            {
                repositoryId,
                location: args.location,
                project: args.project,
                format: "DOCKER",
                description: "Immutable release images: tags never move; the last releases are kept for rollback.",
                dockerConfig: { immutableTags: true },
                cleanupPolicyDryRun: false,
                cleanupPolicies: keep.apply(garCleanupPolicies),
                labels: args.labels,
            },
            { parent: this },
        );
        this.cacheRepository = args.buildCache
            ? new gcp.artifactregistry.Repository(
                  `${name}-buildcache`,
                  {
                      repositoryId: pulumi.output(repositoryId).apply(buildCacheRepositoryName),
                      location: args.location,
                      project: args.project,
                      format: "DOCKER",
                      description: "BuildKit cache of the release builds: its cache tag moves on every build.",
                      labels: pulumi.output(args.labels ?? {}).apply((l) => ({ ...l, ...BUILD_CACHE_ROLE_LABEL })),
                  },
                  { parent: this },
              )
            : undefined;
        const client = gcp.organizations.getClientConfigOutput({ parent: this });
        this.repositoryUrl = pulumi.interpolate`${this.repository.registryUri}/${imageName}`;
        this.server = pulumi.interpolate`${this.repository.location}-docker.pkg.dev`;
        this.username = pulumi.output("oauth2accesstoken");
        this.password = pulumi.secret(client.accessToken);
        this.cacheRepositoryUrl = this.cacheRepository
            ? pulumi.interpolate`${this.cacheRepository.registryUri}/${imageName}`
            : undefined;
        this.registerOutputs(
            definedOutputs({
                ...registryOutputs(this),
                repository: this.repository,
                cacheRepository: this.cacheRepository,
            }),
        );
    }
}
