import * as assert from "node:assert/strict";
import { SECRET_SIG, SIG_KEY, UNKNOWN } from "../../policy/wire";
import { cloudOfImageRef } from "../../components/core/clouds";
import { digestsByCloud, groupByComponent, plainProperties, trafficOf } from "../../bin/lib/planReport";
import type { SynthesizedResource } from "../../bin/lib/synthesize";

const D1 = `sha256:${"a".repeat(64)}`;
const D2 = `sha256:${"b".repeat(64)}`;
const STACK = "urn:pulumi:dev::immutable::pulumi:pulumi:Stack::immutable-dev";

function res(type: string, name: string, extra: Partial<SynthesizedResource> = {}): SynthesizedResource {
    const custom = extra.custom ?? !type.startsWith("immutable-infra:");
    return {
        urn: `urn:pulumi:dev::immutable::${type}::${name}`,
        type,
        name,
        custom,
        parent: STACK,
        inputs: {},
        outputs: {},
        dependencies: [],
        propertyDependencies: {},
        ...extra,
    };
}

describe("plan report", () => {
    const svc = res("immutable-infra:index:ContainerService", "api", {
        registeredOutputs: {
            liveSlot: "green",
            trafficWeights: { blue: 10, green: 90 },
            slotVersions: { blue: "v41", green: "v42" },
        },
    });
    const task = res("aws:ecs/taskDefinition:TaskDefinition", "api-green", {
        parent: svc.urn,
        inputs: {
            containerDefinitions: JSON.stringify([{ image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/app@${D1}` }]),
        },
    });
    const run = res("gcp:cloudrunv2/service:Service", "web", {
        inputs: {
            template: { containers: [{ image: `us-central1-docker.pkg.dev/p/r/app@${D1}` }] },
            traffics: [
                { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: "web-blue-v41", percent: 0, tag: "blue" },
                {
                    type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION",
                    revision: "web-green-v42",
                    percent: 100,
                    tag: "green",
                },
            ],
        },
    });
    const app = res("azure-native:app:ContainerApp", "site", {
        inputs: {
            template: { containers: [{ image: `acr1.azurecr.io/app@${D2}` }] },
            configuration: {
                ingress: {
                    traffic: [
                        { revisionName: "site--v41", label: "blue", weight: 100 },
                        { revisionName: "site--v42", label: "green", weight: 0 },
                    ],
                },
            },
        },
    });
    const stack = res("pulumi:pulumi:Stack", "immutable-dev", { urn: STACK, custom: false, parent: undefined });
    const provider = res("pulumi:providers:aws", "default", { custom: true });
    const all = [stack, provider, svc, task, run, app];

    it("groups custom resources by their component; top-level ones under the stack; providers not counted", () => {
        assert.deepEqual(
            groupByComponent(all).map((g) => [g.component, g.resources]),
            [
                ["(stack)", 2],
                ["immutable-infra:index:ContainerService::api", 1],
            ],
        );
    });

    it("finds the digest each cloud runs, from the registry host of every pinned reference", () => {
        assert.deepEqual(digestsByCloud(all, {}), { aws: [D1], gcp: [D1], azure: [D2] });
    });

    it("reads a build stack's published digests from its refs output", () => {
        const refs = { aws: `r.dkr.ecr.us-east-1.amazonaws.com/a@${D1}`, gcp: `us-docker.pkg.dev/p/r/a@${D1}` };
        assert.deepEqual(digestsByCloud([stack], { refs }), { aws: [D1], gcp: [D1] });
    });

    it("tells the cloud of a registry host", () => {
        const table: Array<[string, string | undefined]> = [
            ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@" + D1, "aws"],
            ["europe-docker.pkg.dev/p/r/app:v1", "gcp"],
            ["gcr.io/p/app", "gcp"],
            ["myacr.azurecr.io/app:v1", "azure"],
            ["docker.io/library/nginx:latest", undefined],
            ["nginx", undefined],
        ];
        for (const [ref, cloud] of table) assert.equal(cloudOfImageRef(ref), cloud, ref);
    });

    it("reports slots, releases and weights from a service component, and Cloud Run / Container Apps traffic otherwise", () => {
        assert.deepEqual(
            trafficOf(all).map((t) => [t.cloud, t.resource, t.slot, t.weight, t.release, t.live]),
            [
                ["aws", "ContainerService::api", "blue", 10, "v41", false],
                ["aws", "ContainerService::api", "green", 90, "v42", true],
                ["gcp", "Service::web", "blue", 0, "web-blue-v41", undefined],
                ["gcp", "Service::web", "green", 100, "web-green-v42", undefined],
                ["azure", "ContainerApp::site", "blue", 100, "site--v41", undefined],
                ["azure", "ContainerApp::site", "green", 0, "site--v42", undefined],
            ],
        );
    });

    it("reports a service once when a facade component wraps the per-cloud one", () => {
        const facade = res("immutable-infra:index:ContainerService", "web", {
            registeredOutputs: { liveSlot: "blue", trafficWeights: { blue: 100 }, slotVersions: { blue: "v1" } },
        });
        const inner = res("immutable-infra:index:GcpContainerService", "web", {
            parent: facade.urn,
            urn: "urn:pulumi:dev::immutable::immutable-infra:index:ContainerService$immutable-infra:index:GcpContainerService::web",
            registeredOutputs: { liveSlot: "blue", trafficWeights: { blue: 100 }, slotVersions: { blue: "v1" } },
        });
        const service = res("gcp:cloudrunv2/service:Service", "web", {
            parent: inner.urn,
            inputs: { traffics: [{ revision: "web-blue-v1", percent: 100, tag: "blue" }] },
        });
        assert.deepEqual(
            trafficOf([stack, facade, inner, service]).map((t) => [t.cloud, t.resource, t.slot, t.weight, t.live]),
            [["gcp", "ContainerService::web", "blue", 100, true]],
        );
    });

    it("reads ALB listener weights and names the slot from its target group", () => {
        const blue = res("aws:lb/targetGroup:TargetGroup", "api-blue", { outputs: { arn: "arn:tg/blue" } });
        const green = res("aws:lb/targetGroup:TargetGroup", "api-green", { outputs: { arn: "arn:tg/green" } });
        const listener = res("aws:lb/listener:Listener", "api-http", {
            inputs: {
                defaultActions: [
                    {
                        type: "forward",
                        forward: {
                            targetGroups: [
                                { arn: "arn:tg/blue", weight: 100 },
                                { arn: "arn:tg/green", weight: 0 },
                            ],
                        },
                    },
                ],
            },
        });
        assert.deepEqual(
            trafficOf([blue, green, listener]).map((t) => [t.slot, t.weight]),
            [
                ["blue", 100],
                ["green", 0],
            ],
        );
    });

    it("shows inputs as plain JSON with secrets masked and unknowns marked", () => {
        assert.deepEqual(plainProperties({ a: { [SIG_KEY]: SECRET_SIG, value: "hunter2" }, b: [UNKNOWN, 1] }), {
            a: "[secret]",
            b: ["[unknown]", 1],
        });
    });
});
