/**
 * The offline evaluator: judges resources with the pack exactly as the Pulumi engine would, by driving
 * @pulumi/policy's own analyzer RPC handlers (`makeAnalyzeRpcFun`, `makeAnalyzeStackRpcFun`) in-process with
 * real `AnalyzeRequest` / `AnalyzeStackRequest` protobuf messages. So the engine's deserialization is
 * reused, not re-implemented: resource policies see inputs with secrets unwrapped, unknown values in a
 * preview raise the analyzer's "can't run policy ... during preview" advisory, stack policies see outputs
 * with parents, dependencies and property dependencies resolved to resources.
 *
 * Speed (a 10k-resource audit): each resource type gets a handler over the policies that judge that type,
 * built once per pack config; and a resource whose inputs are plain JSON (no secret, asset or unknown) may
 * skip the request round trip, because the analyzer's deserialization is then a plain copy and its
 * unknown-checking proxy never fires. A reader that has already walked a resource's property maps says so
 * (`plainJson`), and the evaluator does not walk them again. On that path the policies of a resource type
 * are listed once, and stack policies see parents and dependencies resolved when first read (the pack's
 * stack rules read types and props only). test/policy/engine.spec.ts checks that the shortcut and the
 * analyzer path give the same verdicts. test/policy/packServer.spec.ts checks both against the real pack
 * process over gRPC.
 *
 * Rules at the "remediate" level are run first, as the engine runs the pack's Remediate before it analyzes a
 * resource: a resource they fix is reported in `remediated`, not as a violation (docs/policies.md).
 *
 * Used by the specs and by `bin/immutable plan` / `audit`. Never constructs the PolicyPack. The parts live in
 * policy/evaluator/: the pack config (config.ts), the policy sets (policySet.ts), the analyzer path
 * (analyzerPath.ts), the plain-JSON path (plainJsonPath.ts) and the stack graph it builds (stackGraph.ts), the
 * remediations at the "remediate" level (remediatePath.ts).
 */
import { PACK_NAME } from "./catalog";
import { EMPTY } from "./evaluator/analyzerArgs";
import { analyzer, call, PACK_VERSION } from "./evaluator/analyzerModules";
import { diagnostics, failure, isProvider, resourceRequest, stackRequest } from "./evaluator/analyzerPath";
import { NotJudged } from "./evaluator/notJudged";
import {
    isPlainJson,
    judgePlainJson,
    judgeStackPlainJson,
    plainJsonShortcutOn,
    PlainJsonReporter,
    setPlainJsonShortcut,
} from "./evaluator/plainJsonPath";
import { packPolicies, policiesFor, resourceAnalyzer, type PolicySet } from "./evaluator/policySet";
import { remediateFirst } from "./evaluator/remediatePath";
import type { EvaluatedResource, EvaluateOptions, Remediated, Verdict, Violation } from "./evaluator/types";

export type { EvaluatedResource, EvaluateOptions, PackConfig, Remediated, Verdict, Violation } from "./evaluator/types";
export { ruleSettings } from "./evaluator/config";
export { policySet, type PolicySet } from "./evaluator/policySet";
export { setStructMode, StructMode } from "./evaluator/analyzerPath";
export { isPlainJson, setPlainJsonShortcut } from "./evaluator/plainJsonPath";

const STACK_TYPE = "pulumi:pulumi:Stack";

const UNKNOWN_DIAGNOSTIC = /^can't run policy '[^']+' from policy pack '[^']+' during preview: /;

/**
 * Judges `resources` with the pack: every resource (but providers and the stack) through the engine's
 * analyze handler, then the whole set through its analyzeStack handler.
 */
export async function evaluatePack(resources: EvaluatedResource[], options_: EvaluateOptions = {}): Promise<Verdict> {
    return evaluatePolicies(packPolicies(options_.config), resources, options_);
}

/** Judges `resources` with any set of policies, as the engine would (evaluatePack with the pack's). */
export async function evaluatePolicies(
    a: PolicySet,
    resources: EvaluatedResource[],
    options_: EvaluateOptions = {},
): Promise<Verdict> {
    const preview = options_.preview ?? false;
    // Resources by URN, for provider references of the analyzer path (built on first use).
    let byUrnMap: Map<string, EvaluatedResource> | undefined;
    const byUrn = () => (byUrnMap ??= new Map(resources.map((r) => [r.urn, r])));
    const providers = new Map<string, unknown>();
    const violations: Violation[] = [];
    const remediated: Remediated[] = [];
    const notJudged = new NotJudged();
    let judged = 0;

    // Outside a preview every value is known: an unknown is a defect of the input, not a preview skip.
    const keep = (urn: string, found: Violation[]): boolean => {
        const unknown = found.filter((v) => UNKNOWN_DIAGNOSTIC.test(v.message));
        if (!preview && unknown.length > 0) {
            for (const v of unknown) {
                notJudged.add(
                    urn,
                    v.policy,
                    `unknown value outside a preview (${v.message.replace(UNKNOWN_DIAGNOSTIC, "")})`,
                );
            }
            violations.push(
                ...found.filter((v) => !unknown.includes(v)).map((v) => ({ ...v, urn: v.urn ?? (urn || undefined) })),
            );
            return false;
        }
        violations.push(...found.map((v) => ({ ...v, urn: v.urn ?? (urn || undefined) })));
        return true;
    };

    const failed: Array<[string, string]> = [];
    const reporter = new PlainJsonReporter(violations);
    for (let i = 0; i < resources.length; i++) {
        let r = resources[i];
        if (r.type === STACK_TYPE || isProvider(r)) {
            continue;
        }
        if (a.remediating.length > 0) {
            // As the engine: the rules at the "remediate" level fix the inputs first, then every rule judges them.
            const outcome = await remediateFirst(a, r, byUrn, providers);
            r = outcome.resource;
            remediated.push(...outcome.remediated);
            outcome.failed.forEach(([policy, why]) => notJudged.add(r.urn, policy, `remediation failed: ${why}`));
        }
        if (a.plainJson && plainJsonShortcutOn() && (r.plainJson === true || isPlainJson(r.inputs ?? {}))) {
            judgePlainJson(a, r, reporter, failed);
            if (failed.length === 0) {
                judged++;
            } else {
                failed.forEach(([policy, why]) => notJudged.add(r.urn, policy, why));
                failed.length = 0;
            }
            continue;
        }
        const fn = resourceAnalyzer(a, r.type);
        if (!fn) {
            judged++;
            continue;
        }
        const req = resourceRequest(r, byUrn(), providers);
        try {
            const resp = await call(fn, req);
            if (keep(r.urn, diagnostics(resp, a.descriptions))) {
                judged++;
            }
        } catch {
            // The engine fails the whole request; offline we run each policy alone to keep the others' verdicts
            // and to name the policy that failed (the resource is then counted as not judged).
            for (const policy of policiesFor(a, r.type)) {
                try {
                    const one = analyzer().server.makeAnalyzeRpcFun(PACK_NAME, PACK_VERSION, "advisory", [policy]);
                    keep(r.urn, diagnostics(await call(one, req), a.descriptions));
                } catch (err) {
                    const [name, why] = failure(err);
                    notJudged.add(r.urn, name || policy.name, why);
                }
            }
            if (!notJudged.has(r.urn)) {
                judged++;
            }
        }
    }

    if (!a.hasStackPolicies) {
        return { judged, violations, remediated, notJudged: notJudged.list() };
    }
    const stackUrn = resources.find((r) => r.type === STACK_TYPE)?.urn ?? "";
    const readsProps = a.stackPropsTypes;
    // Props the stack policies never read are sent empty (one shared empty object on the plain-JSON path).
    const propsOf = (r: EvaluatedResource) =>
        !readsProps || readsProps.has(r.type) ? (r.outputs ?? r.inputs ?? {}) : EMPTY;
    if (
        a.plainJson &&
        plainJsonShortcutOn() &&
        resources.every((r) => r.plainJson === true || isPlainJson(propsOf(r)))
    ) {
        judgeStackPlainJson(a, resources, propsOf, stackUrn, violations, notJudged);
        return { judged, violations, remediated, notJudged: notJudged.list() };
    }
    const stackReq = stackRequest(resources, propsOf, byUrn(), providers);
    try {
        keep(stackUrn, diagnostics(await call(a.stack!, stackReq), a.descriptions));
    } catch (err) {
        const [name, why] = failure(err);
        notJudged.add(stackUrn, name, why);
    }
    return { judged, violations, remediated, notJudged: notJudged.list() };
}
