/**
 * Blue-green for VM groups, measured on the shipped VM environment stacks (prod-vm-<cloud>) under mocks, as
 * bench/flip.bench.ts measures the container services: how many resources a flip of `live` changes (the goal:
 * one, the traffic resource), how many a release to the idle slot changes and how many of those belong to the
 * live slot (the goal: zero), and how long one synthesis of the stack takes. `npm run bench -- vm`.
 */
import type { Synthesis } from "../bin/lib/synthesize";
import { commitOf, diskSha256, VM_CLOUDS } from "../test/components/instanceGroup.adapters";
import { flipRow, flipTable, measureFlip } from "./flipMeasure";

export default async function run(): Promise<void> {
    const cache = new Map<string, Synthesis>();
    const table = flipTable();
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
        const idleDeploy = { green: JSON.stringify({ version: "v1.1.0", image: a.image("v1.1.0") }) };
        const m = await measureFlip(stack, base, idleDeploy, cache);
        const liveSlotChanges =
            m.deploy.changed.filter((c) => /-blue(-|$)/.test(c.name)).length +
            (m.deploy.changed.some((c) => c.type === a.trafficType) ? 1 : 0);
        table.push(flipRow(stack, m, liveSlotChanges, "paths"));
    }
    console.log(table.toString());
}

if (require.main === module) {
    run().catch((err) => {
        console.error(err);
        process.exit(1);
    });
}
