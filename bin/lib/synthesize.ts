/**
 * Offline synthesis: runs a Pulumi program under the SDK's mock monitor and records every registration the
 * engine would receive (URN, type, parent, inputs, outputs, dependencies), in the engine's wire format (secrets
 * and unknowns keep their signatures) so the policy pack's offline evaluator sees what the engine sees.
 *
 * Each run gets its own async-local runtime store, so one process can synthesize many stacks in turn
 * (tests, `bin/immutable plan`, the benchmarks).
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor, type MockCallArgs, type MockResourceArgs } from "@pulumi/pulumi/runtime/mocks";
// Internal runtime entry points (marked @internal, so absent from the typings): an async-local store per
// synthesis, the mock monitor's installation, and waiting for outstanding registrations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings: {
    setMockOptions(m: MockMonitor, project: string, stack: string, preview: boolean, org: string): void;
    waitForRPCs(): Promise<void>;
} = require("@pulumi/pulumi/runtime/settings");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state: {
    withLocalStorage<T>(fn: () => Promise<T>): Promise<T>;
    getStore(): Record<string, unknown>;
} = require("@pulumi/pulumi/runtime/state");
import {
    fakeCall,
    fakeContext,
    fakeId,
    fakeResource,
    shapeOf,
    MOCK_IDENTITY,
    type ExtraFakes,
    type FakeContext,
    type TypeShape,
} from "./mockState";
import { installStackFormatter } from "./plan/stackTraces";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggableModule: object = require("@pulumi/pulumi/runtime/debuggable");
import { HTTP_FAKES } from "./plan/fakes/http";
import { SECRET_SIG, SIG_KEY } from "../../policy/wire";

/** One registration, as the engine would record it. Property maps are in the engine's wire format. */
export interface SynthesizedResource {
    urn: string;
    type: string;
    name: string;
    /** True for custom (provider) resources, false for components and the stack. */
    custom: boolean;
    parent?: string;
    provider?: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** Component outputs passed to registerOutputs (components and the stack only). */
    registeredOutputs?: Record<string, unknown>;
}

/** One provider function call. */
export interface SynthesizedInvoke {
    token: string;
    inputs: Record<string, unknown>;
}

/** Something the offline synthesis could not answer faithfully: reported, never a crash. */
export interface Gap {
    /** `invoke`: a function without an offline answer; `resource`: output-only properties left without a value;
     * `component`: a multi-language component (its children are built by a plugin, absent offline); `config`:
     * config that cannot be read offline (encrypted values, ESC environments). */
    kind: "invoke" | "resource" | "component" | "config" | "http";
    /** The function or resource type token (for `config`: the keys or environments). */
    token: string;
    /** The output properties left without a value (`resource`). */
    properties?: string[];
    /** One line: what is missing, what it means, what to do. */
    message: string;
}

/** Outputs of a stack that a StackReference reads. */
export interface ReferencedOutputs {
    outputs: Record<string, unknown>;
    /** Top-level outputs that are secrets. */
    secretOutputNames?: string[];
    /** Where they came from (a planned stack, a file), for the report. */
    source?: string;
}

/** The result of one synthesis. */
export interface Synthesis {
    project: string;
    stack: string;
    /** Registration order, the stack resource first. */
    resources: SynthesizedResource[];
    invokes: SynthesizedInvoke[];
    /** The stack's outputs (plain JavaScript values, secrets unwrapped). */
    outputs: Record<string, unknown>;
    /** Top-level stack outputs that are secrets. */
    secretOutputNames: string[];
    /** What could not be faked (one entry per function / type). */
    gaps: Gap[];
    /** The StackReferences the program read, and where their outputs came from. */
    stackReferences: Array<{ name: string; source: string }>;
}

/** Thrown (and set on the error a synthesis rejects with) when a StackReference names a stack without outputs. */
export class MissingStackReference extends Error {
    constructor(readonly reference: string) {
        super(
            `StackReference "${reference}": no outputs for that stack (not a stack of this project or of a sibling ` +
                `project folder, and no --stack-outputs ${reference}=FILE)`,
        );
    }
}

/** How to synthesize. */
export interface SynthesizeOptions {
    project: string;
    stack: string;
    /** Full config keys (`immutable:version`) to string values, as in `Pulumi.<stack>.yaml`. */
    config?: Record<string, string>;
    /** Config keys that are secrets. */
    secretKeys?: string[];
    /** Run as a preview (`pulumi preview`) rather than an update. */
    preview?: boolean;
    /** Outputs of the stacks a `StackReference` may name (`org/project/stack` or `stack`). */
    stackOutputs?: Record<string, Record<string, unknown>>;
    /** Resolves a StackReference not in `stackOutputs` (undefined: unknown stack). */
    resolveStackReference?: (name: string) => ReferencedOutputs | undefined;
    /** Extra computed outputs per type, consulted before the built-in table. */
    resourceState?: Record<string, (name: string, inputs: Record<string, any>) => Record<string, unknown>>;
    /** Static answers from a `--fakes` file. */
    fakes?: ExtraFakes;
}

class RecordingMonitor extends MockMonitor {
    readonly records: SynthesizedResource[] = [];
    readonly byUrn = new Map<string, SynthesizedResource>();
    readonly invokes: SynthesizedInvoke[] = [];
    /** Remote (multi-language) component types registered. */
    readonly remote = new Set<string>();

    constructor(mocks: pulumi.runtime.Mocks) {
        super(mocks);
        // URNs as the engine forms them: a child's type is qualified by its parent's full qualified type,
        // except under the root stack (the SDK's mock prefixes only the last segment, stack included).
        (this as any).newUrn = (parent: string, type: string, name: string): string => {
            if (parent) {
                const parentType = parent.split("::")[2];
                if (parentType !== "pulumi:pulumi:Stack") {
                    type = `${parentType}$${type}`;
                }
            }
            return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${type}::${name}`;
        };
    }

    override async registerResource(req: any, callback: (err: any, resp: any) => void): Promise<void> {
        if (!req.getCustom() && typeof req.getRemote === "function" && req.getRemote()) {
            this.remote.add(req.getType());
        }
        await super.registerResource(req, (err: any, resp: any) => {
            if (!err && resp) {
                this.record(
                    req,
                    resp.getUrn(),
                    withId(resp.getObject()?.toJavaScript() ?? {}, resp.getId()),
                    req.getCustom(),
                );
            }
            callback(err, resp);
        });
    }

    override async readResource(req: any, callback: (err: any, resp: any) => void): Promise<void> {
        await super.readResource(req, (err: any, resp: any) => {
            if (!err && resp) {
                this.record(req, resp.getUrn(), withId(resp.getProperties()?.toJavaScript() ?? {}, req.getId()), true);
            }
            callback(err, resp);
        });
    }

    override async invoke(req: any, callback: (err: any, resp: any) => void): Promise<void> {
        if (req.getTok() !== "pulumi:pulumi:getResource") {
            this.invokes.push({ token: req.getTok(), inputs: req.getArgs()?.toJavaScript() ?? {} });
        }
        return super.invoke(req, callback);
    }

    override registerResourceOutputs(req: any, callback: (err: any, resp: any) => void): void {
        const rec = this.byUrn.get(req.getUrn());
        if (rec) {
            rec.registeredOutputs = req.getOutputs()?.toJavaScript() ?? {};
        }
        super.registerResourceOutputs(req, callback);
    }

    private record(req: any, urn: string, outputs: Record<string, unknown>, custom: boolean): void {
        const propertyDependencies: Record<string, string[]> = {};
        const propDeps =
            typeof req.getPropertydependenciesMap === "function" ? req.getPropertydependenciesMap() : undefined;
        propDeps?.forEach((v: any, k: string) => {
            propertyDependencies[k] = v.getUrnsList();
        });
        const inputs =
            (typeof req.getObject === "function" ? req.getObject() : req.getProperties())?.toJavaScript() ?? {};
        const rec: SynthesizedResource = {
            urn,
            type: req.getType(),
            name: req.getName(),
            custom,
            parent: req.getParent() || undefined,
            provider: req.getProvider() || undefined,
            inputs,
            outputs,
            dependencies: typeof req.getDependenciesList === "function" ? req.getDependenciesList() : [],
            propertyDependencies,
        };
        this.records.push(rec);
        this.byUrn.set(urn, rec);
    }
}

/** A custom resource's outputs carry its id, as in the engine's state. */
function withId(outputs: Record<string, unknown>, id: string | undefined): Record<string, unknown> {
    return id && outputs.id === undefined ? { ...outputs, id } : outputs;
}

/** Per synthesis: the shapes of the SDK classes seen, the gaps met, the references read. */
class MockSession {
    readonly shapes = new Map<string, TypeShape>();
    readonly gaps = new Map<string, Gap>();
    readonly references: Array<{ name: string; source: string }> = [];
    readonly missingReferences = new Set<string>();
    private readonly contexts = new Map<string, FakeContext>();
    monitor?: RecordingMonitor;

    constructor(readonly options: SynthesizeOptions) {}

    /** The context of a resource or call: its explicit provider's config, else the stack's. */
    context(providerRef: string | undefined): FakeContext {
        const key = providerRef ?? "";
        let ctx = this.contexts.get(key);
        if (!ctx) {
            const config = this.options.config ?? {};
            const provider = providerRef
                ? this.monitor?.byUrn.get(providerRef.split("::").slice(0, -1).join("::"))
                : undefined;
            const pkg = provider?.type.replace(/^pulumi:providers:/, "");
            ctx = fakeContext(this.options.project, this.options.stack, (k) => {
                const [ns, name] = k.split(":");
                const own = pkg === ns ? provider?.inputs[name] : undefined;
                return typeof own === "string" ? own : config[k];
            });
            this.contexts.set(key, ctx);
        }
        return ctx;
    }

    gap(key: string, gap: Gap): void {
        if (!this.gaps.has(key)) this.gaps.set(key, gap);
    }

    mocks(): pulumi.runtime.Mocks {
        const options = this.options;
        return {
            newResource: (args: MockResourceArgs): { id: string | undefined; state: Record<string, any> } => {
                if (args.type === "pulumi:pulumi:StackReference") {
                    const name = String(args.inputs.name ?? args.name);
                    const given = options.stackOutputs?.[name] ?? options.stackOutputs?.[name.split("/").pop()!];
                    const found: ReferencedOutputs | undefined = given
                        ? { outputs: given, source: "given" }
                        : options.resolveStackReference?.(name);
                    if (!found) {
                        this.missingReferences.add(name);
                        throw new MissingStackReference(name);
                    }
                    this.references.push({ name, source: found.source ?? "given" });
                    return {
                        id: name,
                        state: { name, outputs: found.outputs, secretOutputNames: found.secretOutputNames ?? [] },
                    };
                }
                if (args.custom === false) {
                    return { id: undefined, state: { ...args.inputs } };
                }
                const ctx = this.context(args.provider);
                const custom = options.resourceState?.[args.type];
                const { state, missing } = fakeResource(
                    args.type,
                    args.name,
                    args.inputs,
                    ctx,
                    this.shapes.get(args.type),
                    options.fakes,
                );
                if (custom) Object.assign(state, custom(args.name, args.inputs));
                const unanswered = missing.filter((p) => state[p] === undefined);
                if (unanswered.length > 0 && !args.type.startsWith("pulumi:providers:")) {
                    this.gap(`resource ${args.type}`, {
                        kind: "resource",
                        token: args.type,
                        properties: unanswered,
                        message:
                            `${args.type}: no offline value for output${unanswered.length > 1 ? "s" : ""} ${unanswered.join(", ")}; ` +
                            `the program's use of ${unanswered.length > 1 ? "them" : "it"} may be wrong; give values with --fakes FILE or file an issue`,
                    });
                }
                // The id of a resource named by its provider is that name (the auto-name in `state`).
                const id = args.id || fakeId(args.type, args.name, state, ctx);
                return { id, state };
            },
            call: (args: MockCallArgs): Record<string, any> => {
                const result = fakeCall(args.token, args.inputs, this.context(args.provider), options.fakes);
                if (result) return result;
                this.gap(`invoke ${args.token}`, {
                    kind: "invoke",
                    token: args.token,
                    message:
                        `${args.token}: no offline answer (its arguments are echoed back); the program's use of its ` +
                        "result may be wrong; give one with --fakes FILE or file an issue",
                });
                return { ...args.inputs };
            },
        };
    }

    /** Reads the output-only properties of each SDK class as resources are constructed (see mockState.shapeOf). */
    recordShapes(): void {
        pulumi.runtime.registerStackTransformation((args) => {
            if (!this.shapes.has(args.type)) {
                let ctor: unknown = (args.resource as object).constructor;
                for (let depth = 0; depth < 4 && typeof ctor === "function"; depth++) {
                    const shape = shapeOf(ctor, args.type);
                    if (shape) {
                        this.shapes.set(args.type, shape);
                        break;
                    }
                    ctor = Object.getPrototypeOf(ctor);
                }
            }
            return undefined;
        });
    }

    /** Replaces `fetch` while the program runs: the documented exchanges answered, any other request refused. */
    offlineFetch(): () => void {
        const original = globalThis.fetch;
        globalThis.fetch = (async (input: unknown, init?: { method?: string; body?: unknown }) => {
            const url = typeof input === "string" ? input : String((input as { url?: string })?.url ?? input);
            const method = (init?.method ?? "GET").toUpperCase();
            const fake = HTTP_FAKES.find((f) => f.method === method && f.url.test(url));
            if (fake) {
                const { status, body, contentType } = fake.answer(url, String(init?.body ?? ""));
                return new Response(body, { status, headers: { "content-type": contentType ?? "text/plain" } });
            }
            const host = url.replace(/^(\w+:\/\/[^/]+).*$/, "$1");
            this.gap(`http ${method} ${host}`, {
                kind: "http",
                token: `${method} ${host}`,
                message: `${method} ${url}: the program calls the network while it runs; offline there is none (the call failed); file an issue to have it answered`,
            });
            throw new TypeError(`fetch failed: no network during an offline plan (${method} ${url})`);
        }) as typeof fetch;
        return () => {
            globalThis.fetch = original;
        };
    }

    remoteGaps(): void {
        for (const type of this.monitor?.remote ?? []) {
            this.gap(`component ${type}`, {
                kind: "component",
                token: type,
                message:
                    `${type}: a multi-language component (a plugin builds its children): offline it has no children ` +
                    "and its outputs are its inputs; plan the resources it wraps directly, or file an issue",
            });
        }
    }
}

/**
 * The runtime's bookkeeping for the engine's diagnostics, which a mock monitor never reads: a full stack trace
 * per resource (its source position, `Resource.stackTrace`) and a debug trace plus a leak-detector entry per
 * promise (`debuggablePromise`, read only when PULUMI_DEBUG_PROMISE_LEAKS is set). Capturing them is a third
 * of a synthesis; they are skipped while a synthesis runs, and restored after.
 */
function skipRuntimeBookkeeping(): () => void {
    if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return () => undefined;
    const resource = pulumi.Resource as unknown as { stackTrace?: (skip?: number) => unknown[] };
    const debuggable = debuggableModule as {
        debuggablePromise: (p: Promise<unknown>, ctx: unknown) => Promise<unknown>;
    };
    const stackTrace = resource.stackTrace;
    const debuggablePromise = debuggable.debuggablePromise;
    if (typeof stackTrace === "function") resource.stackTrace = () => [];
    debuggable.debuggablePromise = (p) => p;
    return () => {
        if (typeof stackTrace === "function") resource.stackTrace = stackTrace;
        debuggable.debuggablePromise = debuggablePromise;
    };
}

/**
 * A program fails as under Pulumi's Node runner (@pulumi/pulumi/cmd/run/run.js): by throwing, or by an error
 * nobody awaits (an unhandled rejection, e.g. thrown in an `apply` callback, or an uncaught exception). While a
 * synthesis runs, such an error fails it. Once it failed, the runtime rejects the same error again, or a
 * wrapping of it ("failed to read resource ...: <message>"), on promises nobody awaits, sometimes after the
 * synthesis has returned: those echoes are dropped. Any other unhandled rejection outside a synthesis is
 * rethrown as Node would.
 */
const failures = new WeakSet<object>();
const recentFailures: string[] = [];
let echoListener = false;
/** The synthesis running now (syntheses run one at a time), failed by an error nobody awaits. */
let running: { fail(reason: unknown): void } | undefined;

function remember(message: string): void {
    if (message.trim() === "") return;
    recentFailures.push(message.split("\n")[0]);
    if (recentFailures.length > 50) recentFailures.shift();
}

function isEcho(reason: unknown): boolean {
    if (reason && typeof reason === "object" && failures.has(reason)) return true;
    const message = String((reason as { message?: unknown })?.message ?? reason).split("\n")[0];
    return recentFailures.some((m) => message === m || message.endsWith(`: ${m}`));
}

function listenForEchoes(): void {
    if (echoListener) return;
    echoListener = true;
    process.on("unhandledRejection", (reason: unknown) => {
        if (isEcho(reason)) return;
        if (running) {
            running.fail(reason);
            return;
        }
        setImmediate(() => {
            if (!isEcho(reason)) throw reason;
        });
    });
}

/** How long a synthesis may take before it is reported as stuck (IMMUTABLE_PLAN_TIMEOUT seconds, default 120). */
function timeoutSeconds(): number {
    const configured = Number(process.env.IMMUTABLE_PLAN_TIMEOUT);
    return Number.isFinite(configured) && configured > 0 ? configured : 120;
}

/**
 * Runs `program` (a Pulumi program: registers resources, returns the stack outputs) under mocks.
 * Errors thrown by the program, or logged by the runtime as errors, reject the promise.
 */
export async function synthesize(
    program: () => Promise<Record<string, unknown> | void> | Record<string, unknown> | void,
    options: SynthesizeOptions,
): Promise<Synthesis> {
    listenForEchoes();
    // The runtime captures a stack trace for every promise and every resource (debug bookkeeping and source
    // positions the mock monitor never reads): those are not formatted, and the program's own frames are
    // mapped to its TypeScript sources (bin/lib/plan/stackTraces.ts).
    const restoreStackTraces = installStackFormatter();
    const restoreBookkeeping = skipRuntimeBookkeeping();
    const session = new MockSession(options);
    const restoreFetch = session.offlineFetch();
    // An error nobody awaits fails the synthesis; a synthesis that never settles (a promise waiting on
    // itself) fails after the timeout instead of letting the process exit with its work undone.
    let fail: (reason: unknown) => void = () => undefined;
    const failed = new Promise<never>((_resolve, reject) => (fail = reject));
    const previous = running;
    running = { fail };
    const onUncaught = (err: unknown) => fail(err);
    process.on("uncaughtException", onUncaught);
    const seconds = timeoutSeconds();
    const timer = setTimeout(
        () => fail(new Error(`the program did not finish within ${seconds} s (a promise that never settles?)`)),
        seconds * 1000,
    );
    try {
        const synthesis = await Promise.race([state.withLocalStorage(() => run(program, options, session)), failed]);
        // Callbacks still queued (an `apply` whose value just resolved) run before the program counts as done,
        // as the runner waits for the event loop to empty: an error they throw fails the synthesis.
        for (let i = 0; i < 3; i++) await Promise.race([new Promise((resolve) => setImmediate(resolve)), failed]);
        return synthesis;
    } catch (err) {
        if (err && typeof err === "object") {
            failures.add(err);
            if (session.missingReferences.size > 0) {
                // The planner plans the referenced stack and runs the program again: no trace needed.
                (err as { missingStackReferences?: string[] }).missingStackReferences = [...session.missingReferences];
            } else {
                void (err as { stack?: unknown }).stack; // formatted now, with the program's positions
            }
        }
        remember(String((err as { message?: unknown })?.message ?? err));
        for (const name of session.missingReferences) remember(new MissingStackReference(name).message);
        await new Promise((resolve) => setImmediate(resolve)); // let the echoes arrive
        throw err;
    } finally {
        clearTimeout(timer);
        process.off("uncaughtException", onUncaught);
        running = previous;
        restoreFetch();
        restoreBookkeeping();
        restoreStackTraces();
    }
}

async function run(
    program: () => Promise<Record<string, unknown> | void> | Record<string, unknown> | void,
    options: SynthesizeOptions,
    session: MockSession,
): Promise<Synthesis> {
    const monitor = new RecordingMonitor(session.mocks());
    session.monitor = monitor;
    settings.setMockOptions(monitor, options.project, options.stack, options.preview ?? false, "organization");
    Object.assign(state.getStore(), {
        supportsSecrets: true,
        supportsResourceReferences: true,
        supportsOutputValues: false,
        supportsDeletedWith: true,
        supportsAliasSpecs: true,
        supportsTransforms: true,
        supportsInvokeTransforms: true,
    });
    pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
    const outputs =
        (await pulumi.runtime.runInPulumiStack(async () => {
            session.recordShapes();
            return (await program()) ?? {};
        })) ?? {};
    await settings.waitForRPCs();
    session.remoteGaps();
    return {
        project: options.project,
        stack: options.stack,
        resources: monitor.records,
        invokes: monitor.invokes,
        outputs: await resolveOutputs(outputs),
        secretOutputNames: secretNames(
            monitor.records.find((r) => r.type === "pulumi:pulumi:Stack")?.registeredOutputs,
        ),
        gaps: [...session.gaps.values()],
        stackReferences: session.references,
    };
}

async function resolveOutputs(value: Record<string, unknown>): Promise<Record<string, unknown>> {
    const resolved = await new Promise<unknown>((resolve) => pulumi.output(value).apply((v) => resolve(v)));
    return (resolved ?? {}) as Record<string, unknown>;
}

/** The stack's outputs that are secrets, from the outputs it registered (wire format keeps the secret signature). */
function secretNames(registered: Record<string, unknown> | undefined): string[] {
    return Object.entries(registered ?? {})
        .filter(([, v]) => !!v && typeof v === "object" && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG)
        .map(([k]) => k);
}

export { MOCK_IDENTITY };
