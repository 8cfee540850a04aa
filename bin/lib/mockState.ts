/**
 * What the offline synthesis answers for each resource and provider function: the outputs a real provider would
 * compute (ids, ARNs, names, URLs, endpoints, DNS names, IPs, digests) and the results of the data sources
 * programs commonly call, derived deterministically from the inputs so that two syntheses of the same program
 * register identical state. The tables live per provider in bin/lib/plan/fakes/; add yours beside the others.
 *
 * A resource's outputs are, in order: its inputs; for each output-only property of its SDK class (the
 * properties the generated constructor sets to `undefined /*out*\/`), the provider's pattern (`arn`, `*Arn`,
 * `*Endpoint`, `selfLink`, `principalId`...); Pulumi's auto-name; the type's table entry; the `--fakes` file.
 * What is left without a value, and calls without an answer, are reported as gaps (never a crash).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { AWS_CALLS, AWS_RESOURCES, awsId, awsPattern } from "./plan/fakes/aws";
import { AZURE_CALLS, AZURE_RESOURCES, azureId, azurePattern } from "./plan/fakes/azure";
import { parseToken } from "./plan/fakes/common";
import type { CallFake, FakeContext, OutputPattern, Outputs, ResourceFake } from "./plan/fakes/common";
import { autoName } from "./plan/fakes/stable";
import { GCP_CALLS, GCP_RESOURCES, gcpId, gcpPattern } from "./plan/fakes/gcp";
import { GENERATED_CALLS, GENERATED_RESOURCES } from "./plan/fakes/generated";

export { MOCK_IDENTITY, fakeContext, type FakeContext } from "./plan/fakes/common";
export { stableHash } from "./plan/fakes/stable";

/** Computed outputs per resource type token (merged over the inputs). */
export const RESOURCE_STATE: Record<string, ResourceFake> = {
    ...AWS_RESOURCES,
    ...GCP_RESOURCES,
    ...AZURE_RESOURCES,
    ...GENERATED_RESOURCES,
};

/** Results of provider functions (invokes) by token (merged over the call's arguments). */
export const CALL_RESULT: Record<string, CallFake> = {
    ...AWS_CALLS,
    ...GCP_CALLS,
    ...AZURE_CALLS,
    ...GENERATED_CALLS,
};

/** Output-only properties by name, per provider. */
const PATTERNS: Record<string, OutputPattern> = { aws: awsPattern, gcp: gcpPattern, "azure-native": azurePattern };

/** Physical ids per provider. */
const IDS: Record<string, (type: string, name: string, inputs: Record<string, any>, ctx: FakeContext) => string> = {
    aws: awsId,
    gcp: gcpId,
    "azure-native": azureId,
};

/** What the SDK class of a resource type declares: its input properties and its output-only properties. */
export interface TypeShape {
    inputs: string[];
    outputsOnly: string[];
    /** The declared TypeScript type of each output (`string`, `number | undefined`, `string[]`...), when found. */
    types: Record<string, string>;
}

const NODE_MODULES_DIR = `${path.sep}node_modules${path.sep}`;
const PULUMI_CORE = `${path.sep}@pulumi${path.sep}pulumi${path.sep}`;

let byFile: { size: number; index: Map<string, string[]> } | undefined;

/** Loaded modules by lower-case file name, rebuilt when modules were loaded since. */
function modulesByFile(): Map<string, string[]> {
    const keys = Object.keys(require.cache);
    if (!byFile || byFile.size !== keys.length) {
        const index = new Map<string, string[]>();
        for (const k of keys) {
            const base = path.basename(k).toLowerCase();
            index.set(base, [...(index.get(base) ?? []), k]);
        }
        byFile = { size: keys.length, index };
    }
    return byFile.index;
}

/** The declared output types of a class, from the `.d.ts` beside the module that exports it. */
function declaredTypes(ctor: Function, sdkPackage: string | undefined): Record<string, string> {
    const types: Record<string, string> = {};
    const cache = require.cache;
    // Generated SDKs put class `FooBar` in `.../fooBar.js` (any case) of the SDK package: only those are read,
    // and only their exports are looked at (reading another module's exports can load it: lazy SDK indexes).
    const sdk = sdkPackage ? `${path.sep}${sdkPackage.split("/").join(path.sep)}${path.sep}` : NODE_MODULES_DIR;
    const likely = (modulesByFile().get(`${ctor.name.toLowerCase()}.js`) ?? []).filter(
        (k) => k.includes(sdk) && !k.includes(PULUMI_CORE),
    );
    for (const key of likely) {
        const mod = cache[key];
        const exported = mod?.exports;
        if (!exported || (exported !== ctor && exported[ctor.name] !== ctor)) continue;
        let text = "";
        try {
            text = fs.readFileSync(key.replace(/\.js$/, ".d.ts"), "utf8");
        } catch {
            continue;
        }
        // A module index re-exports the class (lazily): its declarations are in the class's own file.
        if (!text.includes(`class ${ctor.name} `)) continue;
        for (const m of text.matchAll(/readonly (\w+)!?: pulumi\.Output<([^>;]*(?:<[^>]*>)?[^>;]*)>;/g))
            types[m[1]] = m[2].trim();
        return types;
    }
    return types;
}

const shapes = new WeakMap<object, TypeShape | null>();

/**
 * The shape of a generated resource class, read from its constructor's source: the creation branch assigns
 * `resourceInputs["x"] = args?.x` for inputs and `resourceInputs["y"] = undefined /*out*\/` for output-only
 * properties (Pulumi's Node.js code generator, every provider). Undefined for hand-written classes.
 */
export function shapeOf(ctor: unknown, type?: string): TypeShape | undefined {
    if (typeof ctor !== "function") return undefined;
    const known = shapes.get(ctor);
    if (known !== undefined) return known ?? undefined;
    let shape: TypeShape | null = null;
    const source = Function.prototype.toString.call(ctor);
    if (source.includes("/*out*/")) {
        const inputs = new Set<string>();
        const outputsOnly = new Set<string>();
        for (const branch of source.split(/\}\s*else\s*\{/)) {
            if (!/\bargs(\?\.| \? args\.)/.test(branch)) continue;
            for (const m of branch.matchAll(/resourceInputs\["(\w+)"\] = ([^;]*);/g)) {
                if (/^undefined \/\*out\*\/$/.test(m[2])) outputsOnly.add(m[1]);
                else inputs.add(m[1]);
            }
        }
        if (inputs.size + outputsOnly.size > 0) {
            shape = {
                inputs: [...inputs],
                outputsOnly: [...outputsOnly],
                types: declaredTypes(ctor as Function, type ? `@pulumi/${parseToken(type).provider}` : undefined),
            };
        }
    }
    shapes.set(ctor, shape);
    return shape ?? undefined;
}

/** Extra answers from a `--fakes` file: static outputs per resource type and static results per function. */
export interface ExtraFakes {
    resources?: Record<string, Outputs>;
    calls?: Record<string, Outputs>;
}

/** The physical id a provider would return for a custom resource. */
export function fakeId(type: string, name: string, inputs: Record<string, any>, ctx: FakeContext): string {
    const provider = parseToken(type).provider;
    return IDS[provider]?.(type, name, inputs, ctx) ?? `${name}-id`;
}

/** A resource's outputs and the output-only properties left without a value. */
export function fakeResource(
    type: string,
    name: string,
    inputs: Record<string, any>,
    ctx: FakeContext,
    shape: TypeShape | undefined,
    extra?: ExtraFakes,
): { state: Outputs; missing: string[] } {
    const provider = parseToken(type).provider;
    const state: Outputs = { ...inputs };
    const pattern = PATTERNS[provider];
    if (shape && pattern) {
        for (const prop of shape.outputsOnly) {
            const value = pattern(type, name, prop, inputs, ctx);
            if (value !== undefined) state[prop] = value;
        }
        // The provider auto-names a resource whose name input is unset (https://www.pulumi.com/docs/iac/concepts/resources/names/#autonaming).
        if ((provider === "aws" || provider === "gcp") && shape.inputs.includes("name") && inputs.name === undefined) {
            state.name = provider === "gcp" ? autoName(name).toLowerCase() : autoName(name);
        }
    }
    Object.assign(state, RESOURCE_STATE[type]?.(name, inputs, ctx) ?? {}, extra?.resources?.[type] ?? {});
    const missing: string[] = [];
    for (const prop of shape?.outputsOnly ?? []) {
        if (state[prop] !== undefined) continue;
        const declared = shape!.types[prop];
        const zero = declared === undefined ? undefined : zeroOf(declared);
        if (zero !== undefined) state[prop] = zero;
        else if (declared === undefined || !/\|\s*undefined$/.test(declared)) missing.push(prop);
    }
    return { state, missing };
}

/**
 * The empty value of a declared output type: lists, maps and objects empty, numbers 0, booleans false. Strings
 * have no plausible empty value (an id, a URL...): those are left to the patterns, or reported. An optional
 * output (`T | undefined`) left unset is what a provider may answer, so it is not reported either.
 */
function zeroOf(declared: string): unknown {
    if (/\|\s*undefined$/.test(declared)) return undefined;
    if (/\[\]$/.test(declared)) return [];
    if (declared === "number") return 0;
    if (declared === "boolean") return false;
    if (declared.startsWith("{") || declared.startsWith("outputs.")) return {};
    return undefined;
}

/** A function's result (over its arguments), or undefined when nothing answers it. */
export function fakeCall(
    token: string,
    inputs: Record<string, any>,
    ctx: FakeContext,
    extra?: ExtraFakes,
): Outputs | undefined {
    const fn = CALL_RESULT[token];
    const fixed = extra?.calls?.[token];
    if (!fn && !fixed) return undefined;
    return { ...inputs, ...(fn ? fn(inputs, ctx) : {}), ...(fixed ?? {}) };
}
