/**
 * What every fake table shares: the mocked identity (account, project, subscription), the context a fake is
 * computed in (the stack's config and the resource's provider config), stable hashes, and the shapes of the
 * tables. Every fake is a pure function of its inputs and context, so two plans of one program are identical.
 */
import { createHash } from "node:crypto";
import { SECRET_SIG, SIG_KEY } from "../../../../policy/wire";

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

/** A stable hex hash of anything JSON-serializable. */
export function stableHash(value: unknown, length = 64): string {
    return createHash("sha256")
        .update(JSON.stringify(value ?? null))
        .digest("hex")
        .slice(0, length);
}

/** A stable UUID-shaped string. */
export function stableUuid(value: unknown): string {
    return stableHash(value, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
}

/** A stable base64 string of `bytes` bytes. */
export function stableBase64(value: unknown, bytes: number): string {
    let hex = "";
    for (let i = 0; hex.length < bytes * 2; i++) hex += stableHash([value, i]);
    return Buffer.from(hex.slice(0, bytes * 2), "hex").toString("base64");
}

/** A stable private IPv4 address in 10.0.0.0/8. */
export function privateIp(value: unknown): string {
    const h = stableHash(value, 6);
    return `10.${parseInt(h.slice(0, 2), 16)}.${parseInt(h.slice(2, 4), 16)}.${(parseInt(h.slice(4, 6), 16) % 250) + 4}`;
}

/** A stable public IPv4 address in the documentation range 203.0.113.0/24 (RFC 5737). */
export function publicIp(value: unknown): string {
    return `203.0.113.${(parseInt(stableHash(value, 2), 16) % 250) + 4}`;
}

/** Pulumi's auto-name: the logical name and a stable 7-hex suffix (the engine's is random). */
export function autoName(name: string, separator = "-"): string {
    return `${name}${separator}${stableHash(`autoname:${name}`, 7)}`;
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

/** A value in the engine's wire format for a secret (the provider marks the output secret, as the real one does). */
export function secret(value: unknown): Record<string, unknown> {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/** A fixed timestamp (fakes are deterministic). */
export const FAKE_TIME = "2026-01-01T00:00:00Z";
