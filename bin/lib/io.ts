/**
 * Where the command line writes and reads: the process by default, a capture in the specs (which run the
 * CLI in-process). Commands never touch process.stdout / process.stdin directly.
 */
import * as fs from "node:fs";
import { Replaceable } from "./replaceable";

/** The terminal streams of one run. */
export interface Io {
    /** Writes to standard output. */
    out(text: string): void;
    /** Writes to standard error. */
    err(text: string): void;
    /** True when standard output is a terminal (colour and tables for people). */
    stdoutIsTTY: boolean;
    /** True when standard error is a terminal (progress lines). */
    stderrIsTTY: boolean;
    /** Reads all of standard input. */
    readStdin(): Buffer;
}

/** The process's own streams. NO_COLOR (https://no-color.org) turns colour off even on a terminal. */
export const processIo: Io = {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    get stdoutIsTTY() {
        return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    },
    get stderrIsTTY() {
        return Boolean(process.stderr.isTTY);
    },
    readStdin: () => fs.readFileSync(0),
};

const streams = new Replaceable<Io>(processIo);

/** The streams of the current run. */
export function io(): Io {
    return streams.get();
}

/** Runs `fn` with `replacement` as the streams, restoring the previous ones afterwards. */
export function withIo<T>(replacement: Io, fn: () => Promise<T>): Promise<T> {
    return streams.with(replacement, fn);
}
