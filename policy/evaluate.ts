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
 * Used by the specs and by `bin/immutable plan` / `audit`. Never constructs the PolicyPack.
 */
import * as path from "node:path";
import type { Policy } from "@pulumi/policy";
import { PACK_NAME, RULES } from "./catalog";
import { toPolicy, type RuleSettings } from "./policies";
import { SIG_KEY } from "./wire";

// The analyzer's own modules (internal to @pulumi/policy, stable across 1.x; pinned by test/policy/engine.spec.ts).
const server = require("@pulumi/policy/server") as {
    makeAnalyzeRpcFun(pack: string, version: string, level: string, policies: Policy[]): RpcFun;
    makeAnalyzeStackRpcFun(pack: string, version: string, level: string, policies: Policy[]): RpcFun;
};
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
// The Struct of the google-protobuf copy @pulumi/pulumi's messages are generated against.
const structPb = require(
    require.resolve("google-protobuf/google/protobuf/struct_pb", {
        paths: [path.dirname(require.resolve("@pulumi/pulumi/proto/analyzer_pb"))],
    }),
);

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
            throw new Error(
                `policy pack config names an unknown policy "${key}" (known: all, ${[...known].join(", ")})`,
            );
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
        out.set(rule.name, {
            enforcementLevel: own.enforcementLevel ?? all.enforcementLevel,
            properties: own.properties,
        });
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
    /** Per resource type: the enabled resource policies that judge it, ready for the plain-JSON path (built on first use). */
    directByType: Map<string, DirectPolicy[]>;
}

/** A resource policy as the plain-JSON path calls it: its level resolved once. */
interface DirectPolicy {
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
        stack:
            stackPolicies.length > 0
                ? server.makeAnalyzeStackRpcFun(PACK_NAME, PACK_VERSION, "advisory", stackPolicies)
                : undefined,
        stackPropsTypes,
        direct,
        directByType: new Map(),
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
        set.resource.set(
            type,
            policies.length > 0 ? server.makeAnalyzeRpcFun(PACK_NAME, PACK_VERSION, "advisory", policies) : undefined,
        );
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
function providerMessage(
    r: EvaluatedResource,
    byUrn: Map<string, EvaluatedResource>,
    cache: Map<string, unknown>,
): unknown {
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
        .split("\n")
        .filter((l) => !/^\s+at /.test(l))
        .join(" ")
        .replace(/\s+/g, " ")
        .trim();
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
            reason: [...reasons]
                .map(([r, policies]) => (policies.length ? `${policies.join(", ")}: ${r}` : r))
                .join("; "),
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

let directPath = true;

/** Turns the plain-JSON shortcut on or off (the specs compare both paths). */
export function setDirectPath(on: boolean): void {
    directPath = on;
}

// Shared empty objects of the plain-JSON path (frozen: policies only read what they are handed).
const EMPTY: Record<string, never> = Object.freeze({}) as Record<string, never>;
const NO_CONFIG = () => EMPTY;
const NO_DEPENDENCIES: readonly unknown[] = Object.freeze([]);
// The pack's policies never call isType/asType (they dispatch on args.type); the analyzer's answer for them
// depends on SDK classes the pack does not load.
const IS_TYPE = () => false;
const AS_TYPE = () => undefined;
const NO_TAGS: ReadonlyMap<string, string> = new Map();
const notApplicable = (reason?: string): never => {
    throw new Error(reason ?? "Policy does not apply");
};

function levelOf(policy: Policy): "advisory" | "mandatory" {
    return policy.enforcementLevel === "mandatory" || policy.enforcementLevel === "remediate"
        ? "mandatory"
        : "advisory";
}

function directPolicies(set: PolicySet, type: string): DirectPolicy[] {
    let list = set.directByType.get(type);
    if (!list) {
        list = policiesFor(set, type).map((p) => ({
            name: p.name,
            description: p.description,
            level: levelOf(p),
            policy: p as unknown as DirectPolicy["policy"],
        }));
        set.directByType.set(type, list);
    }
    return list;
}

/**
 * The args of a resource policy on the plain-JSON path: the resource's own fields, and the analyzer's
 * other fields (the same for every resource here) from the prototype.
 */
class DirectArgs {
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
class DirectReporter {
    resource: EvaluatedResource | undefined;
    policy: DirectPolicy | undefined;

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
function judgeDirect(
    set: PolicySet,
    r: EvaluatedResource,
    reporter: DirectReporter,
    failed: Array<[string, string]>,
): void {
    const policies = directPolicies(set, r.type);
    if (policies.length === 0) {
        return;
    }
    const args = new DirectArgs(r.type, r.inputs ?? {}, r.urn, r.name);
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

/** What a stack policy's resource links to: resolved from URNs on first read. */
interface Links {
    parent: StackPolicyResource | undefined;
    dependencies: StackPolicyResource[];
    propertyDependencies: Record<string, StackPolicyResource[]>;
}

/** The resources of one stack evaluation by URN, built on first use (a map of every resource is not free). */
class StackGraph {
    #byUrn: Map<string, StackPolicyResource> | undefined;

    constructor(private readonly all: StackPolicyResource[]) {}

    get(urn: string): StackPolicyResource | undefined {
        if (!this.#byUrn) {
            this.#byUrn = new Map();
            for (const r of this.all) {
                this.#byUrn.set(r.urn, r);
            }
        }
        return this.#byUrn.get(urn);
    }

    /** The resources of `urns` (URNs of no resource of the stack are left out, as the analyzer does). */
    resolve(urns: readonly string[]): StackPolicyResource[] {
        const out: StackPolicyResource[] = [];
        for (const urn of urns) {
            const found = this.get(urn);
            if (found) {
                out.push(found);
            }
        }
        return out;
    }
}

/**
 * A resource as the stack policies see it on the plain-JSON path: the analyzer's PolicyResource (type,
 * props, urn, name, opts, isType, asType, parent, dependencies, propertyDependencies), with parent and
 * dependencies resolved to resources when first read (the same objects on every read). The pack's stack
 * rules read types and props only, so a large stack does not pay for resolving every URN.
 */
class StackPolicyResource {
    readonly type: string;
    readonly props: Record<string, unknown>;
    readonly urn: string;
    readonly name: string;
    readonly #resource: EvaluatedResource;
    readonly #graph: StackGraph;
    #links: Links | undefined;

    constructor(resource: EvaluatedResource, props: Record<string, unknown>, graph: StackGraph) {
        this.type = resource.type;
        this.props = props;
        this.urn = resource.urn;
        this.name = resource.name;
        this.#resource = resource;
        this.#graph = graph;
    }

    get opts(): Record<string, never> {
        return EMPTY;
    }

    get isType(): () => boolean {
        return IS_TYPE;
    }

    get asType(): () => undefined {
        return AS_TYPE;
    }

    get parent(): StackPolicyResource | undefined {
        return this.#resolved().parent;
    }

    get dependencies(): StackPolicyResource[] {
        return this.#resolved().dependencies;
    }

    get propertyDependencies(): Record<string, StackPolicyResource[]> {
        return this.#resolved().propertyDependencies;
    }

    #resolved(): Links {
        if (!this.#links) {
            const r = this.#resource;
            const propertyDependencies: Record<string, StackPolicyResource[]> = {};
            for (const k in r.propertyDependencies ?? {}) {
                propertyDependencies[k] = this.#graph.resolve(r.propertyDependencies![k]);
            }
            this.#links = {
                parent: r.parent ? this.#graph.get(r.parent) : undefined,
                dependencies:
                    r.dependencies && r.dependencies.length > 0
                        ? this.#graph.resolve(r.dependencies)
                        : (NO_DEPENDENCIES as StackPolicyResource[]),
                propertyDependencies,
            };
        }
        return this.#links;
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
    const reporter = new DirectReporter(violations);
    for (let i = 0; i < resources.length; i++) {
        const r = resources[i];
        if (r.type === STACK_TYPE || isProvider(r)) {
            continue;
        }
        const fn = resourceAnalyzer(a, r.type);
        if (!fn) {
            judged++;
            continue;
        }
        if (a.direct && directPath && (r.plainJson === true || isPlainJson(r.inputs ?? {}))) {
            judgeDirect(a, r, reporter, failed);
            if (failed.length === 0) {
                judged++;
            } else {
                failed.forEach(([policy, why]) => notJudged.add(r.urn, policy, why));
                failed.length = 0;
            }
            continue;
        }
        const req = new analyzerPb.AnalyzeRequest();
        req.setType(r.type);
        req.setUrn(r.urn);
        req.setName(r.name);
        req.setProperties(struct(r.inputs));
        req.setOptions(options(r));
        const provider = providerMessage(r, byUrn(), providers);
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
    // Props the stack policies never read are sent empty (one shared empty object on the plain-JSON path).
    const propsOf = (r: EvaluatedResource) =>
        !readsProps || readsProps.has(r.type) ? (r.outputs ?? r.inputs ?? {}) : EMPTY;
    if (a.direct && directPath && resources.every((r) => r.plainJson === true || isPlainJson(propsOf(r)))) {
        judgeStackDirect(a, resources, propsOf, stackUrn, violations, notJudged);
        return { judged, violations, notJudged: notJudged.list() };
    }
    const stackReq = new analyzerPb.AnalyzeStackRequest();
    stackReq.setResourcesList(
        resources.map((r) => {
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
            const provider = providerMessage(r, byUrn(), providers);
            if (provider) {
                m.setProvider(provider);
            }
            return m;
        }),
    );
    try {
        keep(stackUrn, diagnostics(await call(a.stack, stackReq), a.descriptions));
    } catch (err) {
        const [name, why] = failure(err);
        notJudged.add(stackUrn, name, why);
    }
    return { judged, violations, notJudged: notJudged.list() };
}
