/**
 * `npm run bench -- cli`: the command line as people and CI meet it, whole processes timed from outside, side by
 * side in one run (median of CLI_BENCH_RUNS, default 5): `--help`, an audit of an empty export, a 10k-resource
 * audit against a node process that only reads and `JSON.parse`s the same file, the peak RSS of a 100k-resource
 * audit, and `plan` of the shipped stacks from a fresh process. Each figure is printed beside its goal
 * (issue 9). Benchmarks print; they never assert.
 *
 * The CLI runs as a shell user starts it: `bin/immutable` through its `#!/usr/bin/env node` line, with the
 * `PATH` the benchmark was started with less npm's `node_modules/.bin` entries (npm run puts the repository's
 * Node 22 first; a shell or a CI step has its own node). CLI_BENCH_NODE=/path/to/node picks another node.
 * Peak RSS is GNU time's maximum resident set size (it covers a re-executed child, which the parent waits for).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { syntheticExport } from "./synthetic";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "immutable");
const RUNS = Number(process.env.CLI_BENCH_RUNS ?? 5);
const TIME = "/usr/bin/time";

/** PATH as the user's shell has it: npm run's node_modules/.bin entries removed (or CLI_BENCH_NODE's dir first). */
function userPath(): string {
    const entries = (process.env.PATH ?? "")
        .split(path.delimiter)
        .filter((p) => !p.endsWith(`node_modules${path.sep}.bin`));
    const node = process.env.CLI_BENCH_NODE;
    return [...(node ? [path.dirname(node)] : []), ...entries].join(path.delimiter);
}

interface Run {
    seconds: number;
    peakMB: number;
    exit: number;
}

/**
 * Runs one whole process with stdout discarded; wall time from outside, peak RSS from GNU time when present. A
 * run that rebuilt dist/ first (a checkout whose sources changed meanwhile: bin/build.js) is run again.
 */
function once(argv: string[], env: NodeJS.ProcessEnv): Run {
    for (;;) {
        const r = onceRaw(argv, env);
        if (!r.rebuilt) return r;
    }
}

function onceRaw(argv: string[], env: NodeJS.ProcessEnv): Run & { rebuilt: boolean } {
    const hasTime = fs.existsSync(TIME);
    const rssFile = path.join(os.tmpdir(), `immutable-cli-bench-${process.pid}.rss`);
    const cmd = hasTime ? TIME : argv[0]!;
    const args = hasTime ? ["-f", "%M", "-o", rssFile, ...argv] : argv.slice(1);
    const t0 = process.hrtime.bigint();
    const res = spawnSync(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 * 1024 * 1024 });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    let peakMB = NaN;
    if (hasTime) {
        peakMB = Number(fs.readFileSync(rssFile, "utf8").trim().split("\n").pop()) / 1024;
        fs.rmSync(rssFile, { force: true });
    }
    if (res.status === null || res.status > 1) {
        throw new Error(`${argv.join(" ")} exited ${res.status ?? res.signal}: ${String(res.stderr).slice(0, 2000)}`);
    }
    return { seconds, peakMB, exit: res.status, rebuilt: /^immutable: the sources changed/m.test(String(res.stderr)) };
}

function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median wall time and peak RSS of `RUNS` runs (plus one unmeasured warm-up of the OS file cache). */
function measure(
    argv: string[],
    env: NodeJS.ProcessEnv,
    runs = RUNS,
): { seconds: number; peakMB: number; exit: number } {
    once(argv, env);
    const all = Array.from({ length: runs }, () => once(argv, env));
    return {
        seconds: median(all.map((r) => r.seconds)),
        peakMB: median(all.map((r) => r.peakMB)),
        exit: all[0]!.exit,
    };
}

function row(what: string, figure: string, goal: string, met: boolean | undefined): void {
    const verdict = met === undefined ? "" : met ? "met" : "NOT met";
    console.log(`   ${what.padEnd(44)} ${figure.padStart(16)}   ${goal.padEnd(30)} ${verdict}`);
}

export default async function run(): Promise<void> {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: userPath() };
    delete env.NODE_OPTIONS;
    const node = spawnSync("node", ["--version"], { env, encoding: "utf8" }).stdout.trim();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-cli-bench-"));
    try {
        const empty = path.join(dir, "empty.json");
        fs.writeFileSync(empty, JSON.stringify({ version: 3, deployment: { manifest: {}, resources: [] } }));
        const k10 = path.join(dir, "export-10k.json");
        fs.writeFileSync(k10, JSON.stringify(syntheticExport(10_000)));
        const k100 = path.join(dir, "export-100k.json");
        fs.writeFileSync(k100, JSON.stringify(syntheticExport(100_000)));
        const mb10 = fs.statSync(k10).size / 1e6;
        const mb100 = fs.statSync(k100).size / 1e6;
        const parseOnly = path.join(dir, "parse.js");
        fs.writeFileSync(parseOnly, 'JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));\n');

        console.log(`   node on PATH ${node}; median of ${RUNS} whole-process runs; bin/immutable from ${ROOT}`);
        console.log(`   ${"measure".padEnd(44)} ${"figure".padStart(16)}   ${"goal".padEnd(30)} verdict`);
        const bare = measure(["node", "-e", "0"], env);
        row("node -e 0 (a bare node start, for scale)", `${bare.seconds.toFixed(2)} s`, "", undefined);
        const help = measure([BIN, "--help"], env);
        row("immutable --help", `${help.seconds.toFixed(2)} s`, "<= 0.25 s", help.seconds <= 0.25);
        const e = measure([BIN, "audit", empty, "--format", "json"], env);
        row("immutable audit <empty export>", `${e.seconds.toFixed(2)} s`, "<= 0.5 s", e.seconds <= 0.5);
        row("  peak RSS", `${e.peakMB.toFixed(0)} MB`, "", undefined);
        const parse = measure(["node", parseOnly, k10], env);
        const a10 = measure([BIN, "audit", k10, "--format", "json"], env);
        row(
            `node: read + JSON.parse, 10k export (${mb10.toFixed(1)} MB)`,
            `${parse.seconds.toFixed(2)} s`,
            "",
            undefined,
        );
        row("immutable audit, 10k export", `${a10.seconds.toFixed(2)} s`, "", undefined);
        const ratio = a10.seconds / parse.seconds;
        row("  audit / parse-only", `${ratio.toFixed(1)}x`, "<= 3x", ratio <= 3);
        const a100 = measure([BIN, "audit", k100, "--format", "json"], env, Math.min(RUNS, 3));
        row(`immutable audit, 100k export (${mb100.toFixed(0)} MB)`, `${a100.seconds.toFixed(2)} s`, "", undefined);
        const rssRatio = (a100.peakMB * 1.048576) / mb100;
        row(
            "  peak RSS",
            `${a100.peakMB.toFixed(0)} MB`,
            `<= 4x file (${((4 * mb100) / 1.048576).toFixed(0)} MB)`,
            rssRatio <= 4,
        );
        row("  peak RSS / file size", `${rssRatio.toFixed(1)}x`, "<= 4x", rssRatio <= 4);
        const plan = measure([BIN, "plan"], env);
        row(
            "immutable plan (shipped stacks, fresh process)",
            `${plan.seconds.toFixed(2)} s`,
            "<= 2 s",
            plan.seconds <= 2,
        );
        row("  peak RSS", `${plan.peakMB.toFixed(0)} MB`, "", undefined);
        console.log(
            `   exit codes: --help ${help.exit}, empty ${e.exit}, 10k ${a10.exit}, 100k ${a100.exit}, plan ${plan.exit}`,
        );
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
