/**
 * Each cloud's specifics of the environment stacks' ContainerService, read from config. Each cloud's SDK is
 * loaded only by the stacks of that cloud.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AwsServiceSpecifics } from "../components/aws/serviceArgs";
import type { AzureServiceSpecifics } from "../components/azure/serviceArgs";
import { acrNameOf } from "../components/azure/limits";
import { parseImageRef } from "../components/core/imageRef";
import type { ReleaseRecord } from "../components/core/releaseRecord";
import type { GcpServiceSpecifics } from "../components/gcp/serviceArgs";
import { fail, opt, optList, refuseReplaced } from "./config";

/**
 * AWS: the ALB in public subnets (one per zone) and the tasks in their own subnets. With `awsVpcId` both subnet
 * lists are required. Without it the account's default VPC is used: its default subnets, one per availability
 * zone (https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html), carry the ALB, and the tasks run
 * there with a public IP unless `awsTaskSubnetIds` names others (the default VPC has no private subnets).
 */
export function awsSpecifics(config: pulumi.Config): AwsServiceSpecifics {
    refuseReplaced(
        config,
        "awsSubnetIds",
        "set awsAlbSubnetIds (public, one per availability zone) and awsTaskSubnetIds (the tasks' subnets)",
    );
    const given = opt(config, "awsVpcId");
    const albSubnetIds = optList(config, "awsAlbSubnetIds");
    const taskSubnetIds = optList(config, "awsTaskSubnetIds");
    const https = {
        domainName: opt(config, "awsDomainName"),
        certificateArn: opt(config, "awsCertificateArn"),
        hostedZoneId: opt(config, "awsHostedZoneId"),
    };
    if (given !== undefined) {
        if (!albSubnetIds || !taskSubnetIds) {
            fail(
                albSubnetIds ? "awsTaskSubnetIds" : "awsAlbSubnetIds",
                `must be set with awsVpcId ${given}: the load balancer's public subnets (one per availability zone) and the tasks' subnets are never guessed from the VPC`,
            );
        }
        return {
            vpcId: given,
            albSubnetIds,
            taskSubnetIds,
            assignPublicIp: config.getBoolean("awsAssignPublicIp"),
            ...https,
        };
    }
    const aws = require("@pulumi/aws") as typeof import("@pulumi/aws");
    const vpcId = aws.ec2.getVpcOutput({ default: true }).id;
    const defaults = aws.ec2.getSubnetsOutput({
        filters: [
            { name: "vpc-id", values: [vpcId] },
            { name: "default-for-az", values: ["true"] },
        ],
    }).ids;
    return {
        vpcId,
        albSubnetIds: albSubnetIds ?? defaults,
        taskSubnetIds: taskSubnetIds ?? defaults,
        assignPublicIp: config.getBoolean("awsAssignPublicIp") ?? taskSubnetIds === undefined,
        ...https,
    };
}

/** GCP: the Cloud Run region, public access, deletion protection and the service agent's pull grant. */
export function gcpSpecifics(config: pulumi.Config): GcpServiceSpecifics {
    return {
        region: opt(config, "gcpRegion") ?? "us-central1",
        allowUnauthenticated: config.getBoolean("public") ?? true,
        deletionProtection: config.getBoolean("deletionProtection") ?? true,
        grantImagePull: config.getBoolean("gcpGrantImagePull") ?? true,
    };
}

/**
 * Azure: a resource group of the stack's own, and the scopes the app's identity is granted before the app
 * exists: the release's registry (`azureRegistryId`, default: the registry of the release's ref in the resource
 * group `azureRegistryResourceGroup` of this subscription, where the build stack creates it) and the Key Vault
 * of the secrets (`azureKeyVaultId`, required with secrets). `azureIdentityId` names an existing identity instead.
 */
export function azureSpecifics(
    config: pulumi.Config,
    name: string,
    labels: Record<string, string>,
    release: ReleaseRecord,
): AzureServiceSpecifics {
    const resources = require("@pulumi/azure-native/resources") as typeof import("@pulumi/azure-native/resources");
    const location = opt(config, "azureLocation") ?? "eastus";
    const group = new resources.ResourceGroup(`${name}-rg`, { location, tags: labels });
    const identityId = opt(config, "azureIdentityId");
    return {
        resourceGroupName: group.name,
        location,
        registryId: identityId ? undefined : (opt(config, "azureRegistryId") ?? releaseRegistryId(config, release)),
        keyVaultId: opt(config, "azureKeyVaultId"),
        identityId,
    };
}

/** The ARM id of the registry of the release's Azure ref, in this subscription and the build stack's group. */
function releaseRegistryId(config: pulumi.Config, release: ReleaseRecord): pulumi.Output<string> | undefined {
    const host = release.refs.azure ? parseImageRef(release.refs.azure)?.registry : undefined;
    const registry = host ? acrNameOf(host) : undefined;
    if (!registry) {
        return undefined;
    }
    const group = opt(config, "azureRegistryResourceGroup") ?? "immutable-releases";
    const authorization =
        require("@pulumi/azure-native/authorization") as typeof import("@pulumi/azure-native/authorization");
    return authorization
        .getClientConfigOutput()
        .subscriptionId.apply(
            (subscription) =>
                `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.ContainerRegistry/registries/${registry}`,
        );
}
