/**
 * What the two blue-green benchmarks (flip.bench.ts for the container services, vmFlip.bench.ts for the VM groups)
 * measure the same way: a stack synthesized with `live` blue (warmed up, then timed), with `live` green, and with
 * a new release in the idle slot; the diffs of the flip and of the idle deploy; one table row per stack.
 */
import Table from "cli-table3";
import { synthesizeStack } from "../bin/lib/stacks";
import type { Synthesis } from "../bin/lib/synthesize";
import { diffSyntheses } from "../test/components/support/diff";

const RUNS = 5;

/** One stack's flip, measured. */
export interface FlipMeasure {
    blue: Synthesis;
    idle: Synthesis;
    flip: ReturnType<typeof diffSyntheses>;
    deploy: ReturnType<typeof diffSyntheses>;
    /** The median synthesis time of the stack, in milliseconds. */
    medianMs: number;
}

async function timed(stack: string, config: Record<string, string>, cache: Map<string, Synthesis>) {
    const t0 = process.hrtime.bigint();
    const synth = await synthesizeStack(stack, { config, cache });
    return { synth, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/** Measures `stack` from `base` config: live blue, live green, and `idleDeploy` (its change to `base`) with live blue. */
export async function measureFlip(
    stack: string,
    base: Record<string, string>,
    idleDeploy: Record<string, string>,
    cache: Map<string, Synthesis>,
): Promise<FlipMeasure> {
    await timed(stack, { ...base, live: "blue" }, cache); // warm-up: module loading
    const times: number[] = [];
    let blue: Synthesis | undefined;
    for (let i = 0; i < RUNS; i++) {
        const r = await timed(stack, { ...base, live: "blue" }, cache);
        times.push(r.ms);
        blue = r.synth;
    }
    const green = (await timed(stack, { ...base, live: "green" }, cache)).synth;
    const idle = (await timed(stack, { ...base, ...idleDeploy, live: "blue" }, cache)).synth;
    times.sort((a, b) => a - b);
    return {
        blue: blue!,
        idle,
        flip: diffSyntheses(blue!, green),
        deploy: diffSyntheses(blue!, idle),
        medianMs: times[Math.floor(times.length / 2)],
    };
}

/** The table both benchmarks print. */
export function flipTable(): Table.Table {
    return new Table({
        head: [
            "stack",
            "resources",
            "changed by flip",
            "flip changes",
            "changed by idle deploy",
            "live-slot changes",
            "synth ms (median)",
        ],
        style: { head: [], border: [] },
    });
}

/** A stack's row; `changes` names what a flip's changed paths are (`weights`, `paths`). */
export function flipRow(stack: string, m: FlipMeasure, liveSlotChanges: number, changes: string): Table.Cell[] {
    return [
        stack,
        m.blue.resources.filter((r) => r.custom).length,
        m.flip.changed.length + m.flip.added.length + m.flip.removed.length,
        m.flip.changed.map((c) => `${c.type.split(":").pop()} (${c.paths.length} ${changes})`).join(", "),
        m.deploy.changed.length + m.deploy.added.length + m.deploy.removed.length,
        liveSlotChanges,
        m.medianMs.toFixed(0),
    ];
}
