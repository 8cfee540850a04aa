/**
 * Blue-green on every cloud, measured on the shipped prod stacks under mocks: how many resources a flip of
 * `live` changes (the goal: exactly one, the traffic resource), how many a deploy to the idle slot changes
 * (the live slot's: zero), and how long one synthesis of the stack takes.
 */
import type { Synthesis } from "../bin/lib/synthesize";
import { Slot } from "../components/core/slots";
import { CLOUDS as ADAPTERS } from "../test/components/support/clouds";
import { digestOf, releaseRecord } from "../test/components/support/fixtures";
import { flipRow, flipTable, measureFlip } from "./flipMeasure";

const CLOUDS = ["aws", "gcp", "azure"];

function pin(version: string): string {
    return JSON.stringify({ version, digest: digestOf(version) });
}

export default async function run(): Promise<void> {
    const cache = new Map<string, Synthesis>();
    const table = flipTable();
    for (const cloud of CLOUDS) {
        const stack = `prod-${cloud}`;
        const base = {
            release: JSON.stringify(releaseRecord("v43")),
            blue: pin("v42"),
            green: "current",
            lastDeployed: "green",
        };
        const m = await measureFlip(stack, base, { release: JSON.stringify(releaseRecord("v44")) }, cache);
        // Live-slot changes: blue's own resources, plus blue's entry in the shared traffic resource.
        const adapter = ADAPTERS.find((a) => a.cloud === cloud)!;
        const byUrn = new Map(m.idle.resources.map((r) => [r.urn, r]));
        const liveSlotChanges =
            m.deploy.changed.filter((c) => adapter.ownedBy(byUrn.get(c.urn)!, Slot.Blue)).length +
            (JSON.stringify(adapter.trafficEntry(m.blue, Slot.Blue)) ===
            JSON.stringify(adapter.trafficEntry(m.idle, Slot.Blue))
                ? 0
                : 1);
        table.push(flipRow(stack, m, liveSlotChanges, "weights"));
    }
    console.log(table.toString());
}

if (require.main === module) {
    run().catch((err) => {
        console.error(err);
        process.exit(1);
    });
}
