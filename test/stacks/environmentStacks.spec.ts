/**
 * The shipped environment stacks (stacks/Pulumi.<env>-<cloud>.yaml): each synthesizes under mocks and
 * deploys the build stack's digest, read through a StackReference (resolved from the build stack's own
 * synthesis), never building; or a release from a manifest file or from config.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { listShippedStacks, loadStackConfig, synthesizeStack } from "../../bin/lib/stacks";
import type { Synthesis } from "../../bin/lib/synthesize";
import { RELEASE_MANIFEST_SCHEMA } from "../../components/core/releaseRecord";
import { CLOUDS, plain } from "../components/support/clouds";
import { digestOf, releaseRecord, REPOS } from "../components/support/fixtures";
import { BUILD_CACHE } from "../components/support/stacks";
import { withCallAnswer } from "../components/support/mockAnswers";
import { CONSTRAINTS, evaluate, MOCK_WORLD } from "../constraints";

function findings(s: Synthesis): string[] {
    return evaluate(CONSTRAINTS, s, MOCK_WORLD).map((f) => `${f.rule}: ${f.message}`);
}

function pinFor(version: string): string {
    return JSON.stringify({ version, digest: digestOf(version) });
}

// Container environments (the VM environments, immutable:target vm, have their own spec: test/stacks/vmEnvironment.spec.ts).
const ENVIRONMENT_STACKS = listShippedStacks().filter(
    (s) =>
        loadStackConfig(s).config["immutable:kind"] === "environment" &&
        loadStackConfig(s).config["immutable:target"] !== "vm",
);
const BUILD = listShippedStacks().find((s) => loadStackConfig(s).config["immutable:kind"] === "build")!;

function buildOutputs(): Promise<Synthesis> {
    return synthesizeStack(BUILD, { cache: BUILD_CACHE });
}

describe("environment stacks", () => {
    it("ships dev, staging and prod for each of aws, gcp and azure", () => {
        const expected = ["dev", "staging", "prod"]
            .flatMap((e) => ["aws", "gcp", "azure"].map((c) => `${e}-${c}`))
            .sort();
        assert.deepEqual([...ENVIRONMENT_STACKS].sort(), expected);
    });

    for (const stack of ENVIRONMENT_STACKS) {
        const cloud = CLOUDS.find((c) => stack.endsWith(`-${c.cloud}`))!;
        it(`${stack} deploys the build stack's digest through a StackReference, without building`, async () => {
            const build = await buildOutputs();
            const digest = build.outputs.digest as string;
            const ref = (build.outputs.refs as Record<string, string>)[cloud.cloud];
            const s = await synthesizeStack(stack, { cache: BUILD_CACHE });
            assert.deepEqual(cloud.runtimeImages(s), [ref]);
            assert.ok(ref.endsWith(`@${digest}`));
            assert.equal((s.outputs.release as any).digest, digest);
            assert.equal(
                s.resources.filter((r) => r.type === "pulumi:pulumi:StackReference").length,
                1,
                "reads the build stack",
            );
            assert.deepEqual(
                s.resources.filter((r) => r.type.startsWith("docker-build:")),
                [],
                "never builds",
            );
            assert.equal(s.outputs.live, "blue");
            assert.deepEqual(s.outputs.trafficWeights, { blue: 100 });
            assert.match((s.outputs.smokeTestUrls as Record<string, string>).blue, cloud.smokeUrl("blue" as any));
        });
    }

    it("reads the release from a manifest file instead of the build stack", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-release-"));
        const file = path.join(dir, "release.json");
        fs.writeFileSync(file, JSON.stringify({ schema: RELEASE_MANIFEST_SCHEMA, ...releaseRecord("v50") }));
        const s = await synthesizeStack("staging-gcp", {
            config: { releaseManifest: file },
            cache: BUILD_CACHE,
        }).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
        assert.deepEqual(CLOUDS[1].runtimeImages(s), [`${REPOS.gcp}@${digestOf("v50")}`]);
        assert.equal(s.resources.filter((r) => r.type === "pulumi:pulumi:StackReference").length, 0);
        assert.match(s.outputs.releaseSource as string, /^release manifest /);
    });

    it("pins a slot to an older release by digest, in the repository of the cloud's ref", async () => {
        const s = await synthesizeStack("prod-azure", {
            config: {
                release: JSON.stringify(releaseRecord("v43")),
                blue: JSON.stringify({ version: "v42", digest: digestOf("v42") }),
                green: "current",
                lastDeployed: "green",
            },
            cache: BUILD_CACHE,
        });
        assert.deepEqual(s.outputs.slots, {
            blue: { version: "v42", image: `${REPOS.azure}@${digestOf("v42")}` },
            green: { version: "v43", image: `${REPOS.azure}@${digestOf("v43")}` },
        });
    });

    describe("AWS networks", () => {
        it("puts the load balancer in the default VPC's default subnets (one per zone), and the tasks there with a public IP", async () => {
            const s = await synthesizeStack("prod-aws", { config: { release: JSON.stringify(releaseRecord("v43")) } });
            const lookup = s.invokes.find((i) => i.token === "aws:ec2/getSubnets:getSubnets")!;
            assert.deepEqual(
                (lookup.inputs as any).filters.map((f: any) => f.name),
                ["vpc-id", "default-for-az"],
                "one default subnet per availability zone, never every subnet of the VPC",
            );
            const svc = s.resources.find((r) => r.type === "aws:ecs/service:Service")!;
            assert.equal((svc.inputs as any).networkConfiguration.assignPublicIp, true);
            assert.deepEqual(findings(s), []);
        });

        it("takes explicit ALB and task subnets from config, tasks without a public IP", async () => {
            const s = await synthesizeStack("prod-aws", {
                config: {
                    release: JSON.stringify(releaseRecord("v43")),
                    awsVpcId: "vpc-0spec",
                    awsAlbSubnetIds: JSON.stringify(["subnet-0a", "subnet-0b"]),
                    awsTaskSubnetIds: JSON.stringify(["subnet-0c", "subnet-0d"]),
                },
            });
            const alb = s.resources.find((r) => r.type === "aws:lb/loadBalancer:LoadBalancer")!;
            assert.deepEqual((alb.inputs as any).subnets, ["subnet-0a", "subnet-0b"]);
            const svc = s.resources.find((r) => r.type === "aws:ecs/service:Service")!;
            assert.deepEqual((svc.inputs as any).networkConfiguration.subnets, ["subnet-0c", "subnet-0d"]);
            assert.equal((svc.inputs as any).networkConfiguration.assignPublicIp, false);
            assert.deepEqual(findings(s), []);
        });

        it("serves HTTPS on the configured domain, with a Route 53 alias", async () => {
            const s = await synthesizeStack("prod-aws", {
                config: {
                    release: JSON.stringify(releaseRecord("v43")),
                    awsDomainName: "sample.example.com",
                    awsCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0000",
                    awsHostedZoneId: "Z0123456789",
                },
            });
            assert.equal(s.outputs.url, "https://sample.example.com");
            assert.equal((s.outputs.smokeTestUrls as any).blue, "https://sample.example.com/?immutable-slot=blue");
            assert.ok(s.resources.some((r) => r.type === "aws:route53/record:Record"));
        });
    });

    describe("a digest that exists", () => {
        for (const cloud of CLOUDS) {
            it(`prod-${cloud.cloud} looks every slot's repo@sha256 up in its registry, with the registry's credentials`, async () => {
                const s = await synthesizeStack(`prod-${cloud.cloud}`, {
                    config: {
                        release: JSON.stringify(releaseRecord("v43")),
                        blue: pinFor("v42"),
                        green: "current",
                        lastDeployed: "green",
                    },
                });
                const looked = s.invokes
                    .filter((i) => i.token === "docker:index/getRegistryImage:getRegistryImage")
                    .map((i) => (i.inputs as any).name)
                    .sort();
                assert.deepEqual(
                    looked,
                    [`${REPOS[cloud.cloud]}@${digestOf("v42")}`, `${REPOS[cloud.cloud]}@${digestOf("v43")}`].sort(),
                );
                const provider = s.resources.find((r) => r.type === "pulumi:providers:docker")!;
                const auth = plain(provider.inputs).registryAuth;
                const list = typeof auth === "string" ? JSON.parse(auth) : auth;
                assert.deepEqual(
                    list.map((a: any) => a.address),
                    [REPOS[cloud.cloud].split("/")[0]],
                );
                if (cloud.cloud !== "azure") {
                    assert.ok(list[0].username && list[0].password, "with the registry's credentials");
                }
            });
        }

        it("fails the preview, naming the slot, when a pinned digest is not in the registry", async () => {
            await withCallAnswer(
                "docker:index/getRegistryImage:getRegistryImage",
                (inputs: any) => ({
                    name: inputs.name,
                    sha256Digest: inputs.name.endsWith(digestOf("v41")) ? "" : inputs.name.split("@")[1],
                }),
                () =>
                    assert.rejects(
                        synthesizeStack("prod-gcp", {
                            preview: true,
                            config: {
                                release: JSON.stringify(releaseRecord("v43")),
                                blue: pinFor("v41"),
                                green: "current",
                                lastDeployed: "green",
                            },
                        }),
                        /config immutable:blue: .*@sha256:[0-9a-f]{64} is not in its registry \(it answered no digest\): a mistyped or never-pushed digest/,
                    ),
            );
        });
    });

    describe("Azure scopes", () => {
        it("refuses secrets without the Key Vault the identity is granted on", async () => {
            await assert.rejects(
                synthesizeStack("prod-azure", {
                    config: {
                        release: JSON.stringify(releaseRecord("v43")),
                        secrets: JSON.stringify({ DB: { ref: "https://kv-immutable.vault.azure.net/secrets/db" } }),
                    },
                }),
                /keyVaultId is required with secrets/,
            );
        });
    });

    const refused: [string, Record<string, string>, RegExp][] = [
        [
            "a live slot that is not blue or green",
            { live: "purple" },
            /config immutable:live must be one of "blue", "green", got "purple"/,
        ],
        [
            "a pin with a tag instead of a digest",
            { green: JSON.stringify({ version: "v43", digest: "latest" }), lastDeployed: "green" },
            /config immutable:green\.digest must be sha256:<64 hex>, got "latest"/,
        ],
        [
            "a slot value that is neither current, none nor a pin",
            { green: "v43" },
            /config immutable:green must be "current" or \{"version"/,
        ],
        [
            "a release record with two digests",
            { release: JSON.stringify({ ...releaseRecord("v43"), digest: digestOf("other") }) },
            /config immutable:release: refs\.aws has digest sha256:[0-9a-f]+, but the release digest is/,
        ],
        ["flipping live to an empty slot", { live: "green" }, /live is "green", but green holds no release/],
        [
            "a VPC without its subnets",
            { awsVpcId: "vpc-0spec" },
            /config immutable:awsAlbSubnetIds must be set with awsVpcId vpc-0spec: the load balancer's public subnets/,
        ],
        [
            "the old single subnet list",
            { awsSubnetIds: JSON.stringify(["subnet-0a"]) },
            /config immutable:awsSubnetIds was replaced: set awsAlbSubnetIds \(public, one per availability zone\) and awsTaskSubnetIds/,
        ],
    ];
    for (const [what, config, error] of refused) {
        it(`refuses ${what}`, async () => {
            await assert.rejects(synthesizeStack("dev-aws", { config, cache: BUILD_CACHE }), error);
        });
    }
});
