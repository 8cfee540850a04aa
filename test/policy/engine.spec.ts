/**
 * Pins the offline evaluator to the Pulumi engine's analyzer semantics: it drives @pulumi/policy's own RPC
 * handlers with real AnalyzeRequest / AnalyzeStackRequest messages, so these specs check what the engine
 * would do: inputs for resource policies, outputs + parent + dependencies for stack policies, secrets
 * unwrapped, unknowns during preview, pack config, and what is (not) judged.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { listShippedStacks, synthesizeStack } from "../../bin/lib/stacks";
import { synthesize } from "../../bin/lib/synthesize";
import {
    evaluatePack,
    evaluatePolicies,
    isPlainJson,
    policySet,
    ruleSettings,
    setPlainJsonShortcut,
    setStructMode,
    StructMode,
    type EvaluatedResource,
} from "../../policy/evaluate";
import { mutableProgram } from "./fixtures/mutableProgram";
import { DIGEST, DIGEST2, UNKNOWN, res, secret } from "./support";

const ECS_SERVICE = "aws:ecs/service:Service";
const structPb = require(
    require.resolve("google-protobuf/google/protobuf/struct_pb", {
        paths: [path.dirname(require.resolve("@pulumi/pulumi/proto/analyzer_pb"))],
    }),
);

describe("offline evaluator: the engine's semantics", () => {
    it("drives @pulumi/policy 1.21's own analyzer handlers (server.makeAnalyzeRpcFun / makeAnalyzeStackRpcFun)", () => {
        assert.equal(require("@pulumi/policy/package.json").version.replace(/^v/, ""), "1.21.0");
        const server = require("@pulumi/policy/server");
        assert.equal(typeof server.makeAnalyzeRpcFun, "function");
        assert.equal(typeof server.makeAnalyzeStackRpcFun, "function");
        assert.equal(typeof require("@pulumi/pulumi/proto/analyzer_pb").AnalyzeRequest, "function");
    });

    it("resource policies see inputs, not outputs", async () => {
        const r: EvaluatedResource = {
            ...res(ECS_SERVICE, {}),
            inputs: { enableExecuteCommand: true },
            outputs: { enableExecuteCommand: false },
        };
        const flipped: EvaluatedResource = {
            ...res(ECS_SERVICE, {}),
            inputs: { enableExecuteCommand: false },
            outputs: { enableExecuteCommand: true },
        };
        const verdict = await evaluatePack([r, flipped]);
        assert.deepEqual(
            verdict.violations.filter((v) => v.policy === "ecs-exec-forbid").map((v) => v.urn),
            [r.urn],
        );
    });

    it("stack policies see outputs (and inputs when a resource has no outputs)", async () => {
        const image = (d: string) =>
            JSON.stringify([
                { name: "api", image: `1.dkr.ecr.us-east-1.amazonaws.com/api@${d}`, readonlyRootFilesystem: true },
            ]);
        const aws: EvaluatedResource = {
            ...res("aws:ecs/taskDefinition:TaskDefinition", {}),
            inputs: { containerDefinitions: image(DIGEST) },
            outputs: { containerDefinitions: image(DIGEST2) },
        };
        const gcp: EvaluatedResource = {
            ...res("gcp:cloudrunv2/service:Service", {}),
            inputs: { template: { containers: [{ image: `r/api@${DIGEST}` }] } },
            outputs: undefined,
        };
        const verdict = await evaluatePack([aws, gcp]);
        const drift = verdict.violations.filter((v) => v.policy === "image-digest-drift-forbid");
        assert.equal(drift.length, 1, "the stack policy compares aws's output digest with gcp's input digest");
        assert.match(drift[0].message, /aws: sha256:fedcba/);
    });

    it("secrets are unwrapped before a policy sees them (as the analyzer does)", async () => {
        const verdict = await evaluatePack([res(ECS_SERVICE, { enableExecuteCommand: secret(true) })]);
        assert.deepEqual(
            verdict.violations.map((v) => v.policy),
            ["ecs-exec-forbid"],
        );
    });

    it("an unknown value a policy reads during preview gives the analyzer's advisory \"can't run\" diagnostic", async () => {
        const r = res(ECS_SERVICE, { enableExecuteCommand: UNKNOWN });
        const verdict = await evaluatePack([r], { preview: true });
        assert.deepEqual(verdict.violations, [
            {
                policy: "ecs-exec-forbid",
                urn: r.urn,
                enforcementLevel: "advisory",
                message:
                    "can't run policy 'ecs-exec-forbid' from policy pack 'immutable-infrastructure@v0.1.0' during preview: string value at .enableExecuteCommand can't be known during preview",
            },
        ]);
        assert.equal(verdict.judged, 1);
        assert.deepEqual(verdict.notJudged, []);
    });

    it("an unknown value no policy reads changes nothing, during preview or not", async () => {
        const verdict = await evaluatePack([res(ECS_SERVICE, { enableExecuteCommand: false, cluster: UNKNOWN })], {
            preview: true,
        });
        assert.deepEqual(verdict.violations, []);
    });

    it("outside a preview an unknown value is a defect of the input: the resource is reported as not judged", async () => {
        const r = res(ECS_SERVICE, { enableExecuteCommand: UNKNOWN });
        const verdict = await evaluatePack([r]);
        assert.deepEqual(verdict.violations, []);
        assert.equal(verdict.judged, 0);
        assert.deepEqual(verdict.notJudged, [
            {
                urn: r.urn,
                reason: "ecs-exec-forbid: unknown value outside a preview (string value at .enableExecuteCommand can't be known during preview)",
            },
        ]);
    });

    it("a resource the pack cannot read (containerDefinitions not JSON) is reported, not dropped, and other resources are still judged", async () => {
        const bad = res("aws:ecs/taskDefinition:TaskDefinition", { containerDefinitions: "{not json" });
        const exec = res(ECS_SERVICE, { enableExecuteCommand: true });
        const verdict = await evaluatePack([bad, exec]);
        assert.equal(verdict.judged, 1);
        assert.equal(verdict.notJudged.length, 1);
        assert.equal(verdict.notJudged[0].urn, bad.urn);
        assert.match(verdict.notJudged[0].reason, /^image-digest-require, .*: containerDefinitions is not JSON/);
        assert.deepEqual(
            verdict.violations.map((v) => v.policy),
            ["ecs-exec-forbid"],
        );
    });

    it("providers and the stack resource are not judged", async () => {
        const stack = res("pulumi:pulumi:Stack", {});
        const provider = res("pulumi:providers:aws", { region: "us-east-1" });
        const verdict = await evaluatePack([stack, provider, res("aws:s3/bucket:Bucket", {})]);
        assert.equal(verdict.judged, 1);
    });

    it("stack policies see parents, dependencies and property dependencies resolved to resources", async () => {
        const seen: PolicyResource[] = [];
        const probe: StackValidationPolicy = {
            name: "probe",
            description: "probe",
            enforcementLevel: "advisory",
            validateStack: (args) => {
                seen.push(...args.resources);
            },
        };
        const parent = res("immutable-infra:index:ContainerService", {});
        const dep = res("aws:ecr/repository:Repository", {});
        const child: EvaluatedResource = {
            ...res("aws:ecs/service:Service", {}),
            parent: parent.urn,
            dependencies: [dep.urn],
            propertyDependencies: { taskDefinition: [dep.urn] },
        };
        await evaluatePolicies(policySet([probe]), [parent, dep, child]);
        const c = seen.find((r) => r.urn === child.urn)!;
        assert.equal(c.parent?.urn, parent.urn);
        assert.deepEqual(
            c.dependencies.map((d) => d.urn),
            [dep.urn],
        );
        assert.deepEqual(
            c.propertyDependencies.taskDefinition.map((d) => d.urn),
            [dep.urn],
        );
    });

    it("a stack policy that fails reports the stack as not judged, naming the policy", async () => {
        const broken: StackValidationPolicy = {
            name: "broken",
            description: "broken",
            enforcementLevel: "mandatory",
            validateStack: () => {
                throw new Error("cannot read the stack");
            },
        };
        const stack = res("pulumi:pulumi:Stack", {});
        const verdict = await evaluatePolicies(policySet([broken]), [stack, res("aws:s3/bucket:Bucket", {})]);
        assert.deepEqual(verdict.notJudged, [{ urn: stack.urn, reason: "broken: cannot read the stack" }]);
        assert.equal(verdict.judged, 1);
    });

    it("resource policies get the resource's provider, as the engine sends it", async () => {
        let providerType: string | undefined;
        const probe: ResourceValidationPolicy = {
            name: "probe",
            description: "probe",
            enforcementLevel: "advisory",
            validateResource: (args) => {
                providerType = args.provider?.type;
            },
        };
        const provider = res("pulumi:providers:aws", { region: "us-east-1" });
        const bucket = { ...res("aws:s3/bucket:Bucket", {}), provider: `${provider.urn}::prov-id` };
        await evaluatePolicies(policySet([probe]), [provider, bucket]);
        assert.equal(providerType, "pulumi:providers:aws");
    });

    it("handing the analyzer the JSON value directly equals encoding it with Struct.fromJavaScript", async () => {
        const wire = { a: [1, "x", null, true, { b: secret({ c: [UNKNOWN] }) }], n: 1.5, empty: {}, list: [] };
        assert.deepEqual(structPb.Struct.fromJavaScript(wire).toJavaScript(), wire);
        const resources = [
            res("aws:ec2/securityGroup:SecurityGroup", {
                ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
            }),
            res(ECS_SERVICE, { enableExecuteCommand: secret(true) }),
            res("aws:ecs/taskDefinition:TaskDefinition", {
                containerDefinitions: JSON.stringify([{ image: "nginx" }]),
            }),
            res("aws:autoscaling/group:Group", { maxInstanceLifetime: UNKNOWN }),
        ];
        setPlainJsonShortcut(false); // every resource through the analyzer's request handling
        try {
            const direct = await evaluatePack(resources, { preview: true });
            setStructMode(StructMode.Encoded);
            assert.deepEqual(await evaluatePack(resources, { preview: true }), direct);
        } finally {
            setStructMode(StructMode.PassThrough);
            setPlainJsonShortcut(true);
        }
    });

    describe("pack config (--policy-pack-config)", () => {
        const exec = () => res(ECS_SERVICE, { enableExecuteCommand: true });
        it("uses each rule's default level", async () => {
            const [v] = (await evaluatePack([exec()])).violations;
            assert.equal(v.enforcementLevel, "mandatory");
        });
        it('"all" sets every rule\'s level', async () => {
            const [v] = (await evaluatePack([exec()], { config: { all: "advisory" } })).violations;
            assert.equal(v.enforcementLevel, "advisory");
        });
        it('a rule\'s own entry wins over "all"', async () => {
            const [v] = (
                await evaluatePack([exec()], {
                    config: { all: "advisory", "ecs-exec-forbid": { enforcementLevel: "mandatory" } },
                })
            ).violations;
            assert.equal(v.enforcementLevel, "mandatory");
        });
        it('"disabled" turns a rule off', async () => {
            assert.deepEqual(
                (await evaluatePack([exec()], { config: { "ecs-exec-forbid": "disabled" } })).violations,
                [],
            );
        });
        it("properties reach the rule beside its level", async () => {
            const r = res("aws:autoscaling/group:Group", {
                maxInstanceLifetime: 7 * 24 * 3600,
                instanceRefresh: { strategy: "Rolling" },
                launchTemplate: { id: "lt", version: "1" },
            });
            assert.equal((await evaluatePack([r])).violations.length, 1);
            assert.equal(
                (
                    await evaluatePack([r], {
                        config: { "instance-lifetime-require": { enforcementLevel: "advisory", maxHours: 168 } },
                    })
                ).violations.length,
                0,
            );
        });
    });

    describe('level "remediate", as the engine runs it (Remediate, then Analyze of the remediated inputs)', () => {
        const REMEDIATE = { "ecs-exec-forbid": "remediate", "registry-tag-immutability-require": "remediate" } as const;
        const ECR = "aws:ecr/repository:Repository";

        it("reports a resource the remediation fixes as remediated, not as a violation", async () => {
            const svc = res(ECS_SERVICE, { enableExecuteCommand: true, desiredCount: 2 });
            const verdict = await evaluatePack([svc], { config: REMEDIATE });
            assert.deepEqual(verdict.violations, []);
            assert.deepEqual(verdict.remediated, [{ policy: "ecs-exec-forbid", urn: svc.urn }]);
            assert.equal(verdict.judged, 1);
        });

        it("keeps the violation, at the mandatory level, when the remediation declines", async () => {
            const repo = res(ECR, {
                imageTagMutability: "MUTABLE_WITH_EXCLUSION",
                imageTagMutabilityExclusionFilters: [{ filter: "v*", filterType: "WILDCARD" }],
            });
            const verdict = await evaluatePack([repo], { config: { all: "advisory", ...REMEDIATE } });
            assert.deepEqual(verdict.remediated, []);
            assert.deepEqual(
                verdict.violations.map((v) => [v.policy, v.enforcementLevel]),
                [["registry-tag-immutability-require", "mandatory"]],
            );
        });

        it("remediates inputs holding a secret through the engine's own Remediate handler", async () => {
            const svc = res(ECS_SERVICE, { enableExecuteCommand: true, tags: { token: secret("s3cr3t") } });
            const verdict = await evaluatePack([svc], { config: REMEDIATE });
            assert.deepEqual(verdict.violations, []);
            assert.deepEqual(verdict.remediated, [{ policy: "ecs-exec-forbid", urn: svc.urn }]);
        });

        it("leaves a value unknown during a preview to the deploy: nothing remediated, the preview advisory stays", async () => {
            const svc = res(ECS_SERVICE, { enableExecuteCommand: UNKNOWN });
            const verdict = await evaluatePack([svc], { config: REMEDIATE, preview: true });
            assert.deepEqual(verdict.remediated, []);
            assert.deepEqual(
                verdict.violations.map((v) => [v.policy, v.enforcementLevel]),
                [["ecs-exec-forbid", "advisory"]],
            );
            assert.match(verdict.violations[0].message, /can't run policy .* during preview/);
        });

        it("remediates nothing at the other levels", async () => {
            const svc = res(ECS_SERVICE, { enableExecuteCommand: true });
            const verdict = await evaluatePack([svc], { config: { "ecs-exec-forbid": "mandatory" } });
            assert.deepEqual(verdict.remediated, []);
            assert.deepEqual(
                verdict.violations.map((v) => v.policy),
                ["ecs-exec-forbid"],
            );
        });

        it("gives the same verdict on the plain-JSON shortcut and through the analyzer's requests", async () => {
            const resources = [
                res(ECS_SERVICE, { enableExecuteCommand: true }),
                res(ECR, { name: "app" }),
                res(ECR, { imageTagMutability: "IMMUTABLE_WITH_EXCLUSION" }),
                res("aws:ec2/instance:Instance", { ami: "ami-1", metadataOptions: { httpTokens: "optional" } }),
            ];
            const config = { ...REMEDIATE, "imdsv2-require": "remediate" } as const;
            const shortcut = await evaluatePack(resources, { config });
            setPlainJsonShortcut(false);
            try {
                assert.deepEqual(await evaluatePack(resources, { config }), shortcut);
            } finally {
                setPlainJsonShortcut(true);
            }
            assert.deepEqual(
                shortcut.remediated.map((r) => r.policy),
                ["ecs-exec-forbid", "registry-tag-immutability-require", "imdsv2-require"],
            );
        });
    });

    describe("pack config errors", () => {
        it("refuses a config naming a policy the pack does not have", () => {
            assert.throws(() => ruleSettings({ "no-such-rule": "mandatory" }), /unknown policy "no-such-rule"/);
        });
    });
});

describe("offline evaluator: the plain-JSON shortcut equals the analyzer path", function () {
    this.timeout(120_000);
    // Resources with secrets or unknowns always take the analyzer path; plain JSON may skip the request round
    // trip. Both must give the same verdict, message for message.
    async function both(
        resources: EvaluatedResource[],
        options: { preview?: boolean; config?: Record<string, any> } = {},
    ): Promise<void> {
        const direct = await evaluatePack(resources, options);
        setPlainJsonShortcut(false);
        try {
            const analyzed = await evaluatePack(resources, options);
            assert.deepEqual(direct, analyzed);
        } finally {
            setPlainJsonShortcut(true);
        }
    }

    it("on the deliberately mutable program, with default and migrating configs", async () => {
        const { resources } = await synthesize(mutableProgram, { project: "mutable", stack: "dev" });
        await both(resources);
        await both(resources, {
            config: {
                all: "advisory",
                "admin-ingress-forbid": { allowedCidrs: ["0.0.0.0/0"] },
                "ecs-exec-forbid": "disabled",
            },
        });
    });

    it("on every shipped stack", async () => {
        const cache = new Map();
        for (const name of listShippedStacks()) {
            await both((await synthesizeStack(name, { cache })).resources);
        }
    });

    it("on resources the pack cannot read, and without a stack resource", async () => {
        await both([
            res("aws:ecs/taskDefinition:TaskDefinition", { containerDefinitions: "{not json" }),
            res("aws:ecs/taskDefinition:TaskDefinition", { containerDefinitions: JSON.stringify({ not: "a list" }) }),
            res("docker-build:index:Image", { push: true }, "prod"),
            res("aws:ec2/securityGroup:SecurityGroup", { ingress: "not a list" }),
        ]);
    });

    it("tells plain JSON from values with secrets, unknowns or assets", () => {
        assert.equal(isPlainJson({ a: [1, "x", null, { b: true }] }), true);
        assert.equal(isPlainJson({ a: [secret("x")] }), false);
        assert.equal(isPlainJson({ a: { b: UNKNOWN } }), false);
        assert.equal(
            isPlainJson({
                code: { "4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17", text: "x" },
            }),
            false,
        );
    });
});
