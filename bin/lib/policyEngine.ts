/**
 * The command line's view of the policy pack: the offline evaluator (policy/evaluate.ts) and the rule
 * catalogue (name, description, level, fix) that SARIF rule entries and the table's fix column come from.
 * Both are loaded lazily, so `--help` does not load the pack, and passed to the commands as a dependency
 * (the specs give a small fake; the real pack is the default).
 */
import * as path from "node:path";

// The evaluator's own types (type-only: erased at run time, so the pack still loads lazily).
import type { EvaluatedResource, Verdict, Violation } from "../../policy/evaluate";
export type { EvaluatedResource, Verdict, Violation };

/** The enforcement levels a violation can carry. */
export type EnforcementLevel = "advisory" | "mandatory";

/** The pack config of `--policy-pack-config` (policy name or "all" to a level or to a config object). */
export type PackConfig = Record<string, unknown>;

/** Options of one evaluation. */
export interface EvaluateOptions {
    config?: PackConfig;
    /** Evaluate as a preview: unknown values are allowed. */
    preview?: boolean;
}

/** The offline evaluator's signature. */
export type Evaluate = (resources: EvaluatedResource[], options?: EvaluateOptions) => Promise<Verdict>;

/** One rule of the pack, as documented. */
export interface RuleInfo {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel | string;
    /** How to fix a violation, one sentence. */
    fix?: string;
    /** Why the rule exists (the longer explanation). */
    why?: string;
}

/** The pack as the commands use it. */
export interface PolicyEngine {
    evaluate: Evaluate;
    /** Every rule of the pack (for SARIF rule entries and the fix column). */
    rules(): RuleInfo[];
}

const POLICY_DIR = path.resolve(__dirname, "..", "..", "policy");

function load(module: string): any {
    try {
        return require(path.join(POLICY_DIR, module));
    } catch (err: any) {
        if (err && err.code === "MODULE_NOT_FOUND" && String(err.message).includes(path.join(POLICY_DIR, module))) {
            return undefined;
        }
        throw err;
    }
}

/** Accepts the catalogue as an array or a record of rules, under any of the usual export names. */
export function catalogueFrom(mod: any): RuleInfo[] {
    if (!mod) {
        return [];
    }
    const candidate =
        mod.CATALOG ??
        mod.catalog ??
        mod.RULES ??
        mod.rules ??
        mod.ALL_RULES ??
        mod.allRules ??
        mod.catalogue ??
        mod.default;
    const list: any[] = Array.isArray(candidate)
        ? candidate
        : candidate && typeof candidate === "object"
          ? Object.entries(candidate).map(([name, v]: [string, any]) => ({ name, ...v }))
          : [];
    return list
        .filter((r) => r && typeof r.name === "string")
        .map((r) => ({
            name: r.name,
            description: String(r.description ?? ""),
            enforcementLevel: String(r.enforcementLevel ?? "advisory"),
            fix: r.fix === undefined ? undefined : String(r.fix),
            why: r.why === undefined ? undefined : String(r.why),
        }));
}

/** The real pack: policy/evaluate.ts and its catalogue. */
export const realPolicyEngine: PolicyEngine = {
    async evaluate(resources, options) {
        const mod = load("evaluate");
        if (!mod || typeof mod.evaluatePack !== "function") {
            throw new Error("the policy pack's offline evaluator (policy/evaluate.ts, evaluatePack) is not available");
        }
        const verdict = await mod.evaluatePack(resources, options);
        return {
            judged: verdict.judged,
            violations: verdict.violations ?? [],
            notJudged: verdict.notJudged ?? [],
        };
    },
    rules() {
        // Never policy/index.ts: constructing the PolicyPack starts the analyzer's gRPC server.
        for (const name of ["catalog", "catalogue", "rules/index", "policies"]) {
            const rules = catalogueFrom(load(name));
            if (rules.length > 0) {
                return rules;
            }
        }
        return [];
    },
};

let currentEngine: PolicyEngine = realPolicyEngine;

/** The pack the commands use: the real one, or the one a spec installed with {@link withPolicyEngine}. */
export function policyEngine(): PolicyEngine {
    return currentEngine;
}

/** Runs `fn` with `engine` as the pack, restoring the previous one afterwards. */
export async function withPolicyEngine<T>(engine: PolicyEngine, fn: () => Promise<T>): Promise<T> {
    const previous = currentEngine;
    currentEngine = engine;
    try {
        return await fn();
    } finally {
        currentEngine = previous;
    }
}

/** True when any violation is mandatory (the commands then exit 1). */
export function hasMandatory(violations: Violation[]): boolean {
    return violations.some((v) => v.enforcementLevel === "mandatory");
}
