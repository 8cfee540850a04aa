/**
 * The build stack (`pulumi up -s build`): the three immutable registries and the ONE image build of a
 * release. Its outputs are the release record every environment stack reads through a StackReference:
 * {version, gitSha, digest, refs: {aws, gcp, azure}}. Nothing else in this repository builds an image.
 */
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { AwsImageRegistry } from "../components/aws/imageRegistry";
import { AzureImageRegistry } from "../components/azure/imageRegistry";
import { gitSha } from "../components/image/buildInputs";
import { ContainerImage, type RegistryTarget } from "../components/image/containerImage";
import { GcpImageRegistry } from "../components/gcp/imageRegistry";
import { Cloud } from "../components/core/clouds";

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

/** Registers the build stack and returns its outputs (the release record). */
export async function buildStack(config: pulumi.Config): Promise<Record<string, unknown>> {
    const imageName = config.get("imageName") ?? "sample-service";
    const keepReleases = config.getNumber("keepReleases") ?? 30;
    const sha = gitSha(SAMPLE_SERVICE_CONTEXT);
    const version = config.get("version") ?? sha;
    if (!version) {
        throw new Error("config immutable:version must be set when the checkout has no git history");
    }
    const registries: RegistryTarget[] = [];
    for (const cloud of cloudsOf(config)) {
        switch (cloud) {
            case Cloud.Aws: {
                const ecr = new AwsImageRegistry(`${imageName}-aws`, { repositoryName: imageName, keepReleases });
                registries.push({
                    name: cloud,
                    repositoryUrl: ecr.repositoryUrl,
                    server: ecr.server,
                    username: ecr.username,
                    password: ecr.password,
                });
                break;
            }
            case Cloud.Gcp: {
                const gar = new GcpImageRegistry(`${imageName}-gcp`, {
                    location: config.get("gcpRegion") ?? "us-central1",
                    repositoryId: "releases",
                    imageName,
                    keepReleases,
                });
                registries.push({
                    name: cloud,
                    repositoryUrl: gar.repositoryUrl,
                    server: gar.server,
                    username: gar.username,
                    password: gar.password,
                });
                break;
            }
            case Cloud.Azure: {
                const location = config.get("azureLocation") ?? "eastus";
                const group = new resources.ResourceGroup(`${imageName}-releases`, { location });
                const acr = new AzureImageRegistry(`${imageName}-azure`, {
                    resourceGroupName: group.name,
                    location,
                    registryName: config.get("azureRegistryName") ?? "immutablereleases",
                    imageName,
                    keepReleases,
                });
                registries.push({ name: cloud, repositoryUrl: acr.repositoryUrl, server: acr.server });
                break;
            }
        }
    }
    const image = new ContainerImage(imageName, {
        context: SAMPLE_SERVICE_CONTEXT,
        version,
        registries,
        buildArgs: { VERSION: version, GIT_SHA: sha ?? "unknown" },
    });
    return {
        version: image.version,
        gitSha: image.gitSha,
        digest: image.digest,
        refs: image.refs,
    };
}
