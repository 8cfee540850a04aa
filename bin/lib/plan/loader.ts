/**
 * Loads a Pulumi Node.js program the way Pulumi's Node runner does (@pulumi/pulumi/cmd/run/run.js): the entry is
 * Pulumi.yaml's `main`, else package.json's `exports` / `main`, else the project folder; the program runs with
 * the project folder as working directory; a function export is called and its result (or the module's exports)
 * are the stack outputs; `"type": "module"` packages are imported as ES modules.
 *
 * TypeScript (`runtime.options.typescript`, on by default) is transpiled like the runner's ts-node in
 * transpile-only mode: the project's tsconfig.json compiler options, CommonJS output, files outside node_modules
 * only, with the compiler the runner picks (the project's own `typescript`, else the one @pulumi/pulumi's
 * typescript-shim loads). Each file's output is cached on disk (keyed by the compiler's version, the tsconfig text
 * and the source), so a plan after the first loads no TypeScript compiler at all; stack traces point at the
 * TypeScript lines.
 *
 * Every stack runs the program afresh (as every `pulumi preview` is a new process): the modules the program
 * loaded are dropped from the module cache before the next stack, the SDKs stay loaded.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { InputError } from "../../../components/core/validation";
import type { PulumiProject } from "./project";
import { registerSourceMap } from "./stackTraces";

type ProgramResult = Promise<Record<string, unknown> | void> | Record<string, unknown> | void;

/** The command line's own code: never dropped from the module cache. */
const CLI_DIR = path.resolve(__dirname, "..", "..");
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/** A project whose TypeScript files plan transpiles: the tsconfig and compiler it uses, where output is cached. */
interface Root {
    tsconfig?: string;
    cacheDir: string;
    compiler: TypeScriptCompiler;
}

/** Projects whose TypeScript files plan transpiles, by folder. */
const roots = new Map<string, Root>();
let hookInstalled = false;

/** Bumped when the transpilation below changes, so older cache entries are not reused. */
const TRANSPILER_VERSION = "1";

function sha1(...parts: string[]): string {
    const h = createHash("sha1");
    for (const p of parts) h.update(p).update("\0");
    return h.digest("hex");
}

/** The TypeScript compiler a project's files are transpiled with. */
export interface TypeScriptCompiler {
    /** What is loaded: the project's `typescript` package folder, or @pulumi/pulumi's typescript-shim.js. */
    module: string;
    /** The compiler's version (it keys cached output; telling it loads no compiler). */
    version: string;
    load(): typeof import("typescript");
}

function resolveFrom(request: string, paths: string[]): string | undefined {
    try {
        return require.resolve(request, { paths });
    } catch {
        return undefined;
    }
}

function versionOf(packageJson: string): string {
    return String(JSON.parse(fs.readFileSync(packageJson, "utf8")).version);
}

/**
 * The compiler of a project's TypeScript, picked as Pulumi's Node.js runner picks it: the project's own `typescript`,
 * else @pulumi/pulumi's typescript-shim.js (the project's SDK, else the one plan runs with), which loads a
 * `typescript` installed beside the SDK, else the TypeScript the SDK vendors (3.8).
 */
export function typescriptFor(projectDir: string): TypeScriptCompiler {
    const own = resolveFrom("typescript/package.json", [projectDir]);
    if (own) {
        return { module: path.dirname(own), version: versionOf(own), load: () => require(path.dirname(own)) };
    }
    const shim = resolveFrom("@pulumi/pulumi/typescript-shim", [projectDir, __dirname]);
    if (!shim) {
        throw new InputError(
            `${projectDir}: cannot transpile TypeScript: neither typescript nor @pulumi/pulumi is installed for the project (run npm install there)`,
        );
    }
    const beside = resolveFrom("typescript/package.json", [path.dirname(shim)]);
    const vendored = () =>
        fs
            .readdirSync(path.join(path.dirname(shim), "vendor"))
            .find((d) => d.startsWith("typescript@"))
            ?.slice("typescript@".length) ?? "vendored";
    return { module: shim, version: beside ? versionOf(beside) : vendored(), load: () => require(shim) };
}

/** Where transpiled files are cached: IMMUTABLE_PLAN_CACHE, else node_modules/.cache/immutable-plan of the project. */
function cacheDirFor(projectDir: string): string {
    const configured = process.env.IMMUTABLE_PLAN_CACHE;
    if (configured && configured !== "off") return path.resolve(configured);
    const nodeModules = path.join(projectDir, "node_modules");
    return fs.existsSync(nodeModules)
        ? path.join(nodeModules, ".cache", "immutable-plan")
        : path.join(os.tmpdir(), "immutable-plan-cache");
}

function rootOf(filename: string): Root | undefined {
    for (const [dir, root] of roots) {
        if (filename.startsWith(dir + path.sep)) return root;
    }
    return undefined;
}

const optionsCache = new Map<string, Record<string, unknown>>();

/** The compiler options of the runner's ts-node: its defaults, then the tsconfig's, then CommonJS output. */
function compilerOptions(
    ts: typeof import("typescript"),
    compiler: TypeScriptCompiler,
    tsconfig: string | undefined,
): Record<string, unknown> {
    const key = `${compiler.module}\0${tsconfig ?? ""}`;
    const cached = optionsCache.get(key);
    if (cached) return cached;
    let fromFile: Record<string, unknown> = {};
    if (tsconfig) {
        const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
        if (!read.error) {
            const parsed = ts.parseJsonConfigFileContent(
                read.config,
                ts.sys,
                path.dirname(tsconfig),
                undefined,
                tsconfig,
            );
            fromFile = parsed.options as Record<string, unknown>;
        }
    }
    const options: Record<string, unknown> = {
        target: ts.ScriptTarget.ES2020,
        ...fromFile,
        module: ts.ModuleKind.CommonJS,
        // Node10 is TypeScript 5's name of what 3.8 (the SDK's vendored compiler) calls NodeJs.
        moduleResolution: ts.ModuleResolutionKind.Node10 ?? ts.ModuleResolutionKind.NodeJs,
        sourceMap: true,
        inlineSourceMap: false,
        inlineSources: false,
        declaration: false,
        declarationMap: false,
        composite: false,
        incremental: false,
        noEmit: false,
        verbatimModuleSyntax: false,
        isolatedModules: true,
    };
    delete options.outDir;
    delete options.outFile;
    delete options.rootDir;
    delete options.tsBuildInfoFile;
    optionsCache.set(key, options);
    return options;
}

/** Transpiled files of this process by name (each stack loads the program afresh: its files once). */
const transpiled = new Map<string, { mtimeMs: number; code: string; map: () => string }>();

/** A TypeScript file's CommonJS output (from memory, the disk cache, else transpiled and cached) with its source map. */
function transpile(filename: string, root: Root): { code: string; map: () => string } {
    const mtimeMs = fs.statSync(filename).mtimeMs;
    const known = transpiled.get(filename);
    if (known && known.mtimeMs === mtimeMs) return known;
    const result = transpileFile(filename, root);
    transpiled.set(filename, { mtimeMs, ...result });
    return result;
}

function transpileFile(filename: string, root: Root): { code: string; map: () => string } {
    const source = fs.readFileSync(filename, "utf8");
    const tsconfigText = root.tsconfig && fs.existsSync(root.tsconfig) ? fs.readFileSync(root.tsconfig, "utf8") : "";
    const key = sha1(TRANSPILER_VERSION, root.compiler.version, tsconfigText, filename, source);
    const codeFile = path.join(root.cacheDir, `${key}.js`);
    const mapFile = path.join(root.cacheDir, `${key}.map`);
    if (process.env.IMMUTABLE_PLAN_CACHE !== "off") {
        try {
            const code = fs.readFileSync(codeFile, "utf8");
            return { code, map: () => fs.readFileSync(mapFile, "utf8") };
        } catch {
            // not cached yet
        }
    }
    const ts = root.compiler.load();
    const out = ts.transpileModule(source, {
        fileName: filename,
        compilerOptions: compilerOptions(ts, root.compiler, root.tsconfig) as import("typescript").CompilerOptions,
        reportDiagnostics: true,
    });
    const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) {
        const d = errors[0];
        const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
        const where = `${filename}${pos ? `:${pos.line + 1}:${pos.character + 1}` : ""}`;
        const err = new SyntaxError(`${ts.flattenDiagnosticMessageText(d.messageText, "\n")} (TS${d.code})`);
        (err as { where?: string }).where = where;
        err.stack = `${where}\nSyntaxError: ${err.message}`;
        throw err;
    }
    const code = out.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
    const map = out.sourceMapText ?? "";
    if (process.env.IMMUTABLE_PLAN_CACHE !== "off") {
        try {
            fs.mkdirSync(root.cacheDir, { recursive: true });
            // Written under a temporary name, then renamed: a concurrent plan never reads half a file.
            const tmp = `${codeFile}.${process.pid}.tmp`;
            fs.writeFileSync(`${mapFile}.${process.pid}.tmp`, map);
            fs.renameSync(`${mapFile}.${process.pid}.tmp`, mapFile);
            fs.writeFileSync(tmp, code);
            fs.renameSync(tmp, codeFile);
        } catch {
            // a read-only cache folder: transpile every time
        }
    }
    return { code, map: () => map };
}

/** The root of a `.ts` file outside every registered project: the working directory's. */
function cwdRoot(): Root {
    return { cacheDir: cacheDirFor(process.cwd()), compiler: typescriptFor(process.cwd()) };
}

/** Installs the `.ts` loader (once per process); files of registered projects always go through it. */
function installHook(): void {
    if (hookInstalled) return;
    hookInstalled = true;
    const extensions = (require("node:module") as { _extensions: Record<string, (m: any, f: string) => void> })
        ._extensions;
    // `.ts` only: each registered extension costs a file lookup for every extensionless require of a folder.
    for (const ext of [".ts"]) {
        const previous = extensions[ext];
        extensions[ext] = function (module: any, filename: string) {
            const inNodeModules = filename.includes(NODE_MODULES);
            const root = inNodeModules ? undefined : rootOf(filename);
            if (!root && previous) return previous(module, filename);
            if (inNodeModules) return extensions[".js"](module, filename); // as ts-node: never node_modules
            const { code, map } = transpile(filename, root ?? [...roots.values()][0] ?? cwdRoot());
            registerSourceMap(filename, map);
            module._compile(code, filename);
        };
    }
}

/** package.json of the program (searching up from `dir`), if any. */
function packageOf(dir: string): { root: string; data: Record<string, any> } | undefined {
    let d = dir;
    for (;;) {
        const file = path.join(d, "package.json");
        if (fs.existsSync(file)) {
            try {
                return { root: d, data: JSON.parse(fs.readFileSync(file, "utf8")) };
            } catch {
                return { root: d, data: {} };
            }
        }
        const parent = path.dirname(d);
        if (parent === d) return undefined;
        d = parent;
    }
}

/** The program's entry: Pulumi.yaml `main`, else package.json `exports` / `main`, else the project folder. */
export function entryOf(project: PulumiProject): string {
    if (project.main !== undefined) return path.resolve(project.dir, project.main);
    const pkg = packageOf(project.dir);
    const exp = pkg?.data.exports;
    const main =
        typeof exp === "string"
            ? exp
            : exp && typeof exp === "object"
              ? typeof exp["."] === "string"
                  ? exp["."]
                  : (exp["."]?.default ?? exp["."]?.require ?? exp["."]?.import)
              : pkg?.data.main;
    if (pkg && typeof main === "string" && fs.existsSync(path.join(pkg.root, main))) return path.join(pkg.root, main);
    return project.dir;
}

/** Runs one project's program, afresh each time. */
export interface ProgramRunner {
    /** The entry file or folder. */
    entry: string;
    /** Runs the program (inside a synthesis) and returns its outputs. */
    run(): ProgramResult;
}

const loadedBy = new Map<string, Set<string>>();
let importCount = 0;

/** A runner for `project`'s program. Throws InputError when the project is not a Node.js program. */
export function programRunner(project: PulumiProject): ProgramRunner {
    if (project.runtime.name !== "nodejs") {
        throw new InputError(
            `${project.file}: runtime "${project.runtime.name}" cannot be planned offline ` +
                "(plan runs Node.js programs: TypeScript and JavaScript)",
        );
    }
    const entry = entryOf(project);
    const pkg = packageOf(fs.existsSync(entry) && fs.statSync(entry).isDirectory() ? entry : path.dirname(entry));
    const isModule = pkg?.data.type === "module";
    if (project.runtime.options.typescript !== false) {
        const tsconfigPath = path.resolve(project.dir, process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json");
        roots.set(project.dir, {
            tsconfig: fs.existsSync(tsconfigPath) ? tsconfigPath : undefined,
            cacheDir: cacheDirFor(project.dir),
            compiler: typescriptFor(project.dir),
        });
        installHook();
    }
    return {
        entry,
        run() {
            const previous = process.cwd();
            process.chdir(project.dir);
            try {
                const exported = isModule ? importProgram(entry) : requireProgram(project.dir, entry);
                return Promise.resolve(exported).then((value) => {
                    const result = typeof value === "function" ? value() : value;
                    return Promise.resolve(result).finally(() => process.chdir(previous));
                });
            } catch (err) {
                process.chdir(previous);
                throw err;
            }
        },
    };
}

/** Requires the program's CommonJS entry after dropping what its last run loaded. */
function requireProgram(projectDir: string, entry: string): unknown {
    const cache = require.cache;
    for (const key of loadedBy.get(projectDir) ?? []) delete cache[key];
    const before = new Set(Object.keys(cache));
    try {
        const target =
            fs.existsSync(entry) && fs.statSync(entry).isDirectory() && !entry.endsWith(path.sep)
                ? entry + path.sep
                : entry;
        return require(target);
    } finally {
        const loaded = new Set<string>();
        for (const key of Object.keys(cache)) {
            if (!before.has(key) && !key.includes(NODE_MODULES) && path.relative(CLI_DIR, key).startsWith("..")) {
                loaded.add(key);
            }
        }
        // A program that failed to load leaves its half-loaded modules behind: drop them too.
        loadedBy.set(projectDir, loaded);
    }
}

/** Imports an ES module program (a query string makes every stack's import a fresh module). */
async function importProgram(entry: string): Promise<unknown> {
    let file = entry;
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
        const index = ["index.js", "index.mjs"].map((f) => path.join(file, f)).find((f) => fs.existsSync(f));
        if (!index) {
            throw new InputError(
                `${entry}: an ES module program ("type": "module") needs index.js or index.mjs (TypeScript ES module programs are not planned offline yet: compile them to JavaScript first)`,
            );
        }
        file = index;
    }
    if (/\.[mc]?ts$/.test(file)) {
        throw new InputError(
            `${file}: TypeScript ES module programs ("type": "module") are not planned offline yet; compile to JavaScript and point main at it`,
        );
    }
    const dynamicImport = new Function("u", "return import(u)") as (u: string) => Promise<any>;
    const mod = await dynamicImport(`${pathToFileURL(file).href}?plan=${++importCount}`);
    if (Object.getOwnPropertyDescriptor(mod, "default") !== undefined) {
        if (Object.keys(mod).length !== 1) {
            throw new Error("expected entrypoint module to have either a default export or named exports but not both");
        }
        return mod.default;
    }
    return { ...mod };
}
