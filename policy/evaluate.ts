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
 * unknown-checking proxy never fires. test/policy/engine.spec.ts checks that the shortcut and the
 * analyzer path give the same verdicts. test/policy/packServer.spec.ts checks both against the real pack
 * process over gRPC.
 *
 * Used by the specs and by `bin/immutable plan` / `audit`. Never constructs the PolicyPack.
 */
import * as path from "node:path";
import type { Policy } from "@pulumi/policy";
import { PACK_NAME, RULES } from "./catalog";
import { toPolicy, type RuleSettings } from "./policies";

// The analyzer's own modules (internal to @pulumi/policy, stable across 1.x; pinned by test/policy/engine.spec.ts).
const server = require("@pulumi/policy/server") as {
    makeAnalyzeRpcFun(pack: string, version: string, level: string, policies: Policy[]): RpcFun;
    makeAnalyzeStackRpcFun(pack: string, version: string, level: string, policies: Policy[]): RpcFun;
};
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
// The Struct of the google-protobuf copy @pulumi/pulumi's messages are generated against.
const structPb = require(require.resolve("google-protobuf/google/protobuf/struct_pb", {
    paths: [path.dirname(require.resolve("@pulumi/pulumi/proto/analyzer_pb"))],
}));

type RpcFun = (call: { request: unknown }, callback: (err: unknown, resp: any) => void) => Promise<void>;

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
}

/** One violation, as the engine reports it (the message without the rule description the engine prepends). */
export interface Violation {
    policy: string;
    urn?: string;
    enforcementLevel: "advisory" | "mandatory";
    message: string;
}

type Level = "advisory" | "mandatory" | "disabled";

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

/** The verdict on a set of resources. */
export interface Verdict {
    /** Resources the resource policies judged (providers and the stack are not judged). */
    judged: number;
    violations: Violation[];
    /** Resources (or the stack) the pack could not judge, with the reason. */
    notJudged: Array<{ urn: string; reason: string }>;
}

const PACK_VERSION: string = require("./package.json").version;
const STACK_TYPE = "pulumi:pulumi:Stack";
const LEVELS: Record<number, "advisory" | "mandatory"> = {
    [analyzerPb.EnforcementLevel.ADVISORY]: "advisory",
    [analyzerPb.EnforcementLevel.MANDATORY]: "mandatory",
};

/** Resolves each rule's level and properties from a pack config (per-rule entries over "all"). */
export function ruleSettings(config: PackConfig = {}): Map<string, RuleSettings> {
    const known = new Set(RULES.map((r) => r.name));
    for (const key of Object.keys(config)) {
        if (key !== "all" && !known.has(key)) {
            throw new Error(`policy pack config names an unknown policy "${key}" (known: all, ${[...known].join(", ")})`);
        }
    }
    const split = (v: PackConfig[string] | undefined): RuleSettings => {
        if (v === undefined) {
            return {};
        }
        if (typeof v === "string") {
            return { enforcementLevel: v };
        }
        const { enforcementLevel, ...properties } = v;
        return { enforcementLevel, properties };
    };
    const all = split(config.all);
    const out = new Map<string, RuleSettings>();
    for (const rule of RULES) {
        const own = split(config[rule.name]);
        out.set(rule.name, { enforcementLevel: own.enforcementLevel ?? all.enforcementLevel, properties: own.properties });
    }
    return out;
}

/** A set of policies ready for the analyzer handlers, built once and reused. */
export interface PolicySet {
    policies: Policy[];
    /** Per resource type: the analyze handler over the resource policies that judge it (undefined: none do). */
    resource: Map<string, RpcFun | undefined>;
    /** Resource policies by the types they judge; `anyType` judge every type. */
    byType: Map<string, Policy[]>;
    anyType: Policy[];
    /** The analyzeStack handler over the enabled stack policies (undefined: none). */
    stack: RpcFun | undefined;
    /** Types whose props the stack policies read (undefined: all; the others are sent with empty props). */
    stackPropsTypes: Set<string> | undefined;
    /** Rule descriptions (the engine prepends them to messages; violations carry the message alone). */
    descriptions: Map<string, string>;
    /**
     * True when every resource policy reads only `args.type`, `args.props` and `args.getConfig()` (the pack's
     * policies, built by policy/policies.ts). Then a resource whose inputs are plain JSON may skip the
     * analyzer's request round trip; see {@link isPlainJson}.
     */
    direct: boolean;
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
    direct = false,
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
    return {
        policies: enabled,
        resource: new Map(),
        byType,
        anyType,
        stack: stackPolicies.length > 0 ? server.makeAnalyzeStackRpcFun(PACK_NAME, PACK_VERSION, "advisory", stackPolicies) : undefined,
        stackPropsTypes,
        direct,
        descriptions: new Map(policies.map((p) => [p.name, p.description])),
    };
}

function policiesFor(set: PolicySet, type: string): Policy[] {
    const typed = set.byType.get(type) ?? [];
    return set.anyType.length === 0 ? typed : set.policies.filter((p) => typed.includes(p) || set.anyType.includes(p));
}

function resourceAnalyzer(set: PolicySet, type: string): RpcFun | undefined {
    if (!set.resource.has(type)) {
        const policies = policiesFor(set, type);
        set.resource.set(type, policies.length > 0 ? server.makeAnalyzeRpcFun(PACK_NAME, PACK_VERSION, "advisory", policies) : undefined);
    }
    return set.resource.get(type);
}

const packCache = new Map<string, PolicySet>();

/** The pack's policies for a pack config (cached per config). */
function packPolicies(config: PackConfig | undefined): PolicySet {
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

function call(fn: RpcFun, request: unknown): Promise<any> {
    return new Promise((resolve, reject) => {
        fn({ request }, (err, resp) => (err ? reject(err) : resolve(resp))).catch(reject);
    });
}

/**
 * How property maps become `google.protobuf.Struct`s. "encoded": `Struct.fromJavaScript`, as the engine's
 * gRPC client sends them. "direct" (the default): a real Struct whose `toJavaScript()` returns the JSON
 * value itself. The two are equal for JSON values (`fromJavaScript` -> `toJavaScript` is the identity on
 * them; test/policy/engine.spec.ts pins it), and the analyzer only ever calls `toJavaScript()` and then
 * copies the value, so "direct" skips an encode/decode round trip per resource and per policy.
 */
export enum StructMode {
    Encoded = "encoded",
    Direct = "direct",
}

let structMode: StructMode = StructMode.Direct;

/** Selects how property maps are handed to the analyzer (specs compare both). */
export function setStructMode(mode: StructMode): void {
    structMode = mode;
}

function struct(value: Record<string, unknown> | undefined): unknown {
    if (structMode === StructMode.Encoded) {
        return structPb.Struct.fromJavaScript(value ?? {});
    }
    const s = new structPb.Struct();
    const plain = value ?? {};
    s.toJavaScript = () => plain;
    return s;
}

function isProvider(r: EvaluatedResource): boolean {
    return r.type.startsWith("pulumi:providers:");
}

/** The provider resource of a reference `<urn>::<id>`, as the engine sends it. */
function providerMessage(r: EvaluatedResource, byUrn: Map<string, EvaluatedResource>, cache: Map<string, unknown>): unknown {
    if (!r.provider) {
        return undefined;
    }
    const urn = r.provider.split("::").slice(0, -1).join("::");
    if (cache.has(urn)) {
        return cache.get(urn);
    }
    const p = byUrn.get(urn);
    let msg: unknown;
    if (p) {
        msg = new analyzerPb.AnalyzerProviderResource();
        (msg as any).setType(p.type);
        (msg as any).setUrn(p.urn);
        (msg as any).setName(p.name);
        (msg as any).setProperties(struct(p.inputs));
    }
    cache.set(urn, msg);
    return msg;
}

const NO_OPTIONS = new analyzerPb.AnalyzerResourceOptions();

/** Resource options as the engine sends them (the analyzer only reads them; one shared empty message). */
function options(r: EvaluatedResource): unknown {
    if (!r.parent) {
        return NO_OPTIONS;
    }
    const opts = new analyzerPb.AnalyzerResourceOptions();
    opts.setParent(r.parent);
    return opts;
}

const VALIDATION_ERROR = /^Error validating resource with policy '([^']+)' from policy pack '[^']+':\s*(?:\w*Error: )?/;

/** An analyzer error as [policy, reason] (the analyzer keeps the stack trace in the message: dropped). */
function failure(err: unknown): [string, string] {
    const text = (err instanceof Error ? err.message : String(err))
        .split("\n").filter((l) => !/^\s+at /.test(l)).join(" ").replace(/\s+/g, " ").trim();
    const m = VALIDATION_ERROR.exec(text);
    return m ? [m[1], text.slice(m[0].length)] : ["", text];
}

/** Collects why resources could not be judged: one entry per resource, reasons grouped by policy. */
class NotJudged {
    private readonly byUrn = new Map<string, Map<string, string[]>>();

    add(urn: string, policy: string, reason: string): void {
        const reasons = this.byUrn.get(urn) ?? new Map<string, string[]>();
        this.byUrn.set(urn, reasons);
        reasons.set(reason, [...(reasons.get(reason) ?? []), ...(policy ? [policy] : [])]);
    }

    has(urn: string): boolean {
        return this.byUrn.has(urn);
    }

    list(): Verdict["notJudged"] {
        return [...this.byUrn].map(([urn, reasons]) => ({
            urn,
            reason: [...reasons].map(([r, policies]) => (policies.length ? `${policies.join(", ")}: ${r}` : r)).join("; "),
        }));
    }
}

function diagnostics(resp: any, descriptions: Map<string, string>): Violation[] {
    return resp.getDiagnosticsList().map((d: any): Violation => {
        const description = descriptions.get(d.getPolicyname());
        let message: string = d.getMessage();
        if (description && message.startsWith(`${description}\n`)) {
            message = message.slice(description.length + 1);
        }
        return {
            policy: d.getPolicyname(),
            urn: d.getUrn() || undefined,
            enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
            message,
        };
    });
}

const proxyModule = require("@pulumi/policy/proxy");
const SENTINELS = new Set<string>([
    proxyModule.unknownBooleanValue, proxyModule.unknownNumberValue, proxyModule.unknownStringValue,
    proxyModule.unknownArrayValue, proxyModule.unknownAssetValue, proxyModule.unknownArchiveValue, proxyModule.unknownObjectValue,
]);
const SIG_KEY = "4dabf18193072939515e22adb298388d";

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

let directPath = true;

/** Turns the plain-JSON shortcut on or off (the specs compare both paths). */
export function setDirectPath(on: boolean): void {
    directPath = on;
}

const NO_CONFIG = () => ({});
const NO_DEPENDENCIES: readonly unknown[] = Object.freeze([]);
// The pack's policies never call isType/asType (they dispatch on args.type); the analyzer's answer for them
// depends on SDK classes the pack does not load.
const IS_TYPE = () => false;
const AS_TYPE = () => undefined;
const NO_TAGS: ReadonlyMap<string, string> = new Map();

/**
 * Runs the pack's policies on plain-JSON inputs the way the analyzer's handler does: each enabled policy in
 * turn, the policy's level, the reported message (the analyzer prepends the description; we keep the
 * message), a thrown error making the resource not judged by that policy.
 */
function judgeDirect(set: PolicySet, r: EvaluatedResource, found: Violation[], failed: Array<[string, string]>): void {
    for (const p of policiesFor(set, r.type)) {
        const policy = p as unknown as { validateResource: (args: unknown, report: (m: string, urn?: string) => void) => unknown; enforcementLevel?: string };
        const level = (policy.enforcementLevel === "mandatory" || policy.enforcementLevel === "remediate") ? "mandatory" : "advisory";
        const args = {
            type: r.type, props: r.inputs ?? {}, urn: r.urn, name: r.name, opts: {}, stackTags: NO_TAGS,
            getConfig: NO_CONFIG,
            isType: IS_TYPE, asType: AS_TYPE,
            notApplicable: (reason?: string) => { throw new Error(reason ?? "Policy does not apply"); },
        };
        try {
            policy.validateResource(args, (message, urn) => found.push({ policy: p.name, urn: urn || r.urn, enforcementLevel: level, message: message || p.description }));
        } catch (err) {
            failed.push([p.name, String((err as Error)?.message ?? err).replace(/\s+/g, " ").trim()]);
        }
    }
}

/**
 * Runs the pack's stack policies on plain-JSON props the way the analyzer's analyzeStack handler does: the
 * resources with their props, parent, dependencies and property dependencies resolved to resources (built
 * once here, where the analyzer builds them per policy), each enabled stack policy in turn.
 */
function judgeStackDirect(
    set: PolicySet,
    resources: EvaluatedResource[],
    propsOf: (r: EvaluatedResource) => Record<string, unknown>,
    stackUrn: string,
    found: Violation[],
    notJudged: NotJudged,
): void {
    const byUrn = new Map<string, any>();
    const policyResources = resources.map((r) => {
        const pr = {
            type: r.type, props: propsOf(r), urn: r.urn, name: r.name, opts: {},
            parent: undefined as unknown, dependencies: NO_DEPENDENCIES as unknown[], propertyDependencies: {} as Record<string, unknown[]>,
            isType: IS_TYPE, asType: AS_TYPE,
        };
        byUrn.set(r.urn, pr);
        return pr;
    });
    resources.forEach((r, i) => {
        const pr = policyResources[i];
        if (r.parent && byUrn.has(r.parent)) {
            pr.parent = byUrn.get(r.parent);
        }
        if (r.dependencies && r.dependencies.length > 0) {
            pr.dependencies = r.dependencies.map((d) => byUrn.get(d)).filter((d) => d);
        }
        for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
            pr.propertyDependencies[k] = urns.map((d) => byUrn.get(d)).filter((d) => d);
        }
    });
    for (const p of set.policies) {
        if (!("validateStack" in p)) {
            continue;
        }
        const policy = p as unknown as { validateStack: (args: unknown, report: (m: string, urn?: string) => void) => unknown; enforcementLevel?: string };
        const level = policy.enforcementLevel === "mandatory" || policy.enforcementLevel === "remediate" ? "mandatory" : "advisory";
        try {
            policy.validateStack(
                { resources: policyResources, getConfig: NO_CONFIG, stackTags: NO_TAGS, notApplicable: (reason?: string) => { throw new Error(reason ?? "Policy does not apply"); } },
                (message, urn) => found.push({ policy: p.name, urn: urn || stackUrn || undefined, enforcementLevel: level, message: message || p.description }),
            );
        } catch (err) {
            notJudged.add(stackUrn, p.name, String((err as Error)?.message ?? err).replace(/\s+/g, " ").trim());
        }
    }
}

const UNKNOWN_DIAGNOSTIC = /^can't run policy '[^']+' from policy pack '[^']+' during preview: /;

/**
 * Judges `resources` with the pack: every resource (but providers and the stack) through the engine's
 * analyze handler, then the whole set through its analyzeStack handler.
 */
export async function evaluatePack(resources: EvaluatedResource[], options_: EvaluateOptions = {}): Promise<Verdict> {
    return evaluatePolicies(packPolicies(options_.config), resources, options_);
}

/** Judges `resources` with any set of policies, as the engine would (evaluatePack with the pack's). */
export async function evaluatePolicies(a: PolicySet, resources: EvaluatedResource[], options_: EvaluateOptions = {}): Promise<Verdict> {
    const preview = options_.preview ?? false;
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const providers = new Map<string, unknown>();
    const violations: Violation[] = [];
    const notJudged = new NotJudged();
    let judged = 0;

    // Outside a preview every value is known: an unknown is a defect of the input, not a preview skip.
    const keep = (urn: string, found: Violation[]): boolean => {
        const unknown = found.filter((v) => UNKNOWN_DIAGNOSTIC.test(v.message));
        if (!preview && unknown.length > 0) {
            for (const v of unknown) {
                notJudged.add(urn, v.policy, `unknown value outside a preview (${v.message.replace(UNKNOWN_DIAGNOSTIC, "")})`);
            }
            violations.push(...found.filter((v) => !unknown.includes(v)).map((v) => ({ ...v, urn: v.urn ?? (urn || undefined) })));
            return false;
        }
        violations.push(...found.map((v) => ({ ...v, urn: v.urn ?? (urn || undefined) })));
        return true;
    };

    for (const r of resources) {
        if (r.type === STACK_TYPE || isProvider(r)) {
            continue;
        }
        const fn = resourceAnalyzer(a, r.type);
        if (!fn) {
            judged++;
            continue;
        }
        if (a.direct && directPath && isPlainJson(r.inputs ?? {})) {
            const failed: Array<[string, string]> = [];
            judgeDirect(a, r, violations, failed);
            failed.forEach(([policy, why]) => notJudged.add(r.urn, policy, why));
            if (failed.length === 0) {
                judged++;
            }
            continue;
        }
        const req = new analyzerPb.AnalyzeRequest();
        req.setType(r.type);
        req.setUrn(r.urn);
        req.setName(r.name);
        req.setProperties(struct(r.inputs));
        req.setOptions(options(r));
        const provider = providerMessage(r, byUrn, providers);
        if (provider) {
            req.setProvider(provider);
        }
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
                    const one = server.makeAnalyzeRpcFun(PACK_NAME, PACK_VERSION, "advisory", [policy]);
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

    if (!a.stack) {
        return { judged, violations, notJudged: notJudged.list() };
    }
    const stackUrn = resources.find((r) => r.type === STACK_TYPE)?.urn ?? "";
    const readsProps = a.stackPropsTypes;
    const propsOf = (r: EvaluatedResource) => (!readsProps || readsProps.has(r.type) ? (r.outputs ?? r.inputs ?? {}) : {});
    if (a.direct && directPath && resources.every((r) => isPlainJson(propsOf(r)))) {
        judgeStackDirect(a, resources, propsOf, stackUrn, violations, notJudged);
        return { judged, violations, notJudged: notJudged.list() };
    }
    const stackReq = new analyzerPb.AnalyzeStackRequest();
    stackReq.setResourcesList(resources.map((r) => {
        const m = new analyzerPb.AnalyzerResource();
        m.setType(r.type);
        m.setUrn(r.urn);
        m.setName(r.name);
        m.setProperties(struct(propsOf(r)));
        m.setOptions(options(r));
        if (r.parent) {
            m.setParent(r.parent);
        }
        m.setDependenciesList(r.dependencies ?? []);
        const deps = m.getPropertydependenciesMap();
        for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
            const d = new analyzerPb.AnalyzerPropertyDependencies();
            d.setUrnsList(urns);
            deps.set(k, d);
        }
        const provider = providerMessage(r, byUrn, providers);
        if (provider) {
            m.setProvider(provider);
        }
        return m;
    }));
    try {
        keep(stackUrn, diagnostics(await call(a.stack, stackReq), a.descriptions));
    } catch (err) {
        const [name, why] = failure(err);
        notJudged.add(stackUrn, name, why);
    }
    return { judged, violations, notJudged: notJudged.list() };
}
