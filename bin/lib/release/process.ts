/**
 * Child processes for `release`: one function that runs a tool with a timeout and captures its output, and
 * the resolution of the tools themselves (Debian's docker client, skopeo). Nothing here knows about images.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";

/** What a finished child process left behind. */
export interface ProcessResult {
    /** Exit status (null when killed by a signal, e.g. on timeout). */
    code: number | null;
    /** Standard output, as text. */
    stdout: string;
    /** Standard output, byte for byte (manifests are hashed as the registry sent them). */
    stdoutBytes: Buffer;
    /** Standard error, as text. */
    stderr: string;
    /** Wall-clock time, milliseconds. */
    ms: number;
    /** True when the timeout killed the process. */
    timedOut: boolean;
}

/** Options of one child process. */
export interface RunOptions {
    /** Kill the process (SIGKILL) after this many milliseconds. */
    timeoutMs?: number;
    /** Extra environment variables (merged over the current environment). */
    env?: Record<string, string>;
    /** Working directory. */
    cwd?: string;
}

/** A tool that exited non-zero, timed out or could not be started; the message carries its error output. */
export class ProcessError extends Error {
    constructor(
        readonly command: string,
        readonly result: ProcessResult,
    ) {
        super(`${command} ${describeFailure(result)}`);
        this.name = "ProcessError";
    }
}

/** The last `lines` non-empty lines of a text, for error messages. */
export function tail(text: string, lines = 20): string {
    return text
        .split(/\r?\n/)
        .filter((l) => l.trim() !== "")
        .slice(-lines)
        .join("\n");
}

function describeFailure(result: ProcessResult): string {
    if (result.timedOut) {
        return `timed out after ${(result.ms / 1000).toFixed(1)}s`;
    }
    const output = tail(result.stderr || result.stdout, 12);
    return `exited with status ${result.code}${output ? `:\n${output}` : ""}`;
}

/** Runs `command args...`, never through a shell; resolves with the result whatever the exit status. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<ProcessResult> {
    const started = Date.now();
    return new Promise((resolve) => {
        const child = spawn(command, args, {
            cwd: options.cwd,
            env: options.env ? { ...process.env, ...options.env } : process.env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let timedOut = false;
        const timer =
            options.timeoutMs === undefined
                ? undefined
                : setTimeout(() => {
                      timedOut = true;
                      child.kill("SIGKILL");
                  }, options.timeoutMs);
        child.stdout.on("data", (b: Buffer) => out.push(b));
        child.stderr.on("data", (b: Buffer) => err.push(b));
        const finish = (code: number | null, extra = "") => {
            if (timer) {
                clearTimeout(timer);
            }
            const bytes = Buffer.concat(out);
            resolve({
                code,
                stdout: bytes.toString("utf8"),
                stdoutBytes: bytes,
                stderr: Buffer.concat(err).toString("utf8") + extra,
                ms: Date.now() - started,
                timedOut,
            });
        };
        child.on("error", (e: NodeJS.ErrnoException) => finish(127, `cannot run ${command}: ${e.code ?? e.message}`));
        child.on("close", (code) => finish(code));
    });
}

/** Runs and throws a {@link ProcessError} unless the exit status is 0. */
export async function runChecked(command: string, args: string[], options: RunOptions = {}): Promise<ProcessResult> {
    const result = await run(command, args, options);
    if (result.code !== 0 || result.timedOut) {
        throw new ProcessError(`${command} ${args[0] ?? ""}`.trim(), result);
    }
    return result;
}

/**
 * The docker client to use: `IMMUTABLE_DOCKER` when set, else Debian's `/usr/bin/docker` (which builds with
 * BuildKit without the buildx plugin), else `docker` from PATH.
 */
export function dockerCommand(env: NodeJS.ProcessEnv = process.env): string {
    if (env.IMMUTABLE_DOCKER) {
        return env.IMMUTABLE_DOCKER;
    }
    return fs.existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker";
}

/** The skopeo binary: `IMMUTABLE_SKOPEO` when set, else `skopeo` from PATH. */
export function skopeoCommand(env: NodeJS.ProcessEnv = process.env): string {
    return env.IMMUTABLE_SKOPEO || "skopeo";
}
