/**
 * The command line's view of the policy pack: the offline evaluator (policy/evaluate.ts) and the rule
 * catalogue (name, description, level, fix) that SARIF rule entries and the table's fix column come from.
 * Both are loaded lazily, so `--help` does not load the pack, and passed to the commands as a dependency
 * (the specs give a small fake; the real pack is the default).
 */
import type { RuleInfo as CatalogRule } from "../../policy/catalog";
import { Replaceable } from "./replaceable";
// The evaluator's own types (type-only: erased at run time, so the pack still loads lazily).
import type {
    EvaluatedResource,
    EvaluateOptions,
    PackConfig,
    Remediated,
    Verdict,
    Violation,
} from "../../policy/evaluate";
export type { EvaluatedResource, EvaluateOptions, PackConfig, Remediated, Verdict, Violation };

/** The offline evaluator's signature (policy/evaluate.ts `evaluatePack`). */
export type Evaluate = (resources: EvaluatedResource[], options?: EvaluateOptions) => Promise<Verdict>;

/** One rule of the pack, as the commands show it: the catalogue's fields they read. */
export type RuleInfo = Pick<CatalogRule, "name" | "description" | "enforcementLevel"> &
    Partial<Pick<CatalogRule, "fix" | "why" | "remediates">>;

/** The pack as the commands use it. */
export interface PolicyEngine {
    evaluate: Evaluate;
    /** Every rule of the pack (for SARIF rule entries and the fix column). */
    rules(): RuleInfo[];
}

/** The real pack: policy/evaluate.ts and its catalogue (never policy/index.ts, which starts a gRPC server). */
export const realPolicyEngine: PolicyEngine = {
    evaluate: (resources, options) =>
        (require("../../policy/evaluate") as typeof import("../../policy/evaluate")).evaluatePack(resources, options),
    rules: () => [...(require("../../policy/catalog") as typeof import("../../policy/catalog")).CATALOG],
};

const engines = new Replaceable<PolicyEngine>(realPolicyEngine);

/** The pack the commands use: the real one, or the one a spec installed with {@link withPolicyEngine}. */
export function policyEngine(): PolicyEngine {
    return engines.get();
}

/** Runs `fn` with `engine` as the pack, restoring the previous one afterwards. */
export function withPolicyEngine<T>(engine: PolicyEngine, fn: () => Promise<T>): Promise<T> {
    return engines.with(engine, fn);
}

/** True when any violation is mandatory (the commands then exit 1). */
export function hasMandatory(violations: ReadonlyArray<{ enforcementLevel: string }>): boolean {
    return violations.some((v) => v.enforcementLevel === "mandatory");
}
