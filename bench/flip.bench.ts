/**
 * Blue-green on every cloud, measured on the shipped prod stacks under mocks: how many resources a flip of
 * `live` changes (the goal: exactly one, the traffic resource), how many a deploy to the idle slot changes
 * (the live slot's: zero), and how long one synthesis of the stack takes.
 */
import Table from "cli-table3";
import { synthesizeStack } from "../bin/lib/stacks";
import type { Synthesis } from "../bin/lib/synthesize";
import { Slot } from "../components/core/slots";
import { CLOUDS as ADAPTERS } from "../test/components/support/clouds";
import { diffSyntheses } from "../test/components/support/diff";
import { digestOf, releaseRecord } from "../test/components/support/fixtures";

const CLOUDS = ["aws", "gcp", "azure"];
const RUNS = 5;

function pin(version: string): string {
    return JSON.stringify({ version, digest: digestOf(version) });
}

async function timed(
    stack: string,
    config: Record<string, string>,
    cache: Map<string, Synthesis>,
): Promise<{ synth: Synthesis; ms: number }> {
    const t0 = process.hrtime.bigint();
    const synth = await synthesizeStack(stack, { config, cache });
    return { synth, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

export default async function run(): Promise<void> {
    const cache = new Map<string, Synthesis>();
    const table = new Table({
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
    for (const cloud of CLOUDS) {
        const stack = `prod-${cloud}`;
        const base = {
            release: JSON.stringify(releaseRecord("v43")),
            blue: pin("v42"),
            green: "current",
            lastDeployed: "green",
        };
        await timed(stack, { ...base, live: "blue" }, cache); // warm-up: module loading
        const times: number[] = [];
        let blue: Synthesis | undefined;
        for (let i = 0; i < RUNS; i++) {
            const r = await timed(stack, { ...base, live: "blue" }, cache);
            times.push(r.ms);
            blue = r.synth;
        }
        const green = (await timed(stack, { ...base, live: "green" }, cache)).synth;
        const idle = (
            await timed(stack, { ...base, release: JSON.stringify(releaseRecord("v44")), live: "blue" }, cache)
        ).synth;
        const flip = diffSyntheses(blue!, green);
        const deploy = diffSyntheses(blue!, idle);
        // Live-slot changes: blue's own resources, plus blue's entry in the shared traffic resource.
        const adapter = ADAPTERS.find((a) => a.cloud === cloud)!;
        const byUrn = new Map(idle.resources.map((r) => [r.urn, r]));
        const liveSlotChanges =
            deploy.changed.filter((c) => adapter.ownedBy(byUrn.get(c.urn)!, Slot.Blue)).length +
            (JSON.stringify(adapter.trafficEntry(blue!, Slot.Blue)) ===
            JSON.stringify(adapter.trafficEntry(idle, Slot.Blue))
                ? 0
                : 1);
        times.sort((a, b) => a - b);
        table.push([
            stack,
            blue!.resources.filter((r) => r.custom).length,
            flip.changed.length + flip.added.length + flip.removed.length,
            flip.changed.map((c) => `${c.type.split(":").pop()} (${c.paths.length} weights)`).join(", "),
            deploy.changed.length + deploy.added.length + deploy.removed.length,
            liveSlotChanges,
            times[Math.floor(times.length / 2)].toFixed(0),
        ]);
    }
    console.log(table.toString());
}

if (require.main === module) {
    run().catch((err) => {
        console.error(err);
        process.exit(1);
    });
}
