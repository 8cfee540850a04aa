/**
 * The build stack (`pulumi up -s build`): the three immutable registries and the ONE image build of a
 * release. Its outputs are the release record every environment stack reads through a StackReference:
 * {version, gitSha, digest, refs: {aws, gcp, azure}}. Nothing else in this repository builds an image.
 */
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { Cloud } from "../components/core/clouds";
import type { ImageRegistryArgs, ImageRegistryOutputs } from "../components/core/registryArgs";
import { dirtyTreeProblem, gitSha } from "../components/image/buildInputs";
import { ContainerImage, type RegistryTarget } from "../components/image/containerImage";

/** The sample service's build context (stacks/app). */
export const SAMPLE_SERVICE_CONTEXT = path.join(__dirname, "app");

/** Reads `immutable:clouds` (default: all three) and checks every entry. */
function cloudsOf(config: pulumi.Config): Cloud[] {
    const all = Object.values(Cloud) as string[];
    const clouds = config.getObject<string[]>("clouds") ?? all;
    if (!Array.isArray(clouds) || clouds.length === 0) {
        throw new Error(`config immutable:clouds must list at least one of ${all.join(", ")}`);
    }
    for (const c of clouds) {
        if (!all.includes(c)) {
            throw new Error(`config immutable:clouds: "${c}" is not one of ${all.join(", ")}`);
        }
    }
    return clouds as Cloud[];
}

/**
 * The release registry of one cloud, from the args the three share (./components/core/registryArgs.ts) and that
 * cloud's specifics. Each cloud's SDK is loaded only when the stack builds for it.
 */
function registryOf(cloud: Cloud, config: pulumi.Config, shared: ImageRegistryArgs): ImageRegistryOutputs {
    const name = `${shared.repositoryName}-${cloud}`;
    switch (cloud) {
        case Cloud.Aws: {
            const { AwsImageRegistry } =
                require("../components/aws/imageRegistry") as typeof import("../components/aws/imageRegistry");
            return new AwsImageRegistry(name, shared);
        }
        case Cloud.Gcp: {
            const { GcpImageRegistry } =
                require("../components/gcp/imageRegistry") as typeof import("../components/gcp/imageRegistry");
            return new GcpImageRegistry(name, {
                ...shared,
                location: config.get("gcpRegion") ?? "us-central1",
                artifactRepositoryId: "releases",
            });
        }
        case Cloud.Azure: {
            const { AzureImageRegistry } =
                require("../components/azure/imageRegistry") as typeof import("../components/azure/imageRegistry");
            const resources =
                require("@pulumi/azure-native/resources") as typeof import("@pulumi/azure-native/resources");
            const location = config.get("azureLocation") ?? "eastus";
            // Named, not auto-named: the environment stacks derive the registry's ARM id from it.
            const group = new resources.ResourceGroup(`${shared.repositoryName}-releases`, {
                resourceGroupName: config.get("azureRegistryResourceGroup") ?? "immutable-releases",
                location,
            });
            return new AzureImageRegistry(name, {
                ...shared,
                resourceGroupName: group.name,
                location,
                registryName: config.get("azureRegistryName") ?? "immutablereleases",
            });
        }
    }
}

/** Registers the build stack and returns its outputs (the release record). */
export async function buildStack(config: pulumi.Config): Promise<Record<string, unknown>> {
    const imageName = config.get("imageName") ?? "sample-service";
    const sha = gitSha(SAMPLE_SERVICE_CONTEXT);
    const version = config.get("version") ?? sha;
    if (!version) {
        throw new Error("config immutable:version must be set when the checkout has no git history");
    }
    const dirty = config.get("version") === undefined ? dirtyTreeProblem(SAMPLE_SERVICE_CONTEXT) : undefined;
    if (dirty) {
        throw new Error(`config immutable:version is not set and ${dirty}`);
    }
    const shared: ImageRegistryArgs = {
        repositoryName: imageName,
        keepReleases: config.getNumber("keepReleases") ?? 30,
        buildCache: config.getBoolean("buildCache") ?? false,
    };
    const clouds = cloudsOf(config);
    const registries = clouds.map((cloud) => registryOf(cloud, config, shared));
    const image = new ContainerImage(imageName, {
        context: SAMPLE_SERVICE_CONTEXT,
        version,
        registries: registries.map((r, i): RegistryTarget => ({
            name: clouds[i],
            repositoryUrl: r.repositoryUrl,
            server: r.server,
            username: r.username,
            password: r.password,
        })),
        buildArgs: { VERSION: version, GIT_SHA: sha ?? "unknown" },
        // The BuildKit cache goes to the build-cache repository beside the first cloud's release repository.
        cacheRepositoryUrl: registries.find((r) => r.cacheRepositoryUrl !== undefined)?.cacheRepositoryUrl,
    });
    return {
        version: image.version,
        gitSha: image.gitSha,
        digest: image.digest,
        refs: image.refs,
    };
}
