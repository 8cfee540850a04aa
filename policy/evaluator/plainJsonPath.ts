/**
 * The plain-JSON path: a resource whose inputs are plain JSON (no secret, asset, archive or unknown) is judged
 * by calling the pack's policies with its inputs as they are, skipping the analyzer's request round trip,
 * because the analyzer's deserialization of such inputs is a plain copy and its unknown-checking proxy never
 * fires. test/policy/engine.spec.ts checks that both paths give the same verdicts.
 */
import type { Policy } from "@pulumi/policy";
import { SIG_KEY } from "../wire";
import { AS_TYPE, EMPTY, IS_TYPE, NO_CONFIG, NO_TAGS, notApplicable } from "./analyzerArgs";
import { levelOf } from "./config";
import type { NotJudged } from "./notJudged";
import { policiesFor, type PlainJsonPolicy, type PolicySet } from "./policySet";
import { StackGraph, StackPolicyResource } from "./stackGraph";
import type { EvaluatedResource, Violation } from "./types";

const proxyModule = require("@pulumi/policy/proxy");
const SENTINELS = new Set<string>([
    proxyModule.unknownBooleanValue,
    proxyModule.unknownNumberValue,
    proxyModule.unknownStringValue,
    proxyModule.unknownArrayValue,
    proxyModule.unknownAssetValue,
    proxyModule.unknownArchiveValue,
    proxyModule.unknownObjectValue,
]);

/**
 * True when a wire value is plain JSON: no special signature (secret, asset, archive) and no unknown
 * sentinel. For such a value the analyzer's deserialization is a plain copy and its unknown-checking proxy
 * never fires, so calling the pack's policy with the value itself gives the analyzer's verdict (pinned by
 * test/policy/engine.spec.ts, which compares both paths). Anything else goes through the analyzer.
 */
export function isPlainJson(value: unknown): boolean {
    if (typeof value === "string") {
        return !SENTINELS.has(value);
    }
    if (value === null || typeof value !== "object") {
        return true;
    }
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
            if (!isPlainJson(value[i])) {
                return false;
            }
        }
        return true;
    }
    if (SIG_KEY in (value as object)) {
        return false;
    }
    for (const k in value as Record<string, unknown>) {
        if (!isPlainJson((value as Record<string, unknown>)[k])) {
            return false;
        }
    }
    return true;
}

let plainJsonShortcut = true;

/** True when the plain-JSON shortcut is on (the default). */
export function plainJsonShortcutOn(): boolean {
    return plainJsonShortcut;
}

/** Turns the plain-JSON shortcut on or off (the specs compare both paths). */
export function setPlainJsonShortcut(on: boolean): void {
    plainJsonShortcut = on;
}

export function plainJsonPolicies(set: PolicySet, type: string): PlainJsonPolicy[] {
    let list = set.plainJsonByType.get(type);
    if (!list) {
        list = policiesFor(set, type).map((p) => ({
            name: p.name,
            description: p.description,
            level: levelOf(p),
            policy: p as unknown as PlainJsonPolicy["policy"],
        }));
        set.plainJsonByType.set(type, list);
    }
    return list;
}

/**
 * The args of a resource policy (or remediation) on the plain-JSON path: the resource's own fields, and the
 * analyzer's other fields (the same for every resource here) from the prototype.
 */
export class PlainJsonArgs {
    constructor(
        readonly type: string,
        readonly props: Record<string, unknown>,
        readonly urn: string,
        readonly name: string,
    ) {}

    get opts(): Record<string, never> {
        return EMPTY;
    }

    get stackTags(): ReadonlyMap<string, string> {
        return NO_TAGS;
    }

    get getConfig(): () => Record<string, never> {
        return NO_CONFIG;
    }

    get isType(): () => boolean {
        return IS_TYPE;
    }

    get asType(): () => undefined {
        return AS_TYPE;
    }

    get notApplicable(): (reason?: string) => never {
        return notApplicable;
    }
}

/** Where the plain-JSON path reports violations: one reporter for the whole evaluation, told which resource and policy run. */
export class PlainJsonReporter {
    resource: EvaluatedResource | undefined;
    policy: PlainJsonPolicy | undefined;

    constructor(private readonly found: Violation[]) {}

    readonly report = (message: string, urn?: string): void => {
        const p = this.policy!;
        this.found.push({
            policy: p.name,
            urn: urn || this.resource!.urn,
            enforcementLevel: p.level,
            message: message || p.description,
        });
    };
}

/**
 * Runs the pack's policies on plain-JSON inputs the way the analyzer's handler does: each enabled policy in
 * turn, the policy's level, the reported message (the analyzer prepends the description; we keep the
 * message), a thrown error making the resource not judged by that policy. The policies run one after
 * another and only read their args, so the resource's policies share one args object.
 */
export function judgePlainJson(
    set: PolicySet,
    r: EvaluatedResource,
    reporter: PlainJsonReporter,
    failed: Array<[string, string]>,
): void {
    const policies = plainJsonPolicies(set, r.type);
    if (policies.length === 0) {
        return;
    }
    const args = new PlainJsonArgs(r.type, r.inputs ?? {}, r.urn, r.name);
    reporter.resource = r;
    for (const p of policies) {
        reporter.policy = p;
        try {
            p.policy.validateResource(args, reporter.report);
        } catch (err) {
            failed.push([
                p.name,
                String((err as Error)?.message ?? err)
                    .replace(/\s+/g, " ")
                    .trim(),
            ]);
        }
    }
    reporter.resource = undefined;
    reporter.policy = undefined;
}

/**
 * Runs the pack's stack policies on plain-JSON props the way the analyzer's analyzeStack handler does: the
 * resources with their props, parent, dependencies and property dependencies resolved to resources (built
 * once here, where the analyzer builds them per policy), each enabled stack policy in turn.
 */
export function judgeStackPlainJson(
    set: PolicySet,
    resources: EvaluatedResource[],
    propsOf: (r: EvaluatedResource) => Record<string, unknown>,
    stackUrn: string,
    found: Violation[],
    notJudged: NotJudged,
): void {
    const policyResources: StackPolicyResource[] = new Array(resources.length);
    const graph = new StackGraph(policyResources);
    for (let i = 0; i < resources.length; i++) {
        policyResources[i] = new StackPolicyResource(resources[i], propsOf(resources[i]), graph);
    }
    for (const p of set.policies) {
        if (!("validateStack" in p)) {
            continue;
        }
        const policy = p as unknown as {
            validateStack: (args: unknown, report: (m: string, urn?: string) => void) => unknown;
        };
        const level = levelOf(p);
        try {
            policy.validateStack(
                { resources: policyResources, getConfig: NO_CONFIG, stackTags: NO_TAGS, notApplicable },
                (message, urn) =>
                    found.push({
                        policy: p.name,
                        urn: urn || stackUrn || undefined,
                        enforcementLevel: level,
                        message: message || p.description,
                    }),
            );
        } catch (err) {
            notJudged.add(
                stackUrn,
                p.name,
                String((err as Error)?.message ?? err)
                    .replace(/\s+/g, " ")
                    .trim(),
            );
        }
    }
}
