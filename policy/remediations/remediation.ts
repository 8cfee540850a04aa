/**
 * What a remediation is: the mechanical fix of one rule, applied by the Pulumi engine when a team sets the
 * rule's level to "remediate" (CrossGuard `remediateResource`, run before the resource is judged and created).
 *
 * A remediation is pure: `plan(type, props, config)` reads a resource's inputs and names the properties the fix
 * sets, or declines when the fix needs judgement for this resource. The engine hands `remediateResource` a
 * secrets-preserving proxy of the inputs: a fresh object would unwrap every secret into plain text, so the
 * planned sets are written into that proxy in place (a value written over a secret stays a secret). Offline
 * (specs, `audit --report migration`, the evaluator at the "remediate" level) the same plan is applied to a copy.
 */
import type { ResourceRule } from "../rule";

/** One property a remediation sets: its path from the resource's inputs and the value. */
export interface PropertySet {
    path: readonly string[];
    value: string | number | boolean;
}

/** What a remediation decides for one resource: the sets that fix it, or why it leaves the fix to a person. */
export type RemediationPlan = { sets: PropertySet[] } | { declined: string };

/** The mechanical fix of one rule. */
export interface Remediation<C = Record<string, never>> {
    /** The rule whose violations it fixes. */
    rule: string;
    /** What it sets, one sentence (the docs' "remediates" column). */
    sets: string;
    /** Why the fix cannot change behaviour the workload relies on, with the documentation it rests on. */
    safe: string;
    /** The fix of a resource the rule rejects (called only for such resources). */
    plan(type: string, props: Record<string, any>, config: C): RemediationPlan;
}

/**
 * Writes `sets` into `target` in place (through the engine's proxies: a value written over a secret stays a
 * secret). Returns the function that undoes the writes.
 */
export function applySets(target: Record<string, any>, sets: readonly PropertySet[]): () => void {
    const undo: Array<() => void> = [];
    const write = (node: Record<string, any>, key: string, value: unknown) => {
        const had = key in node;
        const old = node[key];
        node[key] = value;
        undo.push(() => (had ? (node[key] = old) : delete node[key]));
    };
    for (const { path, value } of sets) {
        let node = target;
        for (const key of path.slice(0, -1)) {
            if (node[key] === undefined || node[key] === null) {
                write(node, key, {});
            }
            node = node[key];
        }
        write(node, path[path.length - 1], value);
    }
    return () => undo.reverse().forEach((f) => f());
}

/** True when `rule` reports a violation for these inputs. */
export function violates(rule: ResourceRule<any>, type: string, props: Record<string, any>, config: unknown): boolean {
    let found = false;
    // A fresh view per call: the rules' normalizers memoize per props object, and a remediation changes that object.
    rule.validate(type, new Proxy(props, {}), config, () => (found = true));
    return found;
}

/**
 * Remediates `props` in place when `rule` rejects them: undefined when there is nothing to fix; the sets written
 * when they satisfy the rule; why not otherwise (the remediation declines, or its sets would not satisfy the rule,
 * and then `props` is left as it was: the violation stays, reported at the mandatory level).
 */
export function remediate<C>(
    rule: ResourceRule<C>,
    remediation: Remediation<C>,
    type: string,
    props: Record<string, any>,
    config: C,
): RemediationPlan | undefined {
    if (!violates(rule, type, props, config)) {
        return undefined;
    }
    const plan = remediation.plan(type, new Proxy(props, {}), config);
    if (!("sets" in plan)) {
        return plan;
    }
    const undo = applySets(props, plan.sets);
    if (violates(rule, type, props, config)) {
        undo();
        return { declined: "its sets would not satisfy the rule here" };
    }
    return plan;
}

/**
 * The engine path (`remediateResource`): `props`, remediated in place, or undefined (see {@link remediate}; the
 * same arguments). Offline, pass a copy (`structuredClone(props)`) to keep the inputs as they are.
 */
export function remediateInPlace<C>(...args: Parameters<typeof remediate<C>>): Record<string, any> | undefined {
    const outcome = remediate(...args);
    return outcome && "sets" in outcome ? args[3] : undefined;
}
