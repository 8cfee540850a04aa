/**
 * The migration path (policy/migration.ts): the step a stack has reached is the first with open findings, the
 * findings of that step block the next one, the next action names the fix, the estate summary counts stacks per
 * step, and two reports compare stack by stack.
 */
import * as assert from "node:assert/strict";
import { CATALOG } from "../../policy/catalog";
import {
    diffMigration,
    estateSummary,
    findingKey,
    nextAction,
    rank,
    stackMigration,
    type MigrationPosition,
    type StackFindings,
} from "../../policy/migration";
import { MIGRATION_STAGES, MigrationStage } from "../../policy/rule";

const URN = (name: string) => `urn:pulumi:prod::shop::aws:ec2/instance:Instance::${name}`;

/** A violation of `policy` on resource `name`. */
function violation(policy: string, name = "web", enforcementLevel = "mandatory") {
    return { policy, urn: URN(name), enforcementLevel, message: `${policy} on ${name}` };
}

function stack(
    name: string,
    violations: StackFindings["violations"],
    extra: Partial<StackFindings> = {},
): StackFindings {
    return { stack: name, violations, notJudged: [], ...extra };
}

/** A rule of the catalogue at `stage`. */
function ruleAt(stage: MigrationStage): string {
    return CATALOG.find((r) => r.stage === stage)!.name;
}

describe("the migration path (policy/migration.ts)", () => {
    describe("the rules' stages", () => {
        it("places every rule of the catalogue on one of the five steps", () => {
            for (const rule of CATALOG) {
                assert.ok(MIGRATION_STAGES.includes(rule.stage), `${rule.name}: ${rule.stage}`);
            }
        });

        it("has at least one rule on every step, so every step can be reached from real findings", () => {
            for (const stage of MIGRATION_STAGES) {
                assert.ok(
                    CATALOG.some((r) => r.stage === stage),
                    `a rule on ${stage}`,
                );
            }
        });

        it("puts the issue's examples on their steps: plaintext secrets, state, boot installs, slots, admin access", () => {
            const stageOf = (name: string) => CATALOG.find((r) => r.name === name)!.stage;
            assert.equal(stageOf("plaintext-secret-forbid"), MigrationStage.AutomateProvisioning);
            assert.equal(stageOf("instance-state-forbid"), MigrationStage.ExternalizeState);
            assert.equal(stageOf("boot-install-forbid"), MigrationStage.GoldenImages);
            assert.equal(stageOf("golden-image-require"), MigrationStage.GoldenImages);
            assert.equal(stageOf("rolling-replacement-require"), MigrationStage.SideBySide);
            assert.equal(stageOf("admin-ingress-forbid"), MigrationStage.CutOver);
            assert.equal(stageOf("instance-lifetime-require"), MigrationStage.CutOver);
            assert.equal(stageOf("ecs-exec-forbid"), MigrationStage.CutOver);
        });
    });

    describe("where one stack stands", () => {
        for (const stage of MIGRATION_STAGES) {
            it(`reaches step ${MIGRATION_STAGES.indexOf(stage) + 1} (${stage}) when its first open finding is there`, () => {
                const m = stackMigration(stack("s", [violation(ruleAt(stage))]));
                assert.equal(m.stage, stage);
                assert.equal(m.step, MIGRATION_STAGES.indexOf(stage) + 1);
                assert.equal(m.cutOver, false);
                assert.deepEqual(
                    m.blockers.map((b) => b.policy),
                    [ruleAt(stage)],
                );
            });
        }

        it("has cut over (the last step, done) when nothing is open", () => {
            const m = stackMigration(stack("s", []));
            assert.equal(m.stage, MigrationStage.CutOver);
            assert.equal(m.step, 5);
            assert.equal(m.cutOver, true);
            assert.deepEqual(m.blockers, []);
            assert.match(m.nextAction, /^Nothing open: deploy with policy\/config\/mandatory\.json/);
        });

        it("stops at the earliest step with findings: later steps' findings stay open but do not block it", () => {
            const m = stackMigration(
                stack("s", [
                    violation("admin-ingress-forbid", "sg"),
                    violation("image-digest-require", "task"),
                    violation("boot-install-forbid", "lt"),
                    violation("rolling-replacement-require", "asg"),
                ]),
            );
            assert.equal(m.stage, MigrationStage.GoldenImages);
            assert.deepEqual(m.blockers.map((b) => b.policy).sort(), ["boot-install-forbid", "image-digest-require"]);
            assert.deepEqual(m.open, {
                "automate-provisioning": 0,
                "externalize-state": 0,
                "golden-images": 2,
                "side-by-side": 1,
                "cut-over": 1,
            });
        });

        it("counts advisory findings like mandatory ones: the level decides a deploy, not the step", () => {
            const m = stackMigration(stack("s", [violation("instance-state-forbid", "lt", "advisory")]));
            assert.equal(m.stage, MigrationStage.ExternalizeState);
            assert.equal(m.cutOver, false);
        });

        it("counts a resource a rule could not judge as an open finding of every rule its reason names", () => {
            const m = stackMigration(
                stack("s", [], {
                    notJudged: [
                        {
                            urn: URN("lt"),
                            reason: "boot-install-forbid, plaintext-secret-forbid: unknown value outside a preview (userData)",
                        },
                    ],
                }),
            );
            assert.equal(m.stage, MigrationStage.AutomateProvisioning);
            assert.equal(m.open["golden-images"], 1);
            assert.equal(m.blockers[0].kind, "not-judged");
            assert.match(m.nextAction, /^Make 1 resource judgeable by plaintext-secret-forbid: /);
        });

        it("fails closed: a finding no rule of the catalogue claims blocks the first step", () => {
            const unknownRule = stackMigration(stack("s", [violation("some-retired-rule")]));
            assert.equal(unknownRule.stage, MigrationStage.AutomateProvisioning);
            assert.match(unknownRule.blockers[0].message, /"some-retired-rule" is not in the catalogue/);
            const unreadable = stackMigration(
                stack("s", [violation("ecs-exec-forbid")], {
                    notJudged: [{ urn: "", reason: "failed to synthesize: boom" }],
                }),
            );
            assert.equal(unreadable.stage, MigrationStage.AutomateProvisioning);
            assert.equal(unreadable.blockers[0].policy, undefined);
        });

        it("does not take a rule name for another that contains it", () => {
            const m = stackMigration(
                stack("s", [], { notJudged: [{ urn: URN("x"), reason: "image-digest-drift-forbid: unreadable" }] }),
            );
            assert.deepEqual(
                m.blockers.map((b) => b.policy),
                ["image-digest-drift-forbid"],
            );
        });
    });

    describe("the next action", () => {
        it("names the rule with the most findings of the step and its fix, then how many more rules", () => {
            const m = stackMigration(
                stack("s", [
                    violation("boot-install-forbid", "a"),
                    violation("image-digest-require", "t1"),
                    violation("image-digest-require", "t2"),
                ]),
            );
            const fix = CATALOG.find((r) => r.name === "image-digest-require")!.fix;
            assert.equal(m.nextAction, `image-digest-require on 2 resources: ${fix} Then 1 more rule of this step.`);
        });

        it("tells to set the level remediate when a remediation fixes every blocker", () => {
            const v = [violation("ecs-exec-forbid", "svc"), violation("imdsv2-require", "lt")];
            const m = stackMigration(stack("s", v, { remediable: new Set(v.map((x) => findingKey(x.policy, x.urn))) }));
            assert.equal(m.stage, MigrationStage.CutOver);
            assert.equal(
                m.nextAction,
                'Deploy with level "remediate" (policy/config/remediate.json): pulumi up fixes 2 findings of ecs-exec-forbid, imdsv2-require.',
            );
            assert.equal(m.remediable, 2);
        });

        it("puts a person's fix first and mentions what remediation fixes besides", () => {
            const auto = violation("ecs-exec-forbid", "svc");
            const m = stackMigration(
                stack("s", [auto, violation("admin-ingress-forbid", "sg")], {
                    remediable: new Set([findingKey(auto.policy, auto.urn)]),
                }),
            );
            assert.match(m.nextAction, /^admin-ingress-forbid on 1 resource: Remove the rule/);
            assert.match(m.nextAction, / Level "remediate" fixes 1 finding of ecs-exec-forbid\.$/);
        });

        it("never marks a finding remediable when its rule has no remediation", () => {
            const v = violation("admin-ingress-forbid", "sg");
            const m = stackMigration(stack("s", [v], { remediable: new Set([findingKey(v.policy, v.urn)]) }));
            assert.equal(m.blockers[0].remediable, false);
        });

        it("counts resources, not findings: two findings of one rule on one resource are one resource", () => {
            const m = stackMigration(
                stack("s", [violation("golden-image-require", "lt"), violation("golden-image-require", "lt")]),
            );
            assert.match(m.nextAction, /^golden-image-require on 1 resource: /);
        });

        it("is one line", () => {
            const line = nextAction([
                {
                    stage: MigrationStage.GoldenImages,
                    kind: "not-judged",
                    policy: "boot-install-forbid",
                    message: "boot-install-forbid:\n  multi\n line",
                    remediable: false,
                },
            ]);
            assert.ok(!line.includes("\n"));
        });
    });

    describe("the estate summary", () => {
        const stacks = [
            stackMigration(stack("a/prod", [violation("plaintext-secret-forbid")])),
            stackMigration(stack("a/dev", [violation("image-digest-require", "t1"), violation("ecs-exec-forbid")])),
            stackMigration(
                stack("b/prod", [violation("image-digest-require", "t1"), violation("image-digest-require", "t2")]),
            ),
            stackMigration(stack("c/prod", [violation("ecs-exec-forbid")])),
            stackMigration(stack("d/prod", [])),
        ];
        const estate = estateSummary(stacks);

        it("counts the stacks on each step and the stacks that have cut over", () => {
            assert.equal(estate.stacks, 5);
            assert.equal(estate.cutOver, 1);
            assert.deepEqual(estate.cutOverStacks, ["d/prod"]);
            assert.deepEqual(
                estate.steps.map((s) => [s.step, s.stage, s.stacks]),
                [
                    [1, "automate-provisioning", ["a/prod"]],
                    [2, "externalize-state", []],
                    [3, "golden-images", ["a/dev", "b/prod"]],
                    [4, "side-by-side", []],
                    [5, "cut-over", ["c/prod"]],
                ],
            );
        });

        it("counts every open finding, and ranks the rules by the stacks they block", () => {
            assert.equal(estate.findings, 6);
            assert.deepEqual(
                estate.blockers.map((b) => [b.policy, b.stacks, b.findings]),
                [
                    ["image-digest-require", 2, 3],
                    ["plaintext-secret-forbid", 1, 1],
                    ["ecs-exec-forbid", 1, 1],
                ],
                "a/dev's ecs-exec-forbid finding is open but does not block its step",
            );
        });
    });

    describe("the change since an earlier report", () => {
        const at = (stack: string, stage: MigrationStage, cutOver = false): MigrationPosition => ({
            stack,
            stage,
            cutOver,
        });

        it("orders positions along the path, cut over after the last step", () => {
            const ranks = [
                ...MIGRATION_STAGES.map((s) => rank({ stage: s, cutOver: false })),
                rank({ stage: MigrationStage.CutOver, cutOver: true }),
            ];
            assert.deepEqual(ranks, [1, 2, 3, 4, 5, 6]);
        });

        it("lists the stacks that moved forward, moved back, stayed, appeared and disappeared", () => {
            const diff = diffMigration(
                [
                    at("up", MigrationStage.ExternalizeState),
                    at("down", MigrationStage.CutOver, true),
                    at("same", MigrationStage.SideBySide),
                    at("gone", MigrationStage.GoldenImages),
                    at("finished", MigrationStage.CutOver),
                ],
                [
                    at("up", MigrationStage.SideBySide),
                    at("down", MigrationStage.CutOver),
                    at("same", MigrationStage.SideBySide),
                    at("new", MigrationStage.AutomateProvisioning),
                    at("finished", MigrationStage.CutOver, true),
                ],
            );
            assert.deepEqual(
                diff.forward.map((c) => [c.stack, c.from.stage, c.to.stage]),
                [
                    ["up", "externalize-state", "side-by-side"],
                    ["finished", "cut-over", "cut-over"],
                ],
            );
            assert.deepEqual(
                diff.back.map((c) => [c.stack, c.from.cutOver, c.to.cutOver]),
                [["down", true, false]],
            );
            assert.deepEqual(diff.unchanged, ["same"]);
            assert.deepEqual(diff.added, ["new"]);
            assert.deepEqual(diff.removed, ["gone"]);
        });
    });
});
