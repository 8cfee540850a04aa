/**
 * What every fake table shares: the mocked identity (account, project, subscription), the context a fake is
 * computed in (the stack's config and the resource's provider config), the shapes of the tables and how a type
 * token reads. The values fakes are made of are in stable.ts.
 */

/** Mocked account / project / subscription identity; a stack's provider config overrides the location parts. */
export const MOCK_IDENTITY = {
    awsAccountId: "123456789012",
    awsRegion: "us-east-1",
    gcpProject: "immutable-mock",
    gcpProjectNumber: "123456789012",
    gcpRegion: "us-central1",
    azureSubscriptionId: "00000000-0000-0000-0000-000000000000",
    azureTenantId: "11111111-1111-1111-1111-111111111111",
    azureLocation: "eastus",
};

/** Output properties of a resource or result of a call, as plain values. */
export type Outputs = Record<string, unknown>;

/** Where a fake is computed: the stack and the config that a real provider would use. */
export interface FakeContext {
    project: string;
    stack: string;
    /** The AWS account, region and partition of the resource's provider (else the stack's `aws:region`). */
    aws: { accountId: string; region: string; partition: string };
    /** The GCP project, region and zone of the resource's provider (else the stack's `gcp:*` config). */
    gcp: { project: string; projectNumber: string; region: string; zone: string };
    /** The Azure subscription, tenant and location of the resource's provider (else `azure-native:*`). */
    azure: { subscriptionId: string; tenantId: string; location: string };
}

/** Computed outputs of one resource type: `(logical name, inputs, context) => outputs` (merged over the inputs). */
export type ResourceFake = (name: string, inputs: Record<string, any>, ctx: FakeContext) => Outputs;
/** The result of one provider function (data source): `(inputs, context) => result` (merged over the inputs). */
export type CallFake = (inputs: Record<string, any>, ctx: FakeContext) => Outputs;

/** A provider's value for an output-only property by its name, or undefined when it has none. */
export type OutputPattern = (
    type: string,
    name: string,
    prop: string,
    inputs: Record<string, any>,
    ctx: FakeContext,
) => unknown;

/** Builds the context from provider config (`aws:region`, `gcp:project`...) over the mocked identity. */
export function fakeContext(project: string, stack: string, config: (key: string) => string | undefined): FakeContext {
    const region = config("aws:region") ?? MOCK_IDENTITY.awsRegion;
    const gcpRegion = config("gcp:region") ?? MOCK_IDENTITY.gcpRegion;
    return {
        project,
        stack,
        aws: {
            accountId: MOCK_IDENTITY.awsAccountId,
            region,
            partition: region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws",
        },
        gcp: {
            project: config("gcp:project") ?? MOCK_IDENTITY.gcpProject,
            projectNumber: MOCK_IDENTITY.gcpProjectNumber,
            region: gcpRegion,
            zone: config("gcp:zone") ?? `${gcpRegion}-a`,
        },
        azure: {
            subscriptionId: config("azure-native:subscriptionId") ?? MOCK_IDENTITY.azureSubscriptionId,
            tenantId: config("azure-native:tenantId") ?? MOCK_IDENTITY.azureTenantId,
            location: config("azure-native:location") ?? MOCK_IDENTITY.azureLocation,
        },
    };
}

/** `RandomPassword` → `randomPassword`. */
export function lowerFirst(s: string): string {
    return s.charAt(0).toLowerCase() + s.slice(1);
}

/** `aws:s3/bucket:Bucket` → `{ provider: "aws", module: "s3", resource: "Bucket" }`. */
export function parseToken(token: string): { provider: string; module: string; resource: string } {
    const [provider = "", mod = "", resource = ""] = token.split(":");
    return { provider, module: mod.split("/")[0], resource };
}
