/**
 * Spec helpers: judge one resource (or a stack) through the offline evaluator (the engine's own analyzer
 * code), and turn tables of cases into `it`s.
 */
import * as assert from "node:assert/strict";
import { evaluatePack, type EvaluatedResource, type PackConfig, type Verdict } from "../../policy/evaluate";

/** A Pulumi secret in the engine's wire format. */
export function secret(value: unknown): Record<string, unknown> {
    return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value };
}

/** The engine's unknown-string sentinel (a value not known during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A sha256 digest. */
export const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
/** Another one. */
export const DIGEST2 = `sha256:${"fedcba9876543210".repeat(4)}`;

let n = 0;

/** A resource of `type` with `inputs` (outputs = inputs) in stack `stack`. */
export function res(type: string, inputs: Record<string, unknown>, stack = "dev", name = `r${n++}`): EvaluatedResource {
    const wire = JSON.parse(JSON.stringify(inputs)); // what the engine sends is JSON: no undefined
    return {
        urn: `urn:pulumi:${stack}::app::${type}::${name}`,
        type,
        name,
        custom: true,
        inputs: wire,
        outputs: wire,
        dependencies: [],
        propertyDependencies: {},
    };
}

/** Judges one resource; returns the verdict. */
export async function judge(
    type: string,
    inputs: Record<string, unknown>,
    config?: PackConfig,
    preview = false,
): Promise<Verdict> {
    return evaluatePack([res(type, inputs)], { config, preview });
}

/** The messages of `rule`'s violations for one resource. */
export async function messages(
    rule: string,
    type: string,
    inputs: Record<string, unknown>,
    config?: PackConfig,
): Promise<string[]> {
    const verdict = await judge(type, inputs, config);
    assert.deepEqual(verdict.notJudged, [], "the resource must be judged");
    return verdict.violations.filter((v) => v.policy === rule).map((v) => v.message);
}

/** One row of a rule's table: a resource and what the rule must say about it. */
export interface Case {
    /** The `it` title (reads as a specification). */
    it: string;
    type: string;
    inputs: Record<string, unknown>;
    /** Config of this rule (its --policy-pack-config properties). */
    config?: Record<string, unknown>;
    /** Substrings of the expected messages, one per violation; [] = compliant. */
    expect: string[];
}

/** Declares one `it` per case of a rule's table. */
export function table(rule: string, cases: Case[]): void {
    for (const c of cases) {
        it(c.it, async () => {
            const got = await messages(rule, c.type, c.inputs, c.config ? { [rule]: c.config } : undefined);
            assert.equal(got.length, c.expect.length, `violations of ${rule}: ${JSON.stringify(got)}`);
            c.expect.forEach((sub, i) => assert.ok(got[i].includes(sub), `"${got[i]}" should include "${sub}"`));
        });
    }
}
