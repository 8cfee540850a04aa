/**
 * Compliance: every shipped stack, synthesized under mocks (update and preview), passes the pack with zero
 * violations; a deliberately mutable program is rejected with the expected rule names, resource by resource.
 */
import * as assert from "node:assert/strict";
import { listShippedStacks, synthesizeStack } from "../../bin/lib/stacks";
import { synthesize, type Synthesis } from "../../bin/lib/synthesize";
import { RULES } from "../../policy/catalog";
import { evaluatePack, type Verdict } from "../../policy/evaluate";
import { EXPECTED, EXPECTED_STACK, mutableProgram } from "./fixtures/mutableProgram";

describe("compliance: the shipped stacks pass the pack", function () {
    this.timeout(120_000);
    const stacks = listShippedStacks();
    const cache = new Map<string, Synthesis>();
    const previewCache = new Map<string, Synthesis>();

    it("ships a build stack and environment stacks to check", () => {
        assert.ok(stacks.includes("build"), `shipped stacks: ${stacks.join(", ")}`);
        assert.ok(stacks.length > 1, `shipped stacks: ${stacks.join(", ")}`);
    });

    for (const name of stacks) {
        for (const preview of [false, true]) {
            it(`${name} (${preview ? "preview" : "update"}) has zero violations and every resource judged`, async () => {
                const synthesis = await synthesizeStack(name, { preview, cache: preview ? previewCache : cache });
                const verdict = await evaluatePack(synthesis.resources, { preview });
                assert.deepEqual(verdict.violations, []);
                assert.deepEqual(verdict.notJudged, []);
                const judgedTypes = synthesis.resources.filter(
                    (r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"),
                );
                assert.equal(verdict.judged, judgedTypes.length);
            });
        }
    }
});

describe("compliance: a deliberately mutable program is rejected", function () {
    this.timeout(60_000);
    let verdict: Verdict;
    let synthesis: Synthesis;

    before(async () => {
        synthesis = await synthesize(mutableProgram, { project: "mutable", stack: "dev" });
        verdict = await evaluatePack(synthesis.resources);
    });

    it("judges every resource", () => {
        assert.deepEqual(verdict.notJudged, []);
    });

    it("rejects each resource with exactly the expected rules", () => {
        const got: Record<string, string[]> = {};
        for (const name of Object.keys(EXPECTED)) {
            got[name] = [];
        }
        for (const v of verdict.violations) {
            const name = v.urn!.split("::").pop()!;
            const stackRule = EXPECTED_STACK[v.policy] !== undefined;
            if (!stackRule) {
                got[name] = [...(got[name] ?? []), v.policy];
            }
        }
        for (const name of Object.keys(got)) {
            got[name] = [...new Set(got[name])].sort();
        }
        assert.deepEqual(got, EXPECTED);
    });

    it("rejects the stack with the stack rules, pointing at the offending resource", () => {
        for (const [rule, resource] of Object.entries(EXPECTED_STACK)) {
            const v = verdict.violations.filter((x) => x.policy === rule);
            assert.equal(v.length, 1, `${rule}: ${JSON.stringify(v)}`);
            assert.ok(v[0].urn!.endsWith(`::${resource}`), `${rule} points at ${v[0].urn}`);
        }
    });

    it("fires every rule of the pack at least once", () => {
        const fired = new Set(verdict.violations.map((v) => v.policy));
        assert.deepEqual(
            RULES.map((r) => r.name).filter((n) => !fired.has(n)),
            [],
        );
    });

    it("is rejected with the same verdicts during a preview", async () => {
        const preview = await synthesize(mutableProgram, { project: "mutable", stack: "dev", preview: true });
        const previewed = await evaluatePack(preview.resources, { preview: true });
        const key = (v: { policy: string; urn?: string }) => `${v.policy} ${v.urn}`;
        assert.deepEqual(previewed.violations.map(key).sort(), verdict.violations.map(key).sort());
    });

    it("is rejected with mandatory violations by default and only advisory ones under the migrating config", async () => {
        assert.ok(verdict.violations.some((v) => v.enforcementLevel === "mandatory"));
        const migrating = require("../../policy/config/migrating-advisory.json");
        const relaxed = await evaluatePack(synthesis.resources, { config: migrating });
        assert.equal(relaxed.violations.length, verdict.violations.length);
        assert.deepEqual([...new Set(relaxed.violations.map((v) => v.enforcementLevel))], ["advisory"]);
    });
});
