/**
 * A set of policies ready for evaluation: the enabled policies by the types they judge, the analyzer handlers
 * per type (built on first use), and the pack's own set per pack config (cached).
 */
import type { Policy, ResourceValidationPolicy } from "@pulumi/policy";
import { PACK_NAME, RULES } from "../catalog";
import { toPolicy } from "../policies";
import { analyzer, PACK_VERSION, type RpcFun } from "./analyzerModules";
import { ruleSettings } from "./config";
import type { PackConfig } from "./types";

/** A set of policies ready for the analyzer handlers, built once and reused. */
export interface PolicySet {
    policies: Policy[];
    /** Per resource type: the analyze handler over the resource policies that judge it (undefined: none do). */
    resource: Map<string, RpcFun | undefined>;
    /** Resource policies by the types they judge; `anyType` judge every type. */
    byType: Map<string, Policy[]>;
    anyType: Policy[];
    /** The analyzeStack handler over the enabled stack policies (undefined: none; built on first read). */
    readonly stack: RpcFun | undefined;
    /** True when any stack policy is enabled. */
    hasStackPolicies: boolean;
    /** Types whose props the stack policies read (undefined: all; the others are sent with empty props). */
    stackPropsTypes: Set<string> | undefined;
    /** Rule descriptions (the engine prepends them to messages; violations carry the message alone). */
    descriptions: Map<string, string>;
    /**
     * True when every resource policy reads only `args.type`, `args.props` and `args.getConfig()` (the pack's
     * policies, built by policy/policies.ts). Then a resource whose inputs are plain JSON may skip the
     * analyzer's request round trip; see {@link isPlainJson}.
     */
    plainJson: boolean;
    /** Per resource type: the enabled resource policies that judge it, ready for the plain-JSON path (built on first use). */
    plainJsonByType: Map<string, PlainJsonPolicy[]>;
    /** The resource policies at the "remediate" level that have a remediation (policy/evaluator/remediatePath.ts). */
    remediating: ResourceValidationPolicy[];
    /** Per resource type: the remediating policies that apply to it (built on first use). */
    remediatingByType: Map<string, ResourceValidationPolicy[]>;
    /** Per resource type: the engine's Remediate handler over them (built on first use). */
    remediateHandlers: Map<string, RpcFun>;
}

/** A resource policy as the plain-JSON path calls it: its level resolved once. */
export interface PlainJsonPolicy {
    name: string;
    description: string;
    level: "advisory" | "mandatory";
    policy: { validateResource: (args: unknown, report: (message: string, urn?: string) => void) => unknown };
}

/**
 * Prepares policies for evaluation. `typesOf(policy)` names the resource types a resource policy judges
 * (undefined: every type). A policy that does not judge a type reports nothing for it, so leaving it out of
 * that type's handler changes no verdict, only the time.
 */
export function policySet(
    policies: Policy[],
    typesOf: (p: Policy) => readonly string[] | undefined = () => undefined,
    stackPropsTypes?: Set<string>,
    plainJson = false,
): PolicySet {
    // Disabled policies are skipped by the analyzer itself; leaving them out saves building requests.
    const enabled = policies.filter((p) => p.enforcementLevel !== "disabled");
    const byType = new Map<string, Policy[]>();
    const anyType: Policy[] = [];
    for (const p of enabled) {
        if (!("validateResource" in p)) {
            continue;
        }
        const types = typesOf(p);
        if (!types) {
            anyType.push(p);
            continue;
        }
        for (const t of types) {
            byType.set(t, [...(byType.get(t) ?? []), p]);
        }
    }
    const stackPolicies = enabled.filter((p) => "validateStack" in p);
    let stack: RpcFun | undefined;
    return {
        policies: enabled,
        resource: new Map(),
        byType,
        anyType,
        hasStackPolicies: stackPolicies.length > 0,
        // Built on first use (the plain-JSON path never asks for it).
        get stack() {
            if (!stack && stackPolicies.length > 0) {
                stack = analyzer().server.makeAnalyzeStackRpcFun(PACK_NAME, PACK_VERSION, "advisory", stackPolicies);
            }
            return stack;
        },
        stackPropsTypes,
        plainJson,
        plainJsonByType: new Map(),
        remediating: enabled.filter(
            (p): p is ResourceValidationPolicy =>
                p.enforcementLevel === "remediate" && "remediateResource" in p && p.remediateResource !== undefined,
        ),
        remediatingByType: new Map(),
        remediateHandlers: new Map(),
        descriptions: new Map(policies.map((p) => [p.name, p.description])),
    };
}

export function policiesFor(set: PolicySet, type: string): Policy[] {
    const typed = set.byType.get(type) ?? [];
    return set.anyType.length === 0 ? typed : set.policies.filter((p) => typed.includes(p) || set.anyType.includes(p));
}

export function resourceAnalyzer(set: PolicySet, type: string): RpcFun | undefined {
    if (!set.resource.has(type)) {
        const policies = policiesFor(set, type);
        set.resource.set(
            type,
            policies.length > 0
                ? analyzer().server.makeAnalyzeRpcFun(PACK_NAME, PACK_VERSION, "advisory", policies)
                : undefined,
        );
    }
    return set.resource.get(type);
}

const packCache = new Map<string, PolicySet>();

/** The pack's policies for a pack config (cached per config). */
export function packPolicies(config: PackConfig | undefined): PolicySet {
    const key = JSON.stringify(config ?? {});
    let set = packCache.get(key);
    if (!set) {
        const settings = ruleSettings(config);
        const types = new Map<Policy, readonly string[]>();
        const stackPropsTypes = new Set<string>();
        const policies = RULES.map((rule) => {
            const p = toPolicy(rule, settings.get(rule.name));
            types.set(p, rule.resourceTypes);
            if (rule.kind === "stack" && p.enforcementLevel !== "disabled") {
                rule.readsPropsOf.forEach((t) => stackPropsTypes.add(t));
            }
            return p;
        });
        set = policySet(policies, (p) => types.get(p), stackPropsTypes, true);
        if (packCache.size > 16) {
            packCache.clear();
        }
        packCache.set(key, set);
    }
    return set;
}
