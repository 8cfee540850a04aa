import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as storage from "@pulumi/azure-native/storage";
import {
    CALL_RESULT,
    RESOURCE_STATE,
    fakeCall,
    fakeContext,
    fakeId,
    fakeResource,
    shapeOf,
} from "../../bin/lib/mockState";
import { entryOf } from "../../bin/lib/plan/loader";
import { listStacks, readProject, stackConfig } from "../../bin/lib/plan/project";
import { SECRET_SIG, SIG_KEY } from "../../policy/wire";

const ctx = fakeContext(
    "shop",
    "dev",
    (k) => ({ "aws:region": "eu-west-1", "gcp:project": "p-1", "azure-native:location": "westeurope" })[k],
);

function scratch(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-project-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

describe("plan's offline answers (bin/lib/mockState.ts, bin/lib/plan/fakes/)", () => {
    it("reads a generated SDK class's output-only properties and their declared types", () => {
        const shape = shapeOf(aws.s3.Bucket)!;
        assert.ok(shape.outputsOnly.includes("arn") && shape.outputsOnly.includes("bucketRegionalDomainName"));
        assert.ok(
            shape.inputs.includes("bucket") && !shape.outputsOnly.includes("bucket"),
            "inputs are not outputs-only",
        );
        assert.equal(shape.types.arn, "string");
        const azure = shapeOf(storage.StorageAccount)!;
        assert.ok(azure.outputsOnly.includes("primaryEndpoints") && !azure.outputsOnly.includes("accountName"));
        assert.equal(shapeOf(class Plain {}), undefined, "a hand-written class has no generated shape");
    });

    it("gives every output-only property of a common AWS type a value, and says which it could not", () => {
        const { state, missing } = fakeResource("aws:s3/bucket:Bucket", "assets", {}, ctx, shapeOf(aws.s3.Bucket));
        assert.deepEqual(missing, []);
        assert.match(String(state.bucket), /^assets-[0-9a-f]{7}$/);
        assert.equal(state.arn, `arn:aws:s3:::${state.bucket}`);
        assert.equal(state.websiteEndpoint, `${state.bucket}.s3-website-eu-west-1.amazonaws.com`);
        const unknown = fakeResource("acme:index/thing:Thing", "t", {}, ctx, {
            inputs: [],
            outputsOnly: ["serial", "size", "optional"],
            types: { serial: "string", size: "number", optional: "string | undefined" },
        });
        assert.deepEqual(unknown.missing, ["serial"], "a number gets 0, an optional output may stay unset");
        assert.equal(unknown.state.size, 0);
    });

    it("gives provider-shaped ids: EC2 prefixes, GCP resource names, ARM ids", () => {
        assert.match(fakeId("aws:ec2/vpc:Vpc", "main", {}, ctx), /^vpc-[0-9a-f]{17}$/);
        assert.match(
            fakeId("aws:lb/targetGroup:TargetGroup", "tg", {}, ctx),
            /^arn:aws:elasticloadbalancing:eu-west-1:123456789012:/,
        );
        assert.equal(fakeId("aws:s3/bucket:Bucket", "b", { bucket: "logs" }, ctx), "logs");
        assert.equal(
            fakeId("gcp:compute/instance:Instance", "vm", { name: "vm-1", zone: "europe-west1-b" }, ctx),
            "projects/p-1/zones/europe-west1-b/instances/vm-1",
        );
        assert.equal(
            fakeId("azure-native:storage:StorageAccount", "sa", { resourceGroupName: "rg", accountName: "acct" }, ctx),
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct",
        );
    });

    it("renders aws.iam.getPolicyDocument as the provider does (single values unwrapped, conditions nested)", () => {
        const result = fakeCall(
            "aws:iam/getPolicyDocument:getPolicyDocument",
            {
                statements: [
                    {
                        sid: "Read",
                        actions: ["s3:GetObject", "s3:ListBucket"],
                        resources: ["arn:aws:s3:::b/*"],
                        principals: [{ type: "AWS", identifiers: ["arn:aws:iam::123456789012:root"] }],
                        conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["true"] }],
                    },
                ],
            },
            ctx,
        )!;
        assert.deepEqual(JSON.parse(String(result.json)), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "Read",
                    Effect: "Allow",
                    Action: ["s3:GetObject", "s3:ListBucket"],
                    Resource: "arn:aws:s3:::b/*",
                    Principal: { AWS: "arn:aws:iam::123456789012:root" },
                    Condition: { Bool: { "aws:SecureTransport": "true" } },
                },
            ],
        });
    });

    it("answers a registry lookup of a pinned reference with that digest (docker.getRegistryImage)", () => {
        const ref = `r.example/app@sha256:${"ab".repeat(32)}`;
        assert.equal(
            fakeCall("docker:index/getRegistryImage:getRegistryImage", { name: ref }, ctx)!.sha256Digest,
            `sha256:${"ab".repeat(32)}`,
        );
    });

    it("generates passwords of the asked length and classes, secret, and the same twice", () => {
        const a = RESOURCE_STATE["random:index/randomPassword:RandomPassword"](
            "db",
            { length: 20, special: false },
            ctx,
        );
        const b = RESOURCE_STATE["random:index/randomPassword:RandomPassword"](
            "db",
            { length: 20, special: false },
            ctx,
        );
        assert.deepEqual(a, b, "deterministic");
        const result = a.result as Record<string, unknown>;
        assert.equal(result[SIG_KEY], SECRET_SIG, "marked secret, as the provider marks it");
        assert.match(String(result.value), /^[A-Za-z0-9]{20}$/);
        const key = RESOURCE_STATE["tls:index/privateKey:PrivateKey"]("k", { algorithm: "ED25519" }, ctx);
        assert.match(String((key.privateKeyPem as any).value), /^-----BEGIN PRIVATE KEY-----\n/);
        assert.match(String(key.publicKeyOpenssh), /^ssh-ed25519 /);
    });

    it("has an answer for the data sources programs commonly call, on each cloud", () => {
        for (const token of [
            "aws:index/getAvailabilityZones:getAvailabilityZones",
            "aws:index/getCallerIdentity:getCallerIdentity",
            "aws:index/getRegion:getRegion",
            "aws:ec2/getAmi:getAmi",
            "aws:ec2/getVpc:getVpc",
            "aws:ec2/getSubnets:getSubnets",
            "aws:ecr/getAuthorizationToken:getAuthorizationToken",
            "aws:ssm/getParameter:getParameter",
            "gcp:organizations/getClientConfig:getClientConfig",
            "gcp:organizations/getProject:getProject",
            "gcp:compute/getImage:getImage",
            "gcp:compute/getZones:getZones",
            "azure-native:authorization:getClientConfig",
            "azure-native:resources:getResourceGroup",
        ]) {
            assert.equal(typeof CALL_RESULT[token], "function", token);
        }
        assert.equal(fakeCall("acme:index/getX:getX", {}, ctx), undefined, "nothing answers an unknown function");
    });
});

describe("plan's reading of a Pulumi project (bin/lib/plan/project.ts, loader.ts)", () => {
    it("merges project defaults (schema default, value, short form), the stack file and overrides", () => {
        const dir = scratch({
            "Pulumi.yaml": [
                "name: shop",
                "runtime: nodejs",
                "stackConfigDir: envs",
                "config:",
                "  replicas: {type: integer, default: 2}",
                "  aws:region: {value: us-west-2}",
                "  flags: {type: array, default: [a, b]}",
                "  owner: team-a",
            ].join("\n"),
            "envs/Pulumi.dev.yaml":
                "config:\n  shop:replicas: 3\n  shop:db:\n    secure: v1:abc\n  aws:region: eu-north-1\n",
            "envs/Pulumi.prod.yml": "config: {}\n",
        });
        const project = readProject(dir);
        assert.equal(project.stackConfigDir, path.join(dir, "envs"));
        assert.deepEqual(listStacks(project), ["dev", "prod"]);
        const { config, secretKeys } = stackConfig(project, "dev", { owner: "team-b" });
        assert.deepEqual(config, {
            "shop:replicas": "3",
            "aws:region": "eu-north-1",
            "shop:flags": '["a","b"]',
            "shop:owner": "team-b",
            "shop:db": "[secret]",
        });
        assert.deepEqual(secretKeys, ["shop:db"]);
    });

    it("finds the entry as Pulumi's Node runner does: main, else package.json main, else the folder", () => {
        const withMain = scratch({
            "Pulumi.yaml": "name: a\nruntime: nodejs\nmain: src/\n",
            "package.json": '{"main": "lib/x.js"}',
            "lib/x.js": "",
        });
        assert.equal(entryOf(readProject(withMain)), path.join(withMain, "src"));
        const withPackage = scratch({
            "Pulumi.yaml": "name: b\nruntime: nodejs\n",
            "package.json": '{"main": "lib/x.js"}',
            "lib/x.js": "",
        });
        assert.equal(entryOf(readProject(withPackage)), path.join(withPackage, "lib", "x.js"));
        const bare = scratch({ "Pulumi.yaml": "name: c\nruntime: nodejs\n", "package.json": "{}" });
        assert.equal(entryOf(readProject(bare)), bare);
    });
});
