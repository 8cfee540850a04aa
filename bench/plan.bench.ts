/**
 * `immutable plan` of the shipped stacks (this repository's own Pulumi project), in one process: the first plan
 * (it loads the SDKs, the program and the pack), then per stack the offline synthesis and the pack's evaluation
 * separately, and the whole run warm; then whole processes from outside, cold (a fresh process, the
 * transpile and compile caches warm, as on a developer's machine) and first-ever (both caches empty), for the
 * shipped project and for a consumer program (test/bin/fixtures/programs/aws-ts). Benchmarks print; they never
 * assert. Goal (issue 9): plan of the shipped stacks <= 2 s cold, whole process.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { planStack, runPlan } from "../bin/commands/plan";
import { withIo } from "../bin/lib/io";
import { Planner } from "../bin/lib/plan/planner";
import { listStacks, readProject } from "../bin/lib/plan/project";
import { realPolicyEngine } from "../bin/lib/policyEngine";
import { REPO_ROOT } from "../bin/lib/stacks";

const RUNS = Number(process.env.PLAN_BENCH_RUNS ?? 5);
const BIN = path.join(REPO_ROOT, "bin", "immutable");
const CONSUMER = path.join(REPO_ROOT, "test", "bin", "fixtures", "programs", "aws-ts");

function ms(since: bigint): number {
    return Number(process.hrtime.bigint() - since) / 1e6;
}

const quiet = {
    out: () => undefined,
    err: () => undefined,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    readStdin: () => Buffer.alloc(0),
};

function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)]!;
}

/** Wall time of one whole `bin/immutable plan` process (the node on PATH, as a shell starts it). */
function wholeProcess(args: string[], env: NodeJS.ProcessEnv): number {
    const t0 = process.hrtime.bigint();
    const res = spawnSync(BIN, ["plan", ...args], { env, stdio: ["ignore", "ignore", "pipe"], cwd: REPO_ROOT });
    if (res.status === null || res.status > 1)
        throw new Error(`plan ${args.join(" ")}: exit ${res.status}: ${res.stderr}`);
    return ms(t0) / 1000;
}

export default async function run(): Promise<void> {
    const project = readProject(REPO_ROOT);
    const stacks = listStacks(project);
    const t0 = process.hrtime.bigint();
    await planStack(new Planner(), project, stacks[0]);
    console.log(`   first plan in-process (loads SDKs, program, pack): ${ms(t0).toFixed(0)} ms`);
    const planner = new Planner();
    console.log("   stack             resources   synthesis ms   evaluation ms   total ms   violations");
    for (const name of stacks) {
        const s0 = process.hrtime.bigint();
        const synthesis = await planner.synthesize(project, name);
        const synth = ms(s0);
        const e0 = process.hrtime.bigint();
        const verdict = await realPolicyEngine.evaluate(synthesis.resources, {});
        const evaluate = ms(e0);
        console.log(
            `   ${name.padEnd(16)}  ${String(synthesis.resources.length).padStart(9)}   ${synth.toFixed(0).padStart(12)}   ${evaluate.toFixed(0).padStart(13)}   ` +
                `${(synth + evaluate).toFixed(0).padStart(8)}   ${verdict.violations.length}`,
        );
    }
    const a0 = process.hrtime.bigint();
    const previous = process.cwd();
    process.chdir(REPO_ROOT);
    const exit = await withIo(quiet, () => runPlan({ format: "table" }));
    process.chdir(previous);
    console.log(
        `   \`immutable plan\` of all ${stacks.length} stacks in-process (warm): ${ms(a0).toFixed(0)} ms, exit ${exit}`,
    );

    // Whole processes. The PATH of a shell (npm run's node_modules/.bin removed), as bench/cli.bench.ts does.
    const env = {
        ...process.env,
        PATH: (process.env.PATH ?? "")
            .split(path.delimiter)
            .filter((p) => !p.endsWith(`node_modules${path.sep}.bin`))
            .join(path.delimiter),
    };
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "plan-bench-cache-"));
    const firstEver = (args: string[]) => {
        // Empty transpile and compile caches: what the very first plan on a machine costs.
        fs.rmSync(fresh, { recursive: true, force: true });
        return wholeProcess(args, {
            ...env,
            IMMUTABLE_PLAN_CACHE: path.join(fresh, "ts"),
            NODE_COMPILE_CACHE: path.join(fresh, "v8"),
        });
    };
    for (const [what, args] of [
        [`shipped project, ${stacks.length} stacks`, []],
        ["consumer program (aws-ts)", ["--dir", CONSUMER]],
    ] as Array<[string, string[]]>) {
        wholeProcess(args, env); // fills the caches
        const cold = median(Array.from({ length: RUNS }, () => wholeProcess(args, env)));
        const first = median(Array.from({ length: Math.max(1, Math.floor(RUNS / 2)) }, () => firstEver(args)));
        const goal = args.length === 0 ? "   goal <= 2 s" : "";
        console.log(
            `   plan, ${what}, whole process: cold ${cold.toFixed(2)} s, first ever ${first.toFixed(2)} s${goal}`,
        );
    }
    fs.rmSync(fresh, { recursive: true, force: true });
}
