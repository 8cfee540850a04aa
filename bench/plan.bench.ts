/**
 * `immutable plan` time per shipped stack, in one process: the offline synthesis (stacks/program.ts under
 * mocks) and the pack's evaluation, separately; plus the first call's module loading and the whole run.
 */
import { planStack, runPlan } from "../bin/commands/plan";
import { withIo } from "../bin/lib/io";
import { realPolicyEngine } from "../bin/lib/policyEngine";
import { listShippedStacks, synthesizeStack } from "../bin/lib/stacks";
import type { Synthesis } from "../bin/lib/synthesize";

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

export default async function run(): Promise<void> {
    const stacks = listShippedStacks();
    // First synthesis + evaluation: loads the provider SDKs, the components and the pack.
    const t0 = process.hrtime.bigint();
    await planStack(stacks[0], {});
    console.log(`   first plan (loads SDKs, components, pack): ${ms(t0).toFixed(0)} ms`);
    const cache = new Map<string, Synthesis>();
    console.log("   stack             resources   synthesis ms   evaluation ms   total ms   violations");
    for (const name of stacks) {
        const s0 = process.hrtime.bigint();
        const synthesis = await synthesizeStack(name, { cache });
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
    const exit = await withIo(quiet, () => runPlan({ format: "table" }));
    console.log(
        `   \`immutable plan\` of all ${stacks.length} stacks in-process (warm): ${ms(a0).toFixed(0)} ms, exit ${exit}`,
    );
}
