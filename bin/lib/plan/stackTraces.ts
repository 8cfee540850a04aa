/**
 * Stack traces during an offline synthesis: positions in the program's own TypeScript (from the source maps of
 * the files plan transpiled), and no formatting at all for the traces the Pulumi runtime captures for its own
 * bookkeeping (a debug trace per promise, a source position per resource: the mock monitor reads neither, and
 * formatting them is a third of a synthesis). A program that fails is then reported at its own file:line.
 */
import * as path from "node:path";

interface SourceMapLike {
    findEntry(
        line: number,
        column: number,
    ): { originalSource?: string; originalLine?: number; originalColumn?: number };
}

const maps = new Map<string, { json: () => string; map?: SourceMapLike | null }>();

/** Records the source map of a file plan compiled (its JSON text, read and parsed when a trace first needs it). */
export function registerSourceMap(file: string, json: () => string): void {
    maps.set(file, { json });
}

/** The original position (1-based line and column) of a position in a compiled file, when plan compiled it. */
export function originalPosition(
    file: string,
    line: number,
    column: number,
): { file: string; line: number; column: number } {
    const entry = maps.get(file);
    if (!entry) return { file, line, column };
    if (entry.map === undefined) {
        try {
            const { SourceMap } = require("node:module") as { SourceMap: new (payload: unknown) => SourceMapLike };
            entry.map = new SourceMap(JSON.parse(entry.json()));
        } catch {
            entry.map = null;
        }
    }
    const found = entry.map?.findEntry(line - 1, column - 1);
    if (!found || found.originalLine === undefined) return { file, line, column };
    return { file, line: found.originalLine + 1, column: (found.originalColumn ?? 0) + 1 };
}

/** The command line's own code (bin/), never "where" a program failed. */
const CLI_DIR = path.resolve(__dirname, "..", "..");

/** Runtime functions whose captured traces nobody reads offline. */
const BOOKKEEPING = new Set(["debuggablePromise", "callsites"]);

interface CallSite {
    getFunctionName(): string | null;
    getFileName(): string | undefined;
    getLineNumber(): number | null;
    getColumnNumber(): number | null;
    toString(): string;
}

function formatStack(err: unknown, frames: CallSite[]): string {
    if (frames.length > 0 && BOOKKEEPING.has(frames[0].getFunctionName() ?? "")) return "";
    let header: string;
    try {
        header = Error.prototype.toString.call(err);
    } catch {
        header = "Error";
    }
    const lines = frames.map((f) => {
        const text = f.toString();
        const file = f.getFileName();
        const line = f.getLineNumber();
        const column = f.getColumnNumber();
        if (!file || line === null || column === null || !maps.has(file)) return `    at ${text}`;
        const at = originalPosition(file, line, column);
        return `    at ${text.replace(`${file}:${line}:${column}`, `${at.file}:${at.line}:${at.column}`)}`;
    });
    return [header, ...lines].join("\n");
}

/** Installs the formatter; returns the function that restores the previous one. */
export function installStackFormatter(): () => void {
    const previous = Error.prepareStackTrace;
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = formatStack;
    return () => {
        Error.prepareStackTrace = previous;
    };
}

/**
 * Where an error arose in a project: the first frame of its stack in a file under `dir` and outside
 * node_modules, as `relative/file.ts:line:column` (a syntax error's own position first).
 */
export function whereIn(err: unknown, dir: string): string | undefined {
    const stack = err && typeof err === "object" ? String((err as { stack?: unknown }).stack ?? "") : "";
    const own = (err as { where?: unknown })?.where;
    if (typeof own === "string") return own;
    const candidates: Array<[string, string, string?]> = [];
    // A SyntaxError from the module loader starts with "<file>:<line>".
    const first = /^(\/[^\n]+?):(\d+)\n/.exec(stack);
    if (first) candidates.push([first[1], first[2]]);
    for (const m of stack.matchAll(/^\s+at (new \w*Error )?.*?\(?((?:\/|[A-Za-z]:\\)[^():\n]+):(\d+):(\d+)\)?$/gm)) {
        if (!m[1]) candidates.push([m[2], m[3], m[4]]); // an error class's own constructor is not where it arose
    }
    for (const [file, line, column] of candidates) {
        const rel = path.relative(dir, file);
        if (!path.relative(CLI_DIR, file).startsWith("..")) continue; // the command line's own code
        if (rel.startsWith("..") || path.isAbsolute(rel) || rel.split(path.sep).includes("node_modules")) continue;
        return `${rel}:${line}${column ? `:${column}` : ""}`;
    }
    return undefined;
}
