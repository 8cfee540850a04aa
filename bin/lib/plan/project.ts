/**
 * A Pulumi project as the Pulumi CLI reads it (https://www.pulumi.com/docs/iac/concepts/projects/project-file/):
 * `Pulumi.yaml` (name, runtime, `main`, `stackConfigDir`, the config schema's defaults and values) and its
 * stacks, one `Pulumi.<stack>.yaml` each under `stackConfigDir`, with the config the CLI would hand the program:
 * project defaults, then the stack file, then `--config` overrides. Encrypted (`secure:`) values cannot be read
 * offline: they are passed as `[secret]` and listed as secret keys.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { InputError } from "../../../components/core/validation";

/** One Pulumi project. */
export interface PulumiProject {
    /** The folder of Pulumi.yaml (the program's working directory). */
    dir: string;
    /** Pulumi.yaml (or Pulumi.yml). */
    file: string;
    name: string;
    /** `runtime` (`nodejs`, `python`...) and its options (`typescript: false`...). */
    runtime: { name: string; options: Record<string, unknown> };
    /** `main`, as written (relative to `dir`), when set. */
    main?: string;
    /** Where the stack files are (absolute). */
    stackConfigDir: string;
    /** Project-level config (schema defaults and values), by full key. */
    defaults: Record<string, string>;
    /** Project config keys declared `secret: true`. */
    secretDefaults: string[];
}

/** A stack's config: full keys to the strings the Pulumi CLI hands the program; secret keys listed. */
export interface StackConfig {
    config: Record<string, string>;
    secretKeys: string[];
    /** The stack file, when the stack has one. */
    file?: string;
    /** Pulumi ESC environments the stack file imports (their values are not available offline). */
    environments: string[];
}

const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.yml"];

/** The project file in `dir`, if any. */
export function projectFileIn(dir: string): string | undefined {
    return PROJECT_FILES.map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
}

/** The nearest folder from `start` upwards that holds a Pulumi.yaml (as the Pulumi CLI looks for it). */
export function findProjectDir(start: string): string | undefined {
    let dir = path.resolve(start);
    for (;;) {
        if (projectFileIn(dir)) return dir;
        const parent = path.dirname(dir);
        if (parent === dir) return undefined;
        dir = parent;
    }
}

interface Cached<T> {
    mtimeMs: number;
    value: T;
}
const projects = new Map<string, Cached<PulumiProject>>();
const stackDocs = new Map<string, Cached<Record<string, unknown>>>();

function readYaml(file: string): unknown {
    try {
        return YAML.parse(fs.readFileSync(file, "utf8"));
    } catch (err: any) {
        throw new InputError(`${file}: not valid YAML (${String(err?.message ?? err).split("\n")[0]})`);
    }
}

function qualify(key: string, project: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function asConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** Reads the project in `dir` (cached while the file is unchanged). Throws InputError for a missing or bad file. */
export function readProject(dir: string): PulumiProject {
    const abs = path.resolve(dir);
    const file = projectFileIn(abs);
    if (!file) {
        throw new InputError(`no Pulumi.yaml in ${abs} (run plan in a Pulumi project folder, or pass --dir DIR)`);
    }
    const mtimeMs = fs.statSync(file).mtimeMs;
    const cached = projects.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached.value;
    const doc = readYaml(file) as Record<string, any> | null;
    if (!doc || typeof doc !== "object" || typeof doc.name !== "string" || doc.name.trim() === "") {
        throw new InputError(`${file}: missing the project name (name: ...)`);
    }
    const runtime =
        typeof doc.runtime === "string"
            ? { name: doc.runtime, options: {} }
            : {
                  name: String(doc.runtime?.name ?? ""),
                  options: (doc.runtime?.options ?? {}) as Record<string, unknown>,
              };
    const defaults: Record<string, string> = {};
    const secretDefaults: string[] = [];
    for (const [key, schema] of Object.entries((doc.config ?? {}) as Record<string, unknown>)) {
        const full = qualify(key, doc.name);
        if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
            defaults[full] = asConfigString(schema); // the short form `key: value`
            continue;
        }
        const s = schema as { default?: unknown; value?: unknown; secret?: unknown };
        if ("value" in s) defaults[full] = asConfigString(s.value);
        else if ("default" in s) defaults[full] = asConfigString(s.default);
        if (s.secret === true) secretDefaults.push(full);
    }
    const project: PulumiProject = {
        dir: abs,
        file,
        name: doc.name,
        runtime,
        main: typeof doc.main === "string" ? doc.main : undefined,
        stackConfigDir: path.resolve(abs, typeof doc.stackConfigDir === "string" ? doc.stackConfigDir : "."),
        defaults,
        secretDefaults,
    };
    projects.set(file, { mtimeMs, value: project });
    return project;
}

/** The stack files of a project: stack name to file. */
function stackFiles(project: PulumiProject): Map<string, string> {
    const found = new Map<string, string>();
    if (!fs.existsSync(project.stackConfigDir)) return found;
    for (const f of fs.readdirSync(project.stackConfigDir)) {
        const m = /^Pulumi\.(.+)\.ya?ml$/.exec(f);
        if (m && !found.has(m[1])) found.set(m[1], path.join(project.stackConfigDir, f));
    }
    return found;
}

/** The project's stacks (one per `Pulumi.<stack>.yaml` under stackConfigDir), alphabetically. */
export function listStacks(project: PulumiProject): string[] {
    return [...stackFiles(project).keys()].sort((a, b) => a.localeCompare(b));
}

function stackDoc(file: string): Record<string, unknown> {
    const mtimeMs = fs.statSync(file).mtimeMs;
    const cached = stackDocs.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached.value;
    const doc = (readYaml(file) ?? {}) as Record<string, unknown>;
    stackDocs.set(file, { mtimeMs, value: doc });
    return doc;
}

/** Replaces encrypted values (`{secure: ...}`) at any depth by `[secret]`; true when there was one. */
function maskSecure(value: unknown): [unknown, boolean] {
    if (value && typeof value === "object" && !Array.isArray(value)) {
        const obj = value as Record<string, unknown>;
        if (Object.keys(obj).length === 1 && typeof obj.secure === "string") return ["[secret]", true];
        let any = false;
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) {
            const [masked, was] = maskSecure(v);
            out[k] = masked;
            any ||= was;
        }
        return [out, any];
    }
    if (Array.isArray(value)) {
        let any = false;
        const out = value.map((v) => {
            const [masked, was] = maskSecure(v);
            any ||= was;
            return masked;
        });
        return [out, any];
    }
    return [value, false];
}

/**
 * A stack's config over the project's. A stack without a file gets the project's config only (as the Pulumi CLI
 * allows); `overrides` (`key` or `ns:key` to a string) come last.
 */
export function stackConfig(
    project: PulumiProject,
    stack: string,
    overrides: Record<string, string> = {},
): StackConfig {
    const config: Record<string, string> = { ...project.defaults };
    const secretKeys = new Set(project.secretDefaults);
    const file = stackFiles(project).get(stack);
    let environments: string[] = [];
    if (file) {
        const doc = stackDoc(file);
        for (const [key, value] of Object.entries((doc.config ?? {}) as Record<string, unknown>)) {
            const full = qualify(key, project.name);
            const [masked, secret] = maskSecure(value);
            config[full] = asConfigString(masked);
            if (secret) secretKeys.add(full);
        }
        const env = doc.environment;
        environments = Array.isArray(env)
            ? env.map(String)
            : env && typeof env === "object" && Array.isArray((env as { imports?: unknown }).imports)
              ? ((env as { imports: unknown[] }).imports.map(String) as string[])
              : [];
    }
    for (const [key, value] of Object.entries(overrides)) {
        config[qualify(key, project.name)] = value;
    }
    return { config, secretKeys: [...secretKeys], file, environments };
}
