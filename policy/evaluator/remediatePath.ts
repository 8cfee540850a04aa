/**
 * Rules at the "remediate" level, as the engine runs them: before it judges a resource, the engine calls the pack's
 * Remediate (`makeRemediateRpcFun`), each remediating policy in turn on the inputs the previous one left, and
 * deploys, and judges, the remediated inputs; a remediation that fixes the resource is reported as remediated, not
 * as a violation. A remediation that declines (or whose sets would not satisfy its rule: policy/remediations/)
 * leaves the inputs as they were, so the rule still reports the violation, at the mandatory level.
 *
 * Plain-JSON inputs call the policies' `remediateResource` on a copy (the handler's deserialization is then a
 * copy too); anything else (secrets, unknowns, assets) goes through the engine's own handler.
 */
import type { Policy, ResourceValidationPolicy } from "@pulumi/policy";
import { PACK_NAME } from "../catalog";
import { analyzer, call, PACK_VERSION } from "./analyzerModules";
import { failure, resourceRequest } from "./analyzerPath";
import { isPlainJson, plainJsonShortcutOn, PlainJsonArgs } from "./plainJsonPath";
import type { PolicySet } from "./policySet";
import type { EvaluatedResource, Remediated } from "./types";

/** What the remediations did to one resource: its inputs after them, who remediated, and what failed. */
export interface RemediationOutcome {
    /** The resource with its remediated inputs (the same object when nothing changed). */
    resource: EvaluatedResource;
    remediated: Remediated[];
    /** Remediations that threw, as [policy, reason] (the engine would fail the deploy; offline the rest goes on). */
    failed: Array<[string, string]>;
}

/** The policies at the "remediate" level that remediate resources of `type`, in pack order. */
export function remediatorsFor(set: PolicySet, type: string): ResourceValidationPolicy[] {
    let list = set.remediatingByType.get(type);
    if (!list) {
        const typed = set.byType.get(type) ?? [];
        list = set.remediating.filter((p) => typed.includes(p) || set.anyType.includes(p));
        set.remediatingByType.set(type, list);
    }
    return list;
}

/** Runs the remediations at the "remediate" level on `r`, as the engine does before it analyzes the resource. */
export async function remediateFirst(
    set: PolicySet,
    r: EvaluatedResource,
    byUrn: () => Map<string, EvaluatedResource>,
    providers: Map<string, unknown>,
): Promise<RemediationOutcome> {
    const policies = remediatorsFor(set, r.type);
    if (policies.length === 0) {
        return { resource: r, remediated: [], failed: [] };
    }
    const plain = set.plainJson && plainJsonShortcutOn() && (r.plainJson === true || isPlainJson(r.inputs ?? {}));
    return plain ? remediatePlainJson(policies, r) : remediateByRequest(set, policies, r, byUrn(), providers);
}

function remediatePlainJson(policies: ResourceValidationPolicy[], r: EvaluatedResource): RemediationOutcome {
    let props: Record<string, any> = structuredClone(r.inputs ?? {});
    const remediated: Remediated[] = [];
    const failed: Array<[string, string]> = [];
    for (const p of policies) {
        try {
            const result = p.remediateResource!(new PlainJsonArgs(r.type, props, r.urn, r.name) as never);
            if (result) {
                props = result as Record<string, any>;
                remediated.push({ policy: p.name, urn: r.urn });
            }
        } catch (err) {
            failed.push([p.name, oneLine(err)]);
        }
    }
    return {
        resource: remediated.length > 0 ? { ...r, inputs: props, plainJson: true } : r,
        remediated,
        failed,
    };
}

async function remediateByRequest(
    set: PolicySet,
    policies: ResourceValidationPolicy[],
    r: EvaluatedResource,
    byUrn: Map<string, EvaluatedResource>,
    providers: Map<string, unknown>,
): Promise<RemediationOutcome> {
    let fn = set.remediateHandlers.get(r.type);
    if (!fn) {
        fn = analyzer().server.makeRemediateRpcFun(PACK_NAME, PACK_VERSION, "advisory", policies as Policy[]);
        set.remediateHandlers.set(r.type, fn);
    }
    let resp: any;
    try {
        resp = await call(fn, resourceRequest(r, byUrn, providers));
    } catch (err) {
        const [policy, why] = failure(err);
        return { resource: r, remediated: [], failed: [[policy || policies.map((p) => p.name).join(", "), why]] };
    }
    // Each remediation starts from the inputs the previous one left; the last one's properties are what deploys. A
    // diagnostic instead of properties (a value unknown during a preview) remediates nothing.
    let inputs: Record<string, unknown> | undefined;
    const remediated: Remediated[] = [];
    for (const rem of resp.getRemediationsList()) {
        if (rem.hasProperties()) {
            inputs = rem.getProperties().toJavaScript();
            remediated.push({ policy: rem.getPolicyname(), urn: r.urn });
        }
    }
    return { resource: inputs ? { ...r, inputs, plainJson: undefined } : r, remediated, failed: [] };
}

function oneLine(err: unknown): string {
    return String((err as Error)?.message ?? err)
        .replace(/\s+/g, " ")
        .trim();
}
