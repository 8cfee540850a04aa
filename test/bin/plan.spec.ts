import * as assert from "node:assert/strict";
import { realPolicyEngine, type PolicyEngine } from "../../bin/lib/policyEngine";
import { listShippedStacks } from "../../bin/lib/stacks";
import { renderSummary } from "../../bin/commands/plan";
import { fakeEngine, runCli, type CliRun } from "./harness";

const DIGEST = /^sha256:[0-9a-f]{64}$/;

describe("immutable plan", function () {
    this.timeout(60000);
    const shipped = listShippedStacks();
    const environments = shipped.filter((s) => s !== "build");
    let json: CliRun;
    let plan: { stacks: any[] };

    before(async () => {
        json = await runCli(["plan", "--format", "json"], { engine: realPolicyEngine });
        plan = JSON.parse(json.stdout);
    });

    describe("of every shipped stack with the real pack (the README's main job)", () => {
        it("plans every stacks/Pulumi.<stack>.yaml with zero violations and exit 0", () => {
            assert.equal(
                json.exitCode,
                0,
                `${json.stderr}${JSON.stringify(plan.stacks.map((s) => [s.stack, s.error, s.violations]))}`,
            );
            assert.deepEqual(
                plan.stacks.map((s) => s.stack),
                shipped,
            );
            assert.ok(
                shipped.includes("build") && environments.length >= 3,
                `a build stack and environment stacks: ${shipped}`,
            );
            for (const s of plan.stacks) {
                assert.equal(s.error, undefined, `${s.stack}: ${s.error}`);
                assert.deepEqual(s.violations, [], `${s.stack} has no violation`);
                assert.deepEqual(s.notJudged, [], `${s.stack}: the pack judges everything`);
                assert.equal(s.project, "immutable");
                assert.deepEqual(
                    s.gaps.filter((g: any) => g.kind !== "resource"),
                    [],
                    `${s.stack}: every function the shipped program calls has an offline answer`,
                );
            }
        });

        it("prints the documented JSON shape: stacks[].stack, resources[] {urn, type, parent, inputs}, violations[]", () => {
            for (const s of plan.stacks) {
                assert.equal(typeof s.stack, "string");
                assert.ok(Array.isArray(s.violations));
                assert.ok(s.resources.length > 1);
                assert.equal(s.resources[0].type, "pulumi:pulumi:Stack");
                for (const r of s.resources) {
                    assert.match(r.urn, new RegExp(`^urn:pulumi:${s.stack}::immutable::`));
                    assert.equal(typeof r.type, "string");
                    assert.equal(typeof r.inputs, "object");
                    if (r.type !== "pulumi:pulumi:Stack")
                        assert.ok(
                            s.resources.some((p: any) => p.urn === r.parent),
                            `${r.urn} has a planned parent`,
                        );
                }
            }
        });

        it("deploys the build stack's one digest on every cloud of every environment", () => {
            const build = plan.stacks.find((s) => s.kind === "build");
            const digest = build.outputs.digest;
            // VM environments run the build stack's machine image: one raw disk sha256 on every cloud.
            const disk = build.outputs.machineImage?.sha256;
            assert.match(digest, DIGEST);
            assert.deepEqual(Object.keys(build.digests).sort(), ["aws", "azure", "gcp"]);
            for (const s of plan.stacks) {
                const clouds = Object.keys(s.digests);
                assert.ok(clouds.length > 0, `${s.stack} runs an image`);
                const expected = s.outputs.target === "vm" ? disk : digest;
                for (const cloud of clouds) assert.deepEqual(s.digests[cloud], [expected], `${s.stack} ${cloud}`);
            }
        });

        it("reports each environment's slots: the live slot's weight and the other's add up to 100", () => {
            for (const s of plan.stacks.filter((p) => p.kind === "environment")) {
                assert.ok(s.traffic.length > 0, `${s.stack} reports its traffic`);
                const total = s.traffic.reduce((n: number, t: any) => n + t.weight, 0);
                assert.equal(total, 100, `${s.stack}: ${JSON.stringify(s.traffic)}`);
                assert.equal(s.traffic.filter((t: any) => t.live).length, 1, `${s.stack} has one live slot`);
                for (const t of s.traffic) assert.ok(["blue", "green"].includes(t.slot));
            }
        });

        it("groups the resources by component", () => {
            for (const s of plan.stacks.filter((p) => p.kind === "environment")) {
                const service = s.components.find((c: any) => /(ContainerService|InstanceGroup)::/.test(c.component));
                assert.ok(service && service.resources > 0, `${s.stack}: ${JSON.stringify(s.components)}`);
            }
        });
    });

    it("summarizes every stack in one row each (kind, resources, digest per cloud, traffic, violations) and the total", () => {
        const text = renderSummary(plan.stacks, true);
        for (const s of plan.stacks) {
            const row = text.split("\n").find((l) => l.startsWith(`│ ${s.stack} `))!;
            assert.ok(row, `row of ${s.stack}`);
            assert.match(
                row,
                new RegExp(`│ ${s.kind} +│ \\d+ +│ ((aws|gcp|azure) sha256:[0-9a-f]{12}|-) +│ .* +│ \\u001b\\[32mnone`),
            );
        }
        assert.match(text, new RegExp(`${shipped.length} stacks planned offline, \\u001b\\[32m0 violations`));
        assert.doesNotMatch(renderSummary(plan.stacks, false), /\u001b/, "no colour off a terminal");
    });

    it("shows a progress line on a terminal while planning several stacks, then clears it", async () => {
        const two = [shipped[0], environments[environments.length - 1]];
        const run = await runCli(["plan", "--stack", two[0], "--stack", two[1]], { tty: true });
        assert.equal(run.exitCode, 0, run.stderr);
        assert.match(
            run.stderr,
            new RegExp(`^\\r\\[1/2\\] planning ${two[0]} *\\r\\[2/2\\] planning ${two[1]} *\\r +\\r$`),
        );
    });

    describe("--stack and --config", () => {
        const env = () => environments.find((s) => s.endsWith("gcp")) ?? environments[0];

        it("details one stack: components, digest per cloud, slots and verdicts", async () => {
            const run = await runCli(["plan", "--stack", env()]);
            assert.equal(run.exitCode, 0, run.stderr);
            assert.match(run.stdout, new RegExp(`^Stack ${env()} \\(environment\\)`));
            assert.match(run.stdout, /│ Component +│ Resources │ Types/);
            assert.match(run.stdout, /sha256:[0-9a-f]{64}/);
            assert.match(run.stdout, /│ Cloud │ Service +│ Slot +│ Live │ Weight │ Release/);
            assert.match(run.stdout, /Violations: none/);
            assert.equal(run.stderr, "", "no progress line off a terminal");
        });

        it("applies --config overrides: both slots deployed, green live with a 10% canary on blue", async () => {
            const run = await runCli([
                "plan",
                "--stack",
                env(),
                "--format",
                "json",
                "--config",
                "immutable:green=current",
                "--config",
                "lastDeployed=green",
                "--config",
                "immutable:live=green",
                "--config",
                "immutable:canaryWeight=10",
            ]);
            const [s] = JSON.parse(run.stdout).stacks;
            assert.equal(s.error, undefined, s.error);
            assert.deepEqual(s.traffic.map((t: any) => [t.slot, t.weight, t.live]).sort(), [
                ["blue", 10, false],
                ["green", 90, true],
            ]);
        });

        it("reports a stack that fails to synthesize on its row, exit 1, without crashing", async () => {
            const run = await runCli([
                "plan",
                "--stack",
                env(),
                "--config",
                "immutable:green=none",
                "--config",
                "immutable:live=green",
            ]);
            assert.equal(run.exitCode, 1);
            assert.match(run.stdout, /error: .*ContainerService "[^"]+": live is "green", but green holds no release/);
        });

        it("exits 1 and lists the violations when the pack finds a mandatory one", async () => {
            const strict: PolicyEngine = {
                ...fakeEngine(),
                async evaluate(resources) {
                    const sa = resources.find((r) => r.type === "gcp:serviceaccount/account:Account") ?? resources[1];
                    return {
                        judged: resources.length,
                        violations: [
                            {
                                policy: "fake-no-latest",
                                urn: sa.urn,
                                enforcementLevel: "mandatory",
                                message: "flagged",
                            },
                        ],
                        remediated: [],
                        notJudged: [],
                    };
                },
            };
            const run = await runCli(["plan", "--stack", env()], { engine: strict });
            assert.equal(run.exitCode, 1);
            assert.match(run.stdout, /fake-no-latest +│ mandatory │ flagged +│ Pin the image/);
        });
    });

    describe("bad usage (exit 2, one line)", () => {
        const cases: Array<[string, string[], RegExp]> = [
            [
                "an unknown stack",
                ["plan", "--stack", "nope"],
                /^immutable plan: unknown stack "nope" \(stacks of immutable: build, /,
            ],
            [
                "a --config without =",
                ["plan", "--config", "live"],
                /^error: option .*--config.* argument 'live' is invalid\. expected KEY=VALUE/,
            ],
            [
                "an unknown format",
                ["plan", "--format", "yaml"],
                /^error: option '--format <format>' argument 'yaml' is invalid/,
            ],
        ];
        for (const [what, args, expected] of cases) {
            it(`rejects ${what}`, async () => {
                const run = await runCli(args);
                assert.equal(run.exitCode, 2);
                assert.equal(run.stdout, "");
                assert.match(run.stderr.split("\n")[0], expected);
            });
        }
    });
});
