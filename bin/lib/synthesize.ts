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
import { CALL_RESULT, MOCK_IDENTITY, RESOURCE_STATE } from "./mockState";

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

/** The result of one synthesis. */
export interface Synthesis {
    project: string;
    stack: string;
    /** Registration order, the stack resource first. */
    resources: SynthesizedResource[];
    invokes: SynthesizedInvoke[];
    /** The stack's outputs (plain JavaScript values, secrets unwrapped). */
    outputs: Record<string, unknown>;
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
    /** Extra computed outputs per type, consulted before the built-in table. */
    resourceState?: Record<string, (name: string, inputs: Record<string, any>) => Record<string, unknown>>;
}

class RecordingMonitor extends MockMonitor {
    readonly records: SynthesizedResource[] = [];
    readonly byUrn = new Map<string, SynthesizedResource>();
    readonly invokes: SynthesizedInvoke[] = [];

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
        await super.registerResource(req, (err: any, resp: any) => {
            if (!err && resp) {
                this.record(req, resp.getUrn(), resp.getObject()?.toJavaScript() ?? {}, req.getCustom());
            }
            callback(err, resp);
        });
    }

    override async readResource(req: any, callback: (err: any, resp: any) => void): Promise<void> {
        await super.readResource(req, (err: any, resp: any) => {
            if (!err && resp) {
                this.record(req, resp.getUrn(), resp.getProperties()?.toJavaScript() ?? {}, true);
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

function mocksFor(options: SynthesizeOptions): pulumi.runtime.Mocks {
    return {
        newResource(args: MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
            if (args.type === "pulumi:pulumi:StackReference") {
                const name = String(args.inputs.name ?? args.name);
                const outputs = options.stackOutputs?.[name] ?? options.stackOutputs?.[name.split("/").pop()!];
                if (!outputs) {
                    throw new Error(`StackReference "${name}": no outputs were given for that stack`);
                }
                return { id: name, state: { name, outputs, secretOutputNames: [] } };
            }
            const computed =
                (options.resourceState?.[args.type] ?? RESOURCE_STATE[args.type])?.(args.name, args.inputs) ?? {};
            const id = args.custom === false ? undefined : `${args.name}-id`;
            return { id, state: { ...args.inputs, ...computed } };
        },
        call(args: MockCallArgs): Record<string, any> {
            const fn = CALL_RESULT[args.token];
            return fn ? fn(args.inputs) : { ...args.inputs };
        },
    };
}

/**
 * Runs `program` (a Pulumi program: registers resources, returns the stack outputs) under mocks.
 * Errors thrown by the program, or logged by the runtime as errors, reject the promise.
 */
export async function synthesize(
    program: () => Promise<Record<string, unknown> | void> | Record<string, unknown> | void,
    options: SynthesizeOptions,
): Promise<Synthesis> {
    // When the program throws, the runtime rejects the same error again on promises nobody awaits (the
    // stack's outputs). The caller gets the error once, from this function; those echoes are dropped, and any
    // other unhandled rejection is rethrown as Node would.
    const failures = new WeakSet<object>();
    const onRejection = (reason: unknown) => {
        setImmediate(() => {
            if (!(reason && typeof reason === "object" && failures.has(reason))) {
                throw reason;
            }
        });
    };
    process.on("unhandledRejection", onRejection);
    // The runtime captures a stack trace for every promise and every resource (debug bookkeeping and source
    // positions the mock monitor never reads). Under ts-node each capture goes through source-map-support's
    // prepareStackTrace, which makes a synthesis about 3x slower; V8's own formatting is used meanwhile.
    const prepareStackTrace = Error.prepareStackTrace;
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    try {
        return await state.withLocalStorage(() => run(program, options));
    } catch (err) {
        if (err && typeof err === "object") {
            failures.add(err);
        }
        await new Promise((resolve) => setImmediate(resolve)); // let the echoes arrive while we listen
        throw err;
    } finally {
        Error.prepareStackTrace = prepareStackTrace;
        process.off("unhandledRejection", onRejection);
    }
}

async function run(
    program: () => Promise<Record<string, unknown> | void> | Record<string, unknown> | void,
    options: SynthesizeOptions,
): Promise<Synthesis> {
    const monitor = new RecordingMonitor(mocksFor(options));
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
    const outputs = (await pulumi.runtime.runInPulumiStack(async () => (await program()) ?? {})) ?? {};
    await settings.waitForRPCs();
    return {
        project: options.project,
        stack: options.stack,
        resources: monitor.records,
        invokes: monitor.invokes,
        outputs: await resolveOutputs(outputs),
    };
}

async function resolveOutputs(value: Record<string, unknown>): Promise<Record<string, unknown>> {
    const resolved = await new Promise<unknown>((resolve) => pulumi.output(value).apply((v) => resolve(v)));
    return (resolved ?? {}) as Record<string, unknown>;
}

export { MOCK_IDENTITY };
