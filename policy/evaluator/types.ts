/** The evaluator's public shapes: what it takes (resources, a pack config, options) and what it returns. */
import type { Level } from "../rule";

/** A resource as the evaluator takes it (wire format: the engine's property maps, secrets and unknowns as signatures). */
export interface EvaluatedResource {
    urn: string;
    type: string;
    name: string;
    custom?: boolean;
    parent?: string;
    /** Provider reference `<provider urn>::<id>`. */
    provider?: string;
    inputs: Record<string, unknown>;
    /** Outputs (stack policies see these; inputs are used when absent, e.g. a preview JSON). */
    outputs?: Record<string, unknown>;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    /**
     * Set by a reader that has walked `inputs` and `outputs` value by value and found plain JSON only (no
     * secret, asset, archive or resource-reference signature, no unknown): the evaluator then skips its own
     * walk. Unset or false: the evaluator checks for itself.
     */
    plainJson?: boolean;
}

/** One violation, as the engine reports it (the message without the rule description the engine prepends). */
export interface Violation {
    policy: string;
    urn?: string;
    enforcementLevel: "advisory" | "mandatory";
    message: string;
}

/** The `--policy-pack-config` JSON: per policy name (or "all") a level or an object with a level and properties. */
export interface PackConfig {
    [policyName: string]: Level | { enforcementLevel?: Level; [key: string]: unknown };
}

/** Options of one evaluation. */
export interface EvaluateOptions {
    config?: PackConfig;
    /** Evaluate as `pulumi preview`: unknown values make a policy advisory-skip, as in the engine. */
    preview?: boolean;
}

/**
 * A resource a rule at the "remediate" level fixed before it was judged, as the engine reports it (a remediation,
 * not a violation): the deploy would apply the rule's remediation (policy/remediations/) to its inputs.
 */
export interface Remediated {
    policy: string;
    urn: string;
}

/** The verdict on a set of resources. */
export interface Verdict {
    /** Resources the resource policies judged (providers and the stack are not judged). */
    judged: number;
    violations: Violation[];
    /** What rules at the "remediate" level fixed before judging (a remediation that declines leaves a violation). */
    remediated: Remediated[];
    /** Resources (or the stack) the pack could not judge, with the reason. */
    notJudged: Array<{ urn: string; reason: string }>;
}
