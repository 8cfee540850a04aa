import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Validator } from "../core/validation";
import { garCleanupPolicies, keepReleasesOf } from "../core/retention";
import { componentType } from "../core/packageName";

/** Arguments of {@link GcpImageRegistry}. */
export interface GcpImageRegistryArgs {
    /** Region of the repository, e.g. `us-central1`. */
    location: pulumi.Input<string>;
    /** Artifact Registry repository id. Defaults to the component name. */
    repositoryId?: pulumi.Input<string>;
    /** Image name inside the repository, e.g. `sample-service`. Defaults to the component name. */
    imageName?: pulumi.Input<string>;
    /** Project; the provider's project when omitted. */
    project?: pulumi.Input<string>;
    /** Versions to keep; older ones are deleted by the cleanup policy (default 30). */
    keepReleases?: pulumi.Input<number>;
    /** Labels applied to the repository. */
    labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * An Artifact Registry DOCKER repository with immutable tags (`dockerConfig.immutableTags: true`) and
 * cleanup policies that keep the N most recent versions and delete the rest.
 */
export class GcpImageRegistry extends pulumi.ComponentResource {
    /** Where images are pushed: `<location>-docker.pkg.dev/<project>/<repository>/<image>`. */
    public readonly repositoryUrl: pulumi.Output<string>;
    /** The registry host to log in to (`<location>-docker.pkg.dev`). */
    public readonly server: pulumi.Output<string>;
    /** Push credentials user name (`oauth2accesstoken`). */
    public readonly username: pulumi.Output<string>;
    /** Push credentials password (the caller's short-lived access token, secret). */
    public readonly password: pulumi.Output<string>;
    /** The Artifact Registry repository. */
    public readonly repository: gcp.artifactregistry.Repository;

    constructor(name: string, args: GcpImageRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("GcpImageRegistry"), name, args, opts);
        const v = new Validator("GcpImageRegistry", name);
        const keep = keepReleasesOf(v, args.keepReleases);
        if (args.location === undefined || args.location === "") {
            v.fail("location", "must name a region, e.g. us-central1");
        }
        this.repository = new gcp.artifactregistry.Repository(
            `${name}-repo`,
            {
                repositoryId: args.repositoryId ?? name,
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
        const client = gcp.organizations.getClientConfigOutput({ parent: this });
        this.repositoryUrl = pulumi.interpolate`${this.repository.registryUri}/${args.imageName ?? name}`;
        this.server = pulumi.interpolate`${this.repository.location}-docker.pkg.dev`;
        this.username = pulumi.output("oauth2accesstoken");
        this.password = pulumi.secret(client.accessToken);
        this.registerOutputs({
            repositoryUrl: this.repositoryUrl,
            server: this.server,
            username: this.username,
            password: this.password,
            repository: this.repository,
        });
    }
}
