/**
 * The shipped stacks (stacks/Pulumi.<name>.yaml) and their offline synthesis: the stack's config as the
 * Pulumi CLI would pass it (project defaults from Pulumi.yaml, then the stack file, then overrides), the one
 * program of stacks/program.ts under mocks, and StackReferences to a build stack resolved from that build
 * stack's own synthesis (never from a cloud).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { synthesize, type Synthesis } from "./synthesize";

/** The repository root (where Pulumi.yaml is). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** Where the stack config files live (Pulumi.yaml `stackConfigDir`). */
export const STACKS_DIR = path.join(REPO_ROOT, "stacks");

interface ProjectFile {
    name: string;
    config?: Record<string, { default?: unknown } | unknown>;
}

let projectCache: ProjectFile | undefined;

/** Pulumi.yaml, parsed once. */
export function loadProject(): ProjectFile {
    if (!projectCache) {
        const doc = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as ProjectFile;
        if (!doc || typeof doc.name !== "string") {
            throw new Error("Pulumi.yaml: missing the project name");
        }
        projectCache = doc;
    }
    return projectCache;
}

/** The shipped stacks, build stacks first, then the others alphabetically. */
export function listShippedStacks(): string[] {
    const names = fs
        .readdirSync(STACKS_DIR)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((n): n is string => n !== undefined);
    const isBuild = (n: string) => loadStackConfig(n).config[`${loadProject().name}:kind`] === "build";
    return names.sort((a, b) => Number(isBuild(b)) - Number(isBuild(a)) || a.localeCompare(b));
}

/** A stack's config: full keys to the strings the Pulumi CLI hands the program; secret keys listed. */
export interface StackConfig {
    config: Record<string, string>;
    secretKeys: string[];
}

function qualify(key: string, project: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function asConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Reads `stacks/Pulumi.<name>.yaml` over the project defaults. Encrypted values (`secure:`) cannot be read
 * offline: they are passed as the placeholder `[secret]` and listed as secret keys.
 */
export function loadStackConfig(name: string, overrides: Record<string, string> = {}): StackConfig {
    const project = loadProject();
    const file = path.join(STACKS_DIR, `Pulumi.${name}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(
            `stack "${name}": no ${path.relative(REPO_ROOT, file)} (shipped stacks: ${listStackFiles().join(", ")})`,
        );
    }
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, schema] of Object.entries(project.config ?? {})) {
        if (schema && typeof schema === "object" && "default" in (schema as object)) {
            config[qualify(key, project.name)] = asConfigString((schema as { default: unknown }).default);
        }
    }
    const doc = (YAML.parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        const full = qualify(key, project.name);
        if (value && typeof value === "object" && "secure" in (value as object)) {
            config[full] = "[secret]";
            secretKeys.push(full);
        } else {
            config[full] = asConfigString(value);
        }
    }
    for (const [key, value] of Object.entries(overrides)) {
        config[qualify(key, project.name)] = value;
    }
    return { config, secretKeys };
}

function listStackFiles(): string[] {
    return fs.readdirSync(STACKS_DIR).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
}

/** Options of {@link synthesizeStack}. */
export interface SynthesizeStackOptions {
    /** Config overrides, `key` or `project:key` to string value (as `--config KEY=VALUE`). */
    config?: Record<string, string>;
    /** Synthesize as a preview. */
    preview?: boolean;
    /** Syntheses already made in this process (the build stack is synthesized once for all env stacks). */
    cache?: Map<string, Synthesis>;
}

/** Loads the program of every shipped stack (stacks/program.ts), once. */
function loadProgram(): () => Promise<Record<string, unknown>> {
    // Loaded lazily so that listing stacks does not load every provider SDK.
    return require(path.join(STACKS_DIR, "program")).program;
}

/**
 * Outputs of the stacks other stacks reference (the build stack), synthesized once per process and mode: they
 * depend only on the referenced stack's own config and the checkout, never on the referencing stack.
 */
const referencedOutputs = new Map<string, Record<string, unknown>>();

/**
 * Synthesizes a shipped stack under mocks. A StackReference to another shipped stack (by its last name
 * segment, e.g. `organization/immutable/build`) resolves to that stack's synthesized outputs.
 */
export async function synthesizeStack(name: string, options: SynthesizeStackOptions = {}): Promise<Synthesis> {
    const cache = options.cache ?? new Map<string, Synthesis>();
    const project = loadProject();
    const { config, secretKeys } = loadStackConfig(name, options.config ?? {});
    const stackOutputs: Record<string, Record<string, unknown>> = {};
    if (config[`${project.name}:kind`] !== "build") {
        for (const other of listShippedStacks()) {
            if (other !== name && loadStackConfig(other).config[`${project.name}:kind`] === "build") {
                const key = `${other}${options.preview ? " (preview)" : ""}`;
                if (!cache.has(key) && !referencedOutputs.has(key)) {
                    const built = await synthesizeStack(other, { preview: options.preview, cache });
                    referencedOutputs.set(key, built.outputs);
                }
                stackOutputs[other] = cache.get(key)?.outputs ?? referencedOutputs.get(key)!;
            }
        }
    }
    const result = await synthesize(loadProgram(), {
        project: project.name,
        stack: name,
        config,
        secretKeys,
        preview: options.preview,
        stackOutputs,
    });
    if (!options.config || Object.keys(options.config).length === 0) {
        cache.set(`${name}${options.preview ? " (preview)" : ""}`, result);
    }
    return result;
}
