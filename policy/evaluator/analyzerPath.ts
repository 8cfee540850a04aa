/**
 * The analyzer path: resources and stacks as real `AnalyzeRequest` / `AnalyzeStackRequest` messages handed to
 * @pulumi/policy's own handlers, the engine's deserialization reused (secrets unwrapped, unknowns guarded), and
 * the diagnostics read back as violations.
 */
import { analyzer } from "./analyzerModules";
import { levelName } from "./config";
import type { EvaluatedResource, Violation } from "./types";

/**
 * How property maps become `google.protobuf.Struct`s. "encoded": `Struct.fromJavaScript`, as the engine's
 * gRPC client sends them. "pass-through" (the default): a real Struct whose `toJavaScript()` returns the JSON
 * value itself. The two are equal for JSON values (`fromJavaScript` -> `toJavaScript` is the identity on
 * them; test/policy/engine.spec.ts pins it), and the analyzer only ever calls `toJavaScript()` and then
 * copies the value, so "pass-through" skips an encode/decode round trip per resource and per policy.
 */
export enum StructMode {
    Encoded = "encoded",
    /** A Struct whose `toJavaScript()` returns the value itself. */
    PassThrough = "pass-through",
}

let structMode: StructMode = StructMode.PassThrough;

/** Selects how property maps are handed to the analyzer (specs compare both). */
export function setStructMode(mode: StructMode): void {
    structMode = mode;
}

export function struct(value: Record<string, unknown> | undefined): unknown {
    if (structMode === StructMode.Encoded) {
        return analyzer().structPb.Struct.fromJavaScript(value ?? {});
    }
    const s = new (analyzer().structPb.Struct)();
    const plain = value ?? {};
    s.toJavaScript = () => plain;
    return s;
}

export function isProvider(r: EvaluatedResource): boolean {
    return r.type.startsWith("pulumi:providers:");
}

/** The provider resource of a reference `<urn>::<id>`, as the engine sends it. */
export function providerMessage(
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
        msg = new (analyzer().analyzerPb.AnalyzerProviderResource)();
        (msg as any).setType(p.type);
        (msg as any).setUrn(p.urn);
        (msg as any).setName(p.name);
        (msg as any).setProperties(struct(p.inputs));
    }
    cache.set(urn, msg);
    return msg;
}

let noOptions: unknown;

/** Resource options as the engine sends them (the analyzer only reads them; one shared empty message). */
export function options(r: EvaluatedResource): unknown {
    if (!r.parent) {
        return (noOptions ??= new (analyzer().analyzerPb.AnalyzerResourceOptions)());
    }
    const opts = new (analyzer().analyzerPb.AnalyzerResourceOptions)();
    opts.setParent(r.parent);
    return opts;
}

const VALIDATION_ERROR = /^Error validating resource with policy '([^']+)' from policy pack '[^']+':\s*(?:\w*Error: )?/;

/** An analyzer error as [policy, reason] (the analyzer keeps the stack trace in the message: dropped). */
export function failure(err: unknown): [string, string] {
    const text = (err instanceof Error ? err.message : String(err))
        .split("\n")
        .filter((l) => !/^\s+at /.test(l))
        .join(" ")
        .replace(/\s+/g, " ")
        .trim();
    const m = VALIDATION_ERROR.exec(text);
    return m ? [m[1], text.slice(m[0].length)] : ["", text];
}

/** The violations of an analyzer response (the message without the rule description the engine prepends). */
export function diagnostics(resp: any, descriptions: Map<string, string>): Violation[] {
    return resp.getDiagnosticsList().map((d: any): Violation => {
        const description = descriptions.get(d.getPolicyname());
        let message: string = d.getMessage();
        if (description && message.startsWith(`${description}\n`)) {
            message = message.slice(description.length + 1);
        }
        return {
            policy: d.getPolicyname(),
            urn: d.getUrn() || undefined,
            enforcementLevel: levelName(d.getEnforcementlevel()),
            message,
        };
    });
}

/** The `AnalyzeRequest` of one resource, as the engine sends it. */
export function resourceRequest(
    r: EvaluatedResource,
    byUrn: Map<string, EvaluatedResource>,
    providers: Map<string, unknown>,
): unknown {
    const req = new (analyzer().analyzerPb.AnalyzeRequest)();
    req.setType(r.type);
    req.setUrn(r.urn);
    req.setName(r.name);
    req.setProperties(struct(r.inputs));
    req.setOptions(options(r));
    const provider = providerMessage(r, byUrn, providers);
    if (provider) {
        req.setProvider(provider);
    }
    return req;
}

/** The `AnalyzeStackRequest` of a stack: every resource with `propsOf` its props, parent and dependencies. */
export function stackRequest(
    resources: EvaluatedResource[],
    propsOf: (r: EvaluatedResource) => Record<string, unknown>,
    byUrn: Map<string, EvaluatedResource>,
    providers: Map<string, unknown>,
): unknown {
    const { analyzerPb } = analyzer();
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
            const provider = providerMessage(r, byUrn, providers);
            if (provider) {
                m.setProvider(provider);
            }
            return m;
        }),
    );
    return stackReq;
}
