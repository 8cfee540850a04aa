import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";
import { buildCacheRepositoryName } from "../core/buildCache";
import { componentType } from "../core/packageName";
import {
    type ImageRegistryArgs,
    type ImageRegistryOutputs,
    refuseRenamedArgs,
    registryOutputs,
} from "../core/registryArgs";
import { acrPurgeTask, keepReleasesOf } from "../core/retention";
import { Validator } from "../core/validation";
import { acrCredentials } from "./acrToken";
import { definedOutputs } from "../core/outputs";

/** ACR service tiers. */
export enum AcrSku {
    Basic = "Basic",
    Standard = "Standard",
    Premium = "Premium",
}

/** What only ACR needs beside the shared registry args. */
export interface AzureRegistrySpecifics {
    /** Resource group of the registry. */
    resourceGroupName: pulumi.Input<string>;
    /** Azure region; the resource group's when omitted. */
    location?: pulumi.Input<string>;
    /** Registry name (globally unique, 5-50 letters and digits). Defaults to the component name without other characters. */
    registryName?: pulumi.Input<string>;
    /** Service tier (default Standard). Premium adds the untagged-manifest retention policy. */
    sku?: AcrSku;
}

/** Arguments of {@link AzureImageRegistry}: the shared registry args plus the ACR specifics. */
export interface AzureImageRegistryArgs extends ImageRegistryArgs, AzureRegistrySpecifics {}

/**
 * An Azure Container Registry for immutable releases. ARM has no property that locks tags (ACR's
 * `writeEnabled: false` is a data-plane attribute set per tag), so this component: disables the admin user and
 * anonymous pull, keeps the last N releases with a scheduled `acr purge` task, and relies on two guarantees
 * that do not need a tag lock: every deploy pulls `repo@sha256:...` (a moved tag cannot change what runs), and
 * `bin/immutable release` refuses to publish a version whose tag already exists with another digest.
 * Push credentials are minted from the deployer's Entra token once the registry exists (./acrToken.ts), so a
 * build in the same update can push. With `buildCache`, the cache goes to `<repository>-buildcache` in the
 * same registry (ACR has no tag lock to exempt it from).
 */
export class AzureImageRegistry extends pulumi.ComponentResource implements ImageRegistryOutputs {
    /** Where images are pushed: `<registry>.azurecr.io/<image>`. */
    public readonly repositoryUrl: pulumi.Output<string>;
    /** The registry host to log in to (`<registry>.azurecr.io`). */
    public readonly server: pulumi.Output<string>;
    /** Push credentials user name (`00000000-0000-0000-0000-000000000000`; "" without an Entra token). */
    public readonly username: pulumi.Output<string>;
    /** Push credentials password (an ACR refresh token minted from the deployer's Entra token, secret; "" without). */
    public readonly password: pulumi.Output<string>;
    /** The build-cache repository URL (`buildCache`), else undefined. */
    public readonly cacheRepositoryUrl: pulumi.Output<string> | undefined;
    /** The container registry. */
    public readonly registry: containerregistry.Registry;
    /** The scheduled task that keeps the last N releases. */
    public readonly retentionTask: containerregistry.Task;

    constructor(name: string, args: AzureImageRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("AzureImageRegistry"), name, args, opts);
        const v = new Validator("AzureImageRegistry", name);
        refuseRenamedArgs(v, args);
        const keep = keepReleasesOf(v, args.keepReleases);
        const registryName = args.registryName ?? name.replace(/[^a-zA-Z0-9]/g, "");
        if (typeof registryName === "string" && !/^[a-zA-Z0-9]{5,50}$/.test(registryName)) {
            v.fail("registryName", `must be 5-50 letters and digits, got ${JSON.stringify(registryName)}`);
        }
        const sku = args.sku ?? AcrSku.Standard;
        const imageName = args.repositoryName ?? name;
        this.registry = new containerregistry.Registry(
            `${name}-registry`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                registryName,
                sku: { name: sku },
                adminUserEnabled: false,
                anonymousPullEnabled: false,
                // Premium only: untagged manifests (interrupted pushes) are deleted after 7 days.
                policies: sku === AcrSku.Premium ? { retentionPolicy: { days: 7, status: "enabled" } } : undefined,
                tags: args.labels,
            },
            { parent: this },
        );
        this.retentionTask = new containerregistry.Task(
            `${name}-retention`,
            {
                resourceGroupName: args.resourceGroupName,
                registryName: this.registry.name,
                location: args.location,
                platform: { os: "Linux", architecture: "amd64" },
                status: "Enabled",
                step: {
                    type: "EncodedTask",
                    encodedTaskContent: pulumi.all([imageName, keep]).apply(([image, k]) => acrPurgeTask(image, k)),
                },
                trigger: { timerTriggers: [{ name: "nightly-purge", schedule: "0 3 * * *", status: "Enabled" }] },
                agentConfiguration: { cpu: 2 },
                timeout: 3600,
            },
            { parent: this },
        );
        this.server = this.registry.loginServer;
        this.repositoryUrl = pulumi.interpolate`${this.registry.loginServer}/${imageName}`;
        const credentials = acrCredentials(this.registry.loginServer, this);
        this.username = credentials.username;
        this.password = credentials.password;
        this.cacheRepositoryUrl = args.buildCache
            ? pulumi.interpolate`${this.registry.loginServer}/${pulumi.output(imageName).apply(buildCacheRepositoryName)}`
            : undefined;
        this.registerOutputs(
            definedOutputs({
                ...registryOutputs(this),
                registry: this.registry,
                retentionTask: this.retentionTask,
            }),
        );
    }
}
