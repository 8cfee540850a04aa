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
    return createHash("sha256")
        .update(JSON.stringify(value ?? null))
        .digest("hex")
        .slice(0, length);
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
    // Container services (components/aws|gcp|azure/containerService.ts).
    "aws:lb/loadBalancer:LoadBalancer": (name) => ({
        arn: `arn:aws:elasticloadbalancing:${aws.awsRegion}:${aws.awsAccountId}:loadbalancer/app/${name}/${stableHash(name, 16)}`,
        dnsName: `${name}-${stableHash(name, 8)}.${aws.awsRegion}.elb.amazonaws.com`,
        zoneId: "Z35SXDOTRQ7X7K",
    }),
    "aws:lb/targetGroup:TargetGroup": (name) => ({
        arn: `arn:aws:elasticloadbalancing:${aws.awsRegion}:${aws.awsAccountId}:targetgroup/${name}/${stableHash(name, 16)}`,
    }),
    "aws:lb/listener:Listener": (name) => ({
        arn: `arn:aws:elasticloadbalancing:${aws.awsRegion}:${aws.awsAccountId}:listener/app/${name}/${stableHash(name, 16)}`,
    }),
    "aws:lb/listenerRule:ListenerRule": (name) => ({
        arn: `arn:aws:elasticloadbalancing:${aws.awsRegion}:${aws.awsAccountId}:listener-rule/app/${name}/${stableHash(name, 16)}`,
    }),
    "aws:ecs/cluster:Cluster": (name, inputs) => ({
        name: inputs.name ?? name,
        arn: `arn:aws:ecs:${aws.awsRegion}:${aws.awsAccountId}:cluster/${inputs.name ?? name}`,
    }),
    "aws:ecs/taskDefinition:TaskDefinition": (name, inputs) => ({
        revision: 1,
        arn: `arn:aws:ecs:${aws.awsRegion}:${aws.awsAccountId}:task-definition/${inputs.family ?? name}:1`,
        arnWithoutRevision: `arn:aws:ecs:${aws.awsRegion}:${aws.awsAccountId}:task-definition/${inputs.family ?? name}`,
    }),
    "aws:ecs/service:Service": (name, inputs) => ({ name: inputs.name ?? name }),
    "aws:iam/role:Role": (name, inputs) => ({
        name: inputs.name ?? name,
        arn: `arn:aws:iam::${aws.awsAccountId}:role/${inputs.name ?? name}`,
    }),
    "aws:cloudwatch/logGroup:LogGroup": (name, inputs) => ({
        name: inputs.name ?? name,
        arn: `arn:aws:logs:${aws.awsRegion}:${aws.awsAccountId}:log-group:${inputs.name ?? name}`,
    }),
    "gcp:serviceaccount/account:Account": (name, inputs) => {
        const project = inputs.project ?? MOCK_IDENTITY.gcpProject;
        const email = `${inputs.accountId ?? name}@${project}.iam.gserviceaccount.com`;
        return { email, member: `serviceAccount:${email}`, project };
    },
    "gcp:cloudrunv2/service:Service": (name, inputs) => {
        const service = inputs.name ?? name;
        const host = `${service}-${stableHash(service, 10)}-uc.a.run.app`;
        const traffics: any[] = Array.isArray(inputs.traffics) ? inputs.traffics : [];
        return {
            name: service,
            project: inputs.project ?? MOCK_IDENTITY.gcpProject,
            uri: `https://${host}`,
            urls: [`https://${host}`],
            trafficStatuses: traffics.map((t) => ({ ...t, uri: t.tag ? `https://${t.tag}---${host}` : "" })),
        };
    },
    "azure-native:operationalinsights:Workspace": (name, inputs) => ({
        name: inputs.workspaceName ?? name,
        customerId: stableHash(`workspace:${name}`, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5"),
    }),
    "azure-native:managedidentity:UserAssignedIdentity": (name) => ({
        name,
        principalId: stableHash(`principal:${name}`, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5"),
        clientId: stableHash(`client:${name}`, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5"),
    }),
    // The environment's domain is a function of its id, so an app's FQDN (from managedEnvironmentId) matches it.
    "azure-native:app:ManagedEnvironment": (name, inputs) => ({
        name: inputs.environmentName ?? name,
        defaultDomain: `${stableHash(`${name}-id`, 10)}.${inputs.location ?? MOCK_IDENTITY.azureLocation}.azurecontainerapps.io`,
    }),
    "azure-native:app:ContainerApp": (name, inputs) => {
        const appName = inputs.containerAppName ?? name;
        const domain = `${stableHash(inputs.managedEnvironmentId ?? "", 10)}.${inputs.location ?? MOCK_IDENTITY.azureLocation}.azurecontainerapps.io`;
        const fqdn = `${appName}.${domain}`;
        const suffix = inputs.template?.revisionSuffix;
        return {
            name: appName,
            latestRevisionName: suffix ? `${appName}--${suffix}` : appName,
            latestRevisionFqdn: suffix ? `${appName}--${suffix}.${domain}` : fqdn,
            configuration: {
                ...(inputs.configuration ?? {}),
                ingress: { ...(inputs.configuration?.ingress ?? {}), fqdn },
            },
        };
    },
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
    "aws:ec2/getVpc:getVpc": () => ({
        id: "vpc-0mock0default0000",
        cidrBlock: "172.31.0.0/16",
        default: true,
        arn: `arn:aws:ec2:${aws.awsRegion}:${aws.awsAccountId}:vpc/vpc-0mock0default0000`,
    }),
    "aws:ec2/getSubnets:getSubnets": () => ({
        ids: ["subnet-0mock0000000000a", "subnet-0mock0000000000b", "subnet-0mock0000000000c"],
        id: aws.awsRegion,
    }),
    "azure-native:operationalinsights:getSharedKeys": (inputs) => ({
        primarySharedKey: `mock-shared-key-${stableHash(inputs, 16)}`,
        secondarySharedKey: `mock-shared-key-2-${stableHash(inputs, 16)}`,
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
