/**
 * The constraints layer in action: every component fixture and every shipped stack synthesizes to resources
 * that no cloud rule refuses, and each rule, given a synthesis that breaks it, reports it (a rule that cannot
 * fail proves nothing).
 */
import * as assert from "node:assert/strict";
import type { Synthesis } from "../../bin/lib/synthesize";
import { Slot } from "../../components/core/slots";
import { CLOUDS, plain } from "../components/support/clouds";
import { pin, synthEnvironment } from "../components/support/stacks";
import { registriesFixture, serviceFixture, SHIPPED, stackFixture } from "./fixtures";
import { CONSTRAINTS, evaluate, evaluatePair, MOCK_WORLD, PAIR_CONSTRAINTS } from "./index";
import { VM_CONSTRAINTS } from "./rules/vm";

function findings(s: Synthesis): string[] {
    return evaluate(CONSTRAINTS, s, MOCK_WORLD).map((f) => `${f.rule}: ${f.urn.split("::").pop()}: ${f.message}`);
}

/** A deep copy of a synthesis whose resource of `type` (the first, or the one named) is changed by `edit`. */
function broken(s: Synthesis, type: string, edit: (inputs: any, r: any) => void, name?: string): Synthesis {
    const copy: Synthesis = structuredClone(s);
    const r = copy.resources.find((x) => x.type === type && (name === undefined || x.name === name));
    assert.ok(r, `the fixture has a ${type}${name ? ` named ${name}` : ""}`);
    const inputs = plain(r.inputs);
    edit(inputs, r);
    r.inputs = inputs;
    return copy;
}

describe("constraints layer: what the clouds enforce", function () {
    this.timeout(60_000);

    describe("holds for every component and every shipped stack", () => {
        for (const cloud of CLOUDS) {
            it(`${cloud.component} with two slots and a secret`, async () => {
                assert.deepEqual(findings(await serviceFixture(cloud)), []);
            });
        }
        it("AwsContainerService behind HTTPS on its domain", async () => {
            const s = await serviceFixture(CLOUDS[0], {
                domainName: "api.example.com",
                certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0000",
            });
            assert.deepEqual(findings(s), []);
        });
        it("the three registries with their build caches", async () => {
            assert.deepEqual(findings(await registriesFixture()), []);
        });
        it("the build stack with the build cache on", async () => {
            assert.deepEqual(findings(await stackFixture("build", { buildCache: "true" })), []);
        });
        for (const stack of SHIPPED) {
            it(`${stack} as shipped`, async () => {
                assert.deepEqual(findings(await stackFixture(stack)), []);
            });
        }
    });

    describe("reports each rule when a synthesis breaks it", () => {
        const aws = () => serviceFixture(CLOUDS[0]);
        const gcp = () => serviceFixture(CLOUDS[1]);
        const azure = () => serviceFixture(CLOUDS[2]);
        const cases: Array<[string, () => Promise<Synthesis>]> = [
            [
                "aws.alb.subnets-per-zone",
                async () =>
                    broken(
                        await aws(),
                        "aws:lb/loadBalancer:LoadBalancer",
                        (i) => (i.subnets = ["subnet-0a", "subnet-0c"]),
                    ),
            ],
            [
                "aws.fargate.task-size",
                async () => broken(await aws(), "aws:ecs/taskDefinition:TaskDefinition", (i) => (i.memory = "1536")),
            ],
            [
                "aws.ecs.agent-may-pull-and-read-before-start",
                async () => broken(await aws(), "aws:ecs/service:Service", (_i, r) => (r.dependencies = [])),
            ],
            [
                "aws.ecs.tasks-can-reach-ecr",
                async () =>
                    broken(
                        await aws(),
                        "aws:ecs/service:Service",
                        (i) => (i.networkConfiguration.subnets = ["subnet-0a", "subnet-0b"]),
                    ),
            ],
            [
                "aws.ecs.steady-state",
                async () => broken(await aws(), "aws:ecs/service:Service", (i) => (i.waitForSteadyState = false)),
            ],
            [
                "aws.https.url-on-certificate-domain",
                async () =>
                    broken(await aws(), "aws:lb/listener:Listener", (i) => {
                        i.protocol = "HTTPS";
                    }),
            ],
            [
                "aws.ecr.keep-counts-releases",
                async () =>
                    broken(await registriesFixture(), "aws:ecr/lifecyclePolicy:LifecyclePolicy", (i) => {
                        const doc = JSON.parse(i.policy);
                        doc.rules[0].selection = { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 };
                        i.policy = JSON.stringify(doc);
                    }),
            ],
            [
                "aws.ecr.only-cache-tags-move",
                async () =>
                    broken(
                        await registriesFixture(),
                        "aws:ecr/repository:Repository",
                        (i) => (i.imageTagMutabilityExclusionFilters = [{ filter: "*", filterType: "WILDCARD" }]),
                        "api-aws-buildcache",
                    ),
            ],
            [
                "aws.ecr.repository-name",
                async () => broken(await registriesFixture(), "aws:ecr/repository:Repository", (i) => (i.name = "API")),
            ],
            [
                "gcp.run.revision-name",
                async () =>
                    broken(
                        await gcp(),
                        "gcp:cloudrunv2/service:Service",
                        (i) => (i.template.revision = `api-${"x".repeat(60)}`),
                    ),
            ],
            [
                "gcp.run.tag-length",
                async () =>
                    broken(await gcp(), "gcp:cloudrunv2/service:Service", (i) => (i.traffics[0].tag = "t".repeat(44))),
            ],
            [
                "gcp.run.size",
                async () =>
                    broken(
                        await gcp(),
                        "gcp:cloudrunv2/service:Service",
                        (i) => (i.template.containers[0].resources.limits.memory = "256Mi"),
                    ),
            ],
            [
                "gcp.run.image-pull-granted",
                async () => broken(await gcp(), "gcp:cloudrunv2/service:Service", (_i, r) => (r.dependencies = [])),
            ],
            [
                "gcp.run.secrets-readable-before-revision",
                async () =>
                    broken(
                        await gcp(),
                        "gcp:secretmanager/secretIamMember:SecretIamMember",
                        (i) => (i.member = "serviceAccount:someone-else@x.iam.gserviceaccount.com"),
                    ),
            ],
            [
                "gcp.iam.account-id",
                async () => broken(await gcp(), "gcp:serviceaccount/account:Account", (i) => (i.accountId = "api")),
            ],
            [
                "gcp.labels",
                async () => broken(await gcp(), "gcp:cloudrunv2/service:Service", (i) => (i.labels = { Team: "A" })),
            ],
            [
                "gcp.artifactregistry.repository-id",
                async () =>
                    broken(
                        await registriesFixture(),
                        "gcp:artifactregistry/repository:Repository",
                        (i) => (i.repositoryId = "Releases"),
                    ),
            ],
            [
                "azure.app.name",
                async () =>
                    broken(
                        await azure(),
                        "azure-native:app:ContainerApp",
                        (i) => (i.containerAppName = "x".repeat(33)),
                    ),
            ],
            [
                "azure.app.revision-name",
                async () =>
                    broken(
                        await azure(),
                        "azure-native:app:ContainerApp",
                        (i) => (i.template.revisionSuffix = `green-${"v".repeat(40)}-0a1b2c3d`),
                    ),
            ],
            [
                "azure.app.size",
                async () =>
                    broken(
                        await azure(),
                        "azure-native:app:ContainerApp",
                        (i) => (i.template.containers[0].resources.memory = "3Gi"),
                    ),
            ],
            [
                "azure.app.replaced-revisions-retire",
                async () =>
                    broken(
                        await azure(),
                        "azure-native:app:ContainerApp",
                        (i) => (i.configuration.activeRevisionsMode = "Multiple"),
                    ),
            ],
            [
                "azure.app.identity-granted-before-app",
                async () => broken(await azure(), "azure-native:app:ContainerApp", (_i, r) => (r.dependencies = [])),
            ],
            [
                "azure.acr.name",
                async () =>
                    broken(
                        await registriesFixture(),
                        "azure-native:containerregistry:Registry",
                        (i) => (i.registryName = "my-registry"),
                    ),
            ],
        ];
        it("covers every rule of the layer", () => {
            // The machine-image and instance-group rules have their cases in ./vm.spec.ts.
            const rules = CONSTRAINTS.filter((c) => !VM_CONSTRAINTS.includes(c));
            assert.deepEqual(cases.map(([rule]) => rule).sort(), rules.map((c) => c.id).sort());
        });
        for (const [rule, make] of cases) {
            it(`${rule}`, async () => {
                const got = evaluate(CONSTRAINTS, await make(), MOCK_WORLD).filter((f) => f.rule === rule);
                assert.ok(got.length > 0, `${rule} reports the broken synthesis`);
                assert.match(got[0].doc, /^https:\/\//, "with the documentation it rests on");
            });
        }
    });

    describe("revision names across two updates", () => {
        for (const cloud of CLOUDS.filter((c) => c.cloud !== "aws")) {
            it(`${cloud.component}: a config-only change renames the template's revision; the same config keeps it`, async () => {
                const slots = { blue: pin("v42"), green: "current", live: Slot.Blue, lastDeployed: Slot.Green };
                const before = await synthEnvironment(cloud.cloud, "v43", slots);
                const names = (s: Synthesis) => s.outputs.revisionNames as Record<string, string>;
                const same = await synthEnvironment(cloud.cloud, "v43", slots, "prod", true);
                // deploy.sh records the live slot's revision in its pin; the env change then renames green only.
                const recorded = JSON.stringify({ ...JSON.parse(pin("v42")), revision: names(before).blue });
                const changed = await synthEnvironment(cloud.cloud, "v43", {
                    ...slots,
                    blue: recorded,
                    env: '{"LOG_LEVEL": "debug"}',
                });
                assert.deepEqual(names(same), names(before));
                assert.notEqual(names(changed).green, names(before).green, "the template slot gets a new revision");
                assert.equal(names(changed).blue, names(before).blue, "the other slot keeps serving by its name");
                assert.deepEqual(evaluatePair(PAIR_CONSTRAINTS, before, same), []);
                assert.deepEqual(evaluatePair(PAIR_CONSTRAINTS, before, changed), []);
            });
            it(`${cloud.component}: a changed template that keeps its revision name is reported`, async () => {
                const before = await serviceFixture(cloud);
                const type = cloud.trafficType;
                const after = broken(before, type, (i) => {
                    i.template.containers[0].image = i.template.containers[0].image.replace(/.$/, "0");
                });
                assert.equal(evaluatePair(PAIR_CONSTRAINTS, before, after).length, 1);
            });
        }
    });
});
