/**
 * Blue-green for VM groups, measured on the shipped VM environment stacks (prod-vm-<cloud>) under mocks, as
 * bench/flip.bench.ts measures the container services: how many resources a flip of `live` changes (the goal:
 * one, the traffic resource), how many a release to the idle slot changes and how many of those belong to the
 * live slot (the goal: zero), and how long one synthesis of the stack takes. `npm run bench -- vm`.
 */
import Table from "cli-table3";
import { synthesizeStack } from "../bin/lib/stacks";
import type { Synthesis } from "../bin/lib/synthesize";
import { commitOf, diskSha256, VM_CLOUDS } from "../test/components/instanceGroup.adapters";
import { diffSyntheses } from "../test/components/support/diff";

const RUNS = 5;

async function timed(stack: string, config: Record<string, string>, cache: Map<string, Synthesis>) {
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
    for (const a of VM_CLOUDS) {
        const stack = `prod-vm-${a.cloud}`;
        // blue runs v0.9.0 and is live; green runs the release v1.0.0 (given in config), deployed last.
        const machineImage = JSON.stringify({
            version: "v1.0.0",
            gitSha: commitOf("v1.0.0"),
            sha256: diskSha256("v1.0.0"),
            provenance: "artifact",
            bootModes: ["bios", "uefi", "uefi-secure-boot"],
            images: { [a.cloud]: a.image("v1.0.0") },
        });
        const base = {
            machineImage,
            blue: JSON.stringify({ version: "v0.9.0", image: a.image("v0.9.0") }),
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
            await timed(
                stack,
                { ...base, green: JSON.stringify({ version: "v1.1.0", image: a.image("v1.1.0") }), live: "blue" },
                cache,
            )
        ).synth;
        const flip = diffSyntheses(blue!, green);
        const deploy = diffSyntheses(blue!, idle);
        const liveSlotChanges =
            deploy.changed.filter((c) => /-blue(-|$)/.test(c.name)).length +
            (deploy.changed.some((c) => c.type === a.trafficType) ? 1 : 0);
        times.sort((x, y) => x - y);
        table.push([
            stack,
            blue!.resources.filter((r) => r.custom).length,
            flip.changed.length + flip.added.length + flip.removed.length,
            flip.changed.map((c) => `${c.type.split(":").pop()} (${c.paths.length} paths)`).join(", "),
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
