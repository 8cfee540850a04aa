/**
 * The smoke test of the built image, before anything is pushed: the image runs as it will in production
 * (its own entrypoint) and must answer a health URL, or a command run inside it must succeed, within a
 * timeout. On failure the error carries the reason and the container's logs.
 */
import type { ContainerEngine } from "./docker";
import { tail } from "./process";
import { formatDuration } from "./progress";

/** How the image is checked. */
export enum SmokeKind {
    /** GET a URL on a published container port until it answers 2xx. */
    Url = "url",
    /** Run a command inside the running container until it exits 0. */
    Command = "command",
}

/** A parsed `--smoke` value. */
export interface SmokeCheck {
    /** URL or command. */
    kind: SmokeKind;
    /** The value as given, for messages and the manifest. */
    text: string;
    /** For URLs: the container port (the URL's port, else 80 / 443). */
    port?: number;
    /** For URLs: scheme, path and query, e.g. `http:` and `/healthz`. */
    scheme?: string;
    /** For URLs: the path and query. */
    path?: string;
    /** For commands: the argument vector (no shell: the image may have none). */
    argv?: string[];
}

/** Splits a command line into words; single and double quotes group, backslash escapes. */
export function splitWords(text: string): string[] {
    const words: string[] = [];
    let current = "";
    let quote: string | undefined;
    let started = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quote) {
            if (c === quote) {
                quote = undefined;
            } else if (c === "\\" && quote === '"' && i + 1 < text.length) {
                current += text[++i];
            } else {
                current += c;
            }
        } else if (c === "'" || c === '"') {
            quote = c;
            started = true;
        } else if (c === "\\" && i + 1 < text.length) {
            current += text[++i];
            started = true;
        } else if (/\s/.test(c)) {
            if (started) {
                words.push(current);
                current = "";
                started = false;
            }
        } else {
            current += c;
            started = true;
        }
    }
    if (quote) {
        throw new Error(`--smoke ${text}: unterminated ${quote} quote`);
    }
    if (started) {
        words.push(current);
    }
    return words;
}

/**
 * Parses `--smoke`: an http(s) URL whose port is the CONTAINER port (the host part is ignored: the port is
 * published on a random loopback port), or a command run inside the container.
 */
export function parseSmoke(text: string): SmokeCheck {
    const trimmed = text.trim();
    if (trimmed === "") {
        throw new Error("--smoke must be a URL (http://localhost:8080/healthz) or a command, got an empty value");
    }
    if (/^https?:\/\//i.test(trimmed)) {
        let url: URL;
        try {
            url = new URL(trimmed);
        } catch {
            throw new Error(`--smoke ${text}: not a valid URL`);
        }
        const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
        return { kind: SmokeKind.Url, text: trimmed, port, scheme: url.protocol, path: `${url.pathname}${url.search}` };
    }
    const argv = splitWords(trimmed);
    return { kind: SmokeKind.Command, text: trimmed, argv };
}

/** A failed smoke test: the reason, and the container's logs. */
export class SmokeFailure extends Error {
    constructor(
        readonly reason: string,
        readonly logs: string,
    ) {
        super(
            `${reason}${logs ? `\n--- container logs (last lines) ---\n${logs}\n---` : "\n(the container wrote no logs)"}`,
        );
        this.name = "SmokeFailure";
    }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One attempt: resolves with undefined on success, else with what went wrong. */
async function attempt(
    engine: ContainerEngine,
    check: SmokeCheck,
    id: string,
    address: string | undefined,
    remainingMs: number,
): Promise<string | undefined> {
    // Attempts START until the deadline; each may take up to 5 s (at least 2 s, even when little time is left).
    const budget = Math.max(2_000, Math.min(5_000, remainingMs));
    if (check.kind === SmokeKind.Url) {
        const url = `${check.scheme}//${address}${check.path}`;
        try {
            const res = await fetch(url, { signal: AbortSignal.timeout(budget), redirect: "manual" });
            await res.arrayBuffer().catch(() => undefined);
            return res.status >= 200 && res.status < 300
                ? undefined
                : `GET ${check.path} on container port ${check.port} answered ${res.status}`;
        } catch (err: any) {
            return `GET ${check.path} on container port ${check.port}: ${err?.cause?.code ?? err?.name ?? err?.message}`;
        }
    }
    const result = await engine.exec(id, check.argv ?? [], budget);
    if (result.code === 0 && !result.timedOut) {
        return undefined;
    }
    const output = tail(result.stderr || result.stdout, 5);
    return `${check.text} ${result.timedOut ? "timed out" : `exited with status ${result.code}`}${output ? `: ${output}` : ""}`;
}

/**
 * Starts the image, retries the check every `intervalMs` until it passes or `timeoutMs` (counted once the
 * container runs) elapses, and always
 * removes the container. Throws a {@link SmokeFailure} when the check never passed or the container stopped.
 * Resolves with the number of attempts.
 */
export async function smokeTest(
    engine: ContainerEngine,
    imageId: string,
    check: SmokeCheck,
    timeoutMs: number,
    intervalMs = 200,
): Promise<number> {
    const container = await engine.start(
        imageId,
        check.kind === SmokeKind.Url ? check.port : undefined,
        Math.max(timeoutMs, 30_000),
    );
    // The timeout counts from the moment the container runs: starting it is the engine's time, not the app's.
    const deadline = Date.now() + timeoutMs;
    let attempts = 0;
    let last = "no attempt";
    try {
        for (;;) {
            attempts++;
            const problem = await attempt(engine, check, container.id, container.address, deadline - Date.now());
            if (problem === undefined) {
                return attempts;
            }
            last = problem;
            const state = await engine.state(container.id);
            if (!state.running) {
                throw new SmokeFailure(
                    `the container exited with status ${state.exitCode} during the smoke test (last check: ${last})`,
                    await engine.logs(container.id),
                );
            }
            if (Date.now() + intervalMs >= deadline) {
                throw new SmokeFailure(
                    `smoke test ${check.text} did not pass within ${formatDuration(timeoutMs)} after ${attempts} attempts; last: ${last}`,
                    await engine.logs(container.id),
                );
            }
            await sleep(intervalMs);
        }
    } finally {
        await engine.remove(container.id);
    }
}
