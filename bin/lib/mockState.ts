/**
 * What the offline synthesis answers for each resource type and provider function: the outputs a real
 * provider would compute (URLs, ARNs, digests), derived deterministically from the inputs so that two
 * synthesises of the same program register identical state. One entry per type; add yours beside the others.
 */
import { createHash } from "node:crypto";

/** Mocked account / project / subscription identity used by every offline synthesis. */
export const MOCK_IDENTITY = {
    awsAccountId: "123456789012",
    awsRegion: "us-east-1",
    gcpProject: "immutable-mock",
    gcpRegion: "us-central1",
    azureSubscriptionId: "00000000-0000-0000-0000-000000000000",
    azureTenantId: "11111111-1111-1111-1111-111111111111",
    azureLocation: "eastus",
};

type Outputs = Record<string, unknown>;
type StateFn = (name: string, inputs: Record<string, any>) => Outputs;

/** A stable hex hash of anything JSON-serializable. */
export function stableHash(value: unknown, length = 64): string {
    return createHash("sha256").update(JSON.stringify(value ?? null)).digest("hex").slice(0, length);
}

const aws = MOCK_IDENTITY;

/** Computed outputs per resource type token. Unknown types echo their inputs. */
export const RESOURCE_STATE: Record<string, StateFn> = {
    "aws:ecr/repository:Repository": (name, inputs) => {
        const repo = inputs.name ?? name;
        return {
            name: repo,
            arn: `arn:aws:ecr:${aws.awsRegion}:${aws.awsAccountId}:repository/${repo}`,
            registryId: aws.awsAccountId,
            repositoryUrl: `${aws.awsAccountId}.dkr.ecr.${aws.awsRegion}.amazonaws.com/${repo}`,
        };
    },
    "gcp:artifactregistry/repository:Repository": (name, inputs) => {
        const location = inputs.location ?? MOCK_IDENTITY.gcpRegion;
        const project = inputs.project ?? MOCK_IDENTITY.gcpProject;
        const repositoryId = inputs.repositoryId ?? name;
        return {
            project,
            location,
            name: `projects/${project}/locations/${location}/repositories/${repositoryId}`,
            registryUri: `${location}-docker.pkg.dev/${project}/${repositoryId}`,
        };
    },
    "azure-native:containerregistry:Registry": (name, inputs) => {
        const registryName = inputs.registryName ?? name.replace(/[^a-zA-Z0-9]/g, "");
        return {
            name: registryName,
            loginServer: `${registryName.toLowerCase()}.azurecr.io`,
        };
    },
    "azure-native:resources:ResourceGroup": (name, inputs) => ({
        name: inputs.resourceGroupName ?? name,
        location: inputs.location ?? MOCK_IDENTITY.azureLocation,
    }),
    // A BuildKit build: the digest is a function of what is built (context, Dockerfile, target, platforms,
    // build args), never of where it is pushed, as with a real content-addressed build.
    "docker-build:index:Image": (_name, inputs) => {
        const digest = `sha256:${stableHash({
            context: inputs.context,
            dockerfile: inputs.dockerfile,
            target: inputs.target,
            platforms: inputs.platforms,
            buildArgs: inputs.buildArgs,
            labels: inputs.labels,
        })}`;
        const tags: string[] = Array.isArray(inputs.tags) ? inputs.tags : [];
        return { digest, ref: tags.length > 0 ? `${tags[0].replace(/:[^:/]+$/, "")}@${digest}` : "" };
    },
};

/** Results of provider functions (invokes) by token. */
export const CALL_RESULT: Record<string, (inputs: Record<string, any>) => Outputs> = {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        accountId: aws.awsAccountId,
        arn: `arn:aws:iam::${aws.awsAccountId}:user/mock`,
        userId: "AIDAMOCK",
        id: aws.awsAccountId,
    }),
    "aws:index/getRegion:getRegion": () => ({ name: aws.awsRegion, region: aws.awsRegion, id: aws.awsRegion }),
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": () => ({
        userName: "AWS",
        password: "mock-ecr-token",
        proxyEndpoint: `https://${aws.awsAccountId}.dkr.ecr.${aws.awsRegion}.amazonaws.com`,
        authorizationToken: "QVdTOm1vY2s=",
        expiresAt: "2099-01-01T00:00:00Z",
        id: aws.awsRegion,
    }),
    "gcp:organizations/getClientConfig:getClientConfig": () => ({
        accessToken: "mock-gcp-access-token",
        project: MOCK_IDENTITY.gcpProject,
        region: MOCK_IDENTITY.gcpRegion,
        zone: `${MOCK_IDENTITY.gcpRegion}-a`,
        id: "mock",
    }),
    "azure-native:authorization:getClientConfig": () => ({
        clientId: "22222222-2222-2222-2222-222222222222",
        objectId: "33333333-3333-3333-3333-333333333333",
        subscriptionId: MOCK_IDENTITY.azureSubscriptionId,
        tenantId: MOCK_IDENTITY.azureTenantId,
    }),
};
