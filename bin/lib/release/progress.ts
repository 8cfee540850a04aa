/**
 * Step progress of a pipeline (`release`, `bake`) on standard error: on a terminal a live line per step (spinner
 * and elapsed time, then a tick or a cross with the duration); elsewhere (CI logs) plain lines labelled with the
 * command, one when a step starts and one when it ends with its duration. Durations are kept for the manifest.
 */
import { StepError } from "./errors";

/** One finished step. */
export interface StepTiming {
    /** The step, e.g. `build`, `smoke`, `push aws`, `verify gcp`, `tag azure`. */
    name: string;
    /** Wall-clock milliseconds. */
    ms: number;
    /** False when the step failed. */
    ok: boolean;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Formats milliseconds as `0.42s` / `12.3s` / `2m05s`. */
export function formatDuration(ms: number): string {
    if (ms < 10_000) {
        return `${(ms / 1000).toFixed(2)}s`;
    }
    if (ms < 60_000) {
        return `${(ms / 1000).toFixed(1)}s`;
    }
    const s = Math.round(ms / 1000);
    return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/**
 * Runs named steps, reports them, and records their durations. Steps may run concurrently (the copies to
 * several registries): on a terminal the live line lists every running step, and each finished step gets
 * its own line.
 */
export class StepProgress {
    /** Every finished step, in the order they finished. */
    readonly timings: StepTiming[] = [];
    private readonly active = new Map<string, number>();
    private ticker: NodeJS.Timeout | undefined;
    private frame = 0;

    /**
     * @param label what starts each plain line (`release` gives `release: build ...`)
     * @param write where the lines go (standard error)
     * @param tty true for the live terminal rendering
     * @param now the clock (the specs pass a fake one)
     */
    constructor(
        private readonly label: string,
        private readonly write: (text: string) => void,
        private readonly tty: boolean,
        private readonly now: () => number = Date.now,
    ) {}

    private draw(): void {
        if (this.active.size === 0) {
            return;
        }
        const at = this.now();
        const running = [...this.active]
            .map(([name, started]) => `${name} ${formatDuration(at - started)}`)
            .join(" · ");
        this.write(`\r\x1b[2K${FRAMES[this.frame++ % FRAMES.length]} ${running}`);
    }

    /** Runs `fn` as step `name`; `summary` turns its result into the text shown after the duration. */
    async step<T>(name: string, fn: () => Promise<T>, summary?: (value: T) => string): Promise<T> {
        const started = this.now();
        this.active.set(name, started);
        if (this.tty) {
            this.draw();
            if (!this.ticker) {
                this.ticker = setInterval(() => this.draw(), 100);
                this.ticker.unref();
            }
        } else {
            this.write(`${this.label}: ${name} ...\n`);
        }
        const end = (ok: boolean, text: string) => {
            const ms = this.now() - started;
            this.active.delete(name);
            if (this.active.size === 0 && this.ticker) {
                clearInterval(this.ticker);
                this.ticker = undefined;
            }
            this.timings.push({ name, ms, ok });
            const detail = text ? `  ${text}` : "";
            if (this.tty) {
                this.write(`\r\x1b[2K${ok ? "✓" : "✗"} ${name} ${formatDuration(ms)}${detail}\n`);
                this.draw();
            } else {
                this.write(`${this.label}: ${name} ${ok ? "done" : "FAILED"} in ${formatDuration(ms)}${detail}\n`);
            }
        };
        try {
            const value = await fn();
            end(true, summary ? summary(value) : "");
            return value;
        } catch (err: any) {
            const first = String(err?.message ?? err).split("\n")[0];
            end(false, first.length > 140 ? `${first.slice(0, 139)}…` : first);
            throw err;
        }
    }

    /** A line that is not a step (a skipped push, the summary). */
    note(text: string): void {
        this.write(this.tty ? `  ${text}\n` : `${this.label}: ${text}\n`);
    }

    /** The durations by step name, for the manifest. */
    durations(): Record<string, number> {
        return Object.fromEntries(this.timings.map((t) => [t.name, t.ms]));
    }
}

/** Runs one named step of a pipeline (progress, timing, hooks). */
export type StepRunner = <T>(name: string, fn: () => Promise<T>, summary?: (value: T) => string) => Promise<T>;

/**
 * The steps of `progress` as a {@link StepRunner}: an error a step throws becomes a {@link StepError} of that step
 * (one that already is keeps its own step). `before` runs first (the specs use it to act between steps).
 */
export function stepRunner(progress: StepProgress, before?: (name: string) => Promise<void> | void): StepRunner {
    return async (name, fn, summary) => {
        await before?.(name);
        return progress.step(
            name,
            async () => {
                try {
                    return await fn();
                } catch (err: any) {
                    throw err instanceof StepError ? err : new StepError(name, err?.message ?? String(err));
                }
            },
            summary,
        );
    };
}
