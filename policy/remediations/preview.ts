/**
 * What the remediations would fix, offline: for the resources of a stack (wire-format inputs, as `audit` reads
 * them from an export or `plan` synthesizes them), each resource a remediation's rule rejects, with the
 * properties the remediation would set or the reason it declines, whatever level the pack config gives the rule:
 * the answer to "which of these findings does policy/config/remediate.json fix for us". (At the "remediate" level
 * itself the evaluator runs the remediations as the engine does: policy/evaluator/remediatePath.ts.)
 */
import { RULES } from "../catalog";
import type { ResourceRule } from "../rule";
import { SECRET_SIG, SIG_KEY, UNKNOWN } from "../wire";
import { REMEDIATIONS } from "./index";
import { remediate, type PropertySet } from "./remediation";

/** A resource as the preview reads it. */
export interface PreviewResource {
    urn: string;
    type: string;
    inputs: Record<string, unknown>;
}

/** What a remediation does for one resource its rule rejects. */
export interface PlannedRemediation {
    urn: string;
    policy: string;
    /** The properties it sets (absent when it declines). */
    sets?: PropertySet[];
    /** Why it leaves the fix to a person. */
    declined?: string;
}

// The analyzer's unknown-checking proxy (internal to @pulumi/policy, no dependencies): reading a value that is
// unknown until deploy throws, as it does for a remediation in the engine.
const proxyModule = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy<T>(value: T): T;
    UnknownValueError: new (...args: unknown[]) => Error;
};

/** Wire-format inputs as the engine hands them to a remediation: secrets unwrapped (a ciphertext secret stays unknown). */
function readable(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(readable);
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    const o = value as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) {
        return "value" in o ? readable(o.value) : UNKNOWN;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
        out[k] = readable(v);
    }
    return out;
}

/**
 * The remediations for `resources`: one entry per resource and remediable rule that rejects it. `config(rule)`
 * gives the rule's config properties (defaults merged with the pack config), as the evaluator resolves them.
 */
export function plannedRemediations(
    resources: readonly PreviewResource[],
    config: (rule: string) => Record<string, unknown> = () => ({}),
): PlannedRemediation[] {
    const rules = RULES.filter((r): r is ResourceRule<any> => r.kind === "resource" && REMEDIATIONS.has(r.name)).map(
        (rule) => ({ rule, types: new Set(rule.resourceTypes), remediation: REMEDIATIONS.get(rule.name)! }),
    );
    const out: PlannedRemediation[] = [];
    for (const r of resources) {
        const applicable = rules.filter((x) => x.types.has(r.type));
        if (applicable.length === 0) {
            continue;
        }
        const props = readable(r.inputs ?? {}) as Record<string, any>;
        for (const { rule, remediation } of applicable) {
            const settings = { ...rule.defaults, ...config(rule.name) };
            const copy = proxyModule.unknownCheckingProxy(structuredClone(props));
            try {
                const outcome = remediate(rule, remediation, r.type, copy, settings);
                if (outcome) {
                    out.push({ urn: r.urn, policy: rule.name, ...outcome });
                }
            } catch (err) {
                if (!(err instanceof proxyModule.UnknownValueError)) {
                    throw err;
                }
                out.push({ urn: r.urn, policy: rule.name, declined: `decided at deploy time: ${err.message}` });
            }
        }
    }
    return out;
}
