/**
 * Which cloud a thing belongs to: the `Cloud` enum, a resource type's cloud (from its package) and an image
 * registry host's cloud. The one answer the components, the policy pack and the command line share. Pure,
 * no Pulumi import: the policy pack vendors this file when it is published (policy/publish.sh).
 */

/** The clouds a release is published to and deployed on. */
export enum Cloud {
    Aws = "aws",
    Gcp = "gcp",
    Azure = "azure",
}

/** Every cloud, in the order tables list them. */
export const CLOUDS: readonly Cloud[] = [Cloud.Aws, Cloud.Gcp, Cloud.Azure];

/** Pulumi packages per cloud: the bridged providers, the native ones and the classic Azure provider. */
const PACKAGES: Readonly<Record<string, Cloud>> = {
    aws: Cloud.Aws,
    "aws-native": Cloud.Aws,
    gcp: Cloud.Gcp,
    "google-native": Cloud.Gcp,
    "azure-native": Cloud.Azure,
    azure: Cloud.Azure,
};

/** The cloud of a resource type token (`aws:ec2/instance:Instance`, `azure-native:app:ContainerApp`), or undefined. */
export function cloudOfType(type: string): Cloud | undefined {
    const colon = type.indexOf(":");
    return colon > 0 ? PACKAGES[type.slice(0, colon)] : undefined;
}

/**
 * The cloud of an image registry host (a port is ignored), or undefined for any other registry:
 * ECR (`<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`, `public.ecr.aws`), Artifact Registry
 * (`<location>-docker.pkg.dev`) and Container Registry (`[<region>.]gcr.io`), ACR (`<name>.azurecr.io`, and
 * the sovereign clouds' `.azurecr.cn` / `.azurecr.us`).
 */
export function cloudOfRegistryHost(host: string): Cloud | undefined {
    const h = host.toLowerCase().replace(/:\d+$/, "");
    if (/^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(h) || h === "public.ecr.aws") {
        return Cloud.Aws;
    }
    if (/^[a-z0-9-]+-docker\.pkg\.dev$/.test(h) || /^([a-z]+\.)?gcr\.io$/.test(h)) {
        return Cloud.Gcp;
    }
    if (/^[a-z0-9]+\.azurecr\.(io|cn|us)$/.test(h)) {
        return Cloud.Azure;
    }
    return undefined;
}

/** The cloud of an image reference (`<host>/<path>[:tag][@digest]`), from its registry host. */
export function cloudOfImageRef(ref: string): Cloud | undefined {
    const slash = ref.indexOf("/");
    return slash > 0 ? cloudOfRegistryHost(ref.slice(0, slash)) : undefined;
}
