/** The cloud-neutral ContainerService facade: one args shape, the cloud chosen by the `cloud` enum. */
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { synthesize } from "../../bin/lib/synthesize";
import { ContainerService, type ContainerServiceFacadeArgs } from "../../components/containerService";
import { Cloud } from "../../components/core/clouds";
import { Slot } from "../../components/core/slots";
import { AWS_NETWORK, AZURE_PLACE, CLOUDS } from "./support/clouds";
import { digestOf, REPOS } from "./support/fixtures";

const SPECIFICS = {
    aws: AWS_NETWORK,
    gcp: { region: "us-central1" },
    azure: AZURE_PLACE,
};

function facade(cloud: Cloud, extra: Partial<ContainerServiceFacadeArgs> = {}) {
    return synthesize(
        () => {
            const svc = new ContainerService("api", {
                cloud,
                blue: { version: "v42", image: `${REPOS[cloud]}@${digestOf("v42")}` },
                live: Slot.Blue,
                [cloud]: SPECIFICS[cloud],
                ...extra,
            });
            return { url: svc.url, smokeTestUrls: svc.smokeTestUrls, trafficWeights: svc.trafficWeights };
        },
        { project: "immutable", stack: "spec" },
    );
}

describe("ContainerService facade", () => {
    for (const adapter of CLOUDS) {
        it(`creates the ${adapter.component} under itself when cloud is ${adapter.cloud}, with its outputs`, async () => {
            const s = await facade(adapter.cloud);
            const outer = s.resources.find((r) => r.type === "immutable-infra:index:ContainerService")!;
            const inner = s.resources.filter((r) => r.type.startsWith("immutable-infra:index:") && r !== outer);
            assert.deepEqual(
                inner.map((r) => [r.type, r.parent]),
                [[`immutable-infra:index:${adapter.component}`, outer.urn]],
            );
            assert.deepEqual(s.outputs.trafficWeights, { blue: 100 });
            assert.match((s.outputs.smokeTestUrls as Record<string, string>).blue, adapter.smokeUrl(Slot.Blue));
        });

        it(`refuses cloud ${adapter.cloud} without its specifics`, async () => {
            await assert.rejects(
                facade(adapter.cloud, { [adapter.cloud]: undefined }),
                new RegExp(`ContainerService "api": ${adapter.cloud} is required when cloud is ${adapter.cloud}`),
            );
        });
    }
});

/**
 * The cloud SDKs an AWS-only program loads, from a child process that constructs an AWS ContainerService under
 * the mocks (started when mocha loads this file, so it runs beside the other specs; awaited below).
 */
const awsOnlyLoads: Promise<string[]> = new Promise((resolve, reject) =>
    execFile(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join(__dirname, "support", "facadeLoad.ts"), "aws"],
        { env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" } },
        (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(JSON.parse(stdout))),
    ),
);
awsOnlyLoads.catch(() => undefined); // reported by the spec, not as an unhandled rejection

describe("ContainerService facade: one declaration of each cloud's specifics, one SDK loaded", function () {
    this.timeout(60_000);

    it("passes the AWS specifics the hand copies lost (user, logRetentionDays, clusterArn) to AwsContainerService", async () => {
        const s = await facade(Cloud.Aws, {
            aws: {
                ...AWS_NETWORK,
                user: "1000:1000",
                logRetentionDays: 7,
                clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/shared",
            },
        });
        const task = s.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition")!;
        assert.equal(JSON.parse((task.inputs as any).containerDefinitions)[0].user, "1000:1000");
        assert.equal(s.resources.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup")!.inputs.retentionInDays, 7);
        assert.equal(s.resources.filter((r) => r.type === "aws:ecs/cluster:Cluster").length, 0, "the given cluster");
    });

    it("passes the GCP serviceName and the Azure appName and logRetentionDays through", async () => {
        const gcp = await facade(Cloud.Gcp, { gcp: { region: "us-central1", serviceName: "orders" } });
        assert.equal(gcp.resources.find((r) => r.type === "gcp:cloudrunv2/service:Service")!.inputs.name, "orders");
        const azure = await facade(Cloud.Azure, { azure: { ...AZURE_PLACE, appName: "orders", logRetentionDays: 90 } });
        assert.equal(
            azure.resources.find((r) => r.type === "azure-native:app:ContainerApp")!.inputs.containerAppName,
            "orders",
        );
        assert.equal(
            azure.resources.find((r) => r.type === "azure-native:operationalinsights:Workspace")!.inputs
                .retentionInDays,
            90,
        );
    });

    for (const adapter of CLOUDS) {
        it(`exposes the runtime identity of ${adapter.component} (what to grant the application)`, async () => {
            const s = await synthesize(
                () => {
                    const svc = new ContainerService("api", {
                        cloud: adapter.cloud,
                        blue: { version: "v42", image: `${REPOS[adapter.cloud]}@${digestOf("v42")}` },
                        live: Slot.Blue,
                        [adapter.cloud]: SPECIFICS[adapter.cloud],
                    });
                    return { runtimeIdentity: svc.runtimeIdentity };
                },
                { project: "immutable", stack: "spec" },
            );
            assert.match(
                String(s.outputs.runtimeIdentity),
                /^(arn:aws:iam::\d{12}:role\/.+|.+@.+\.iam\.gserviceaccount\.com|[0-9a-f-]{36})$/,
            );
        });
    }

    it("loads only @pulumi/aws when cloud is aws (the GCP and Azure modules are required on demand, never here)", async () => {
        assert.deepEqual(await awsOnlyLoads, ["@pulumi/aws"]);
    });
});
