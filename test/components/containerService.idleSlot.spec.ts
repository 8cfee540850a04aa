/**
 * Deploying a new release to the idle slot leaves every resource of the live slot unchanged: the real
 * environment stack is synthesized before and after the deploy, and the registered inputs are compared by URN.
 * A resource of the live slot is one scoped to that slot (AWS: its task definition, service, target group,
 * test rule, scaling) or, on the shared traffic resource, the live slot's traffic entry (revision or target
 * group, weight, tag / label). Cloud Run and Container Apps hold the template of the slot deployed last, which
 * is how the idle slot's new revision is created; the live slot's revision already exists and is untouched.
 */
import * as assert from "node:assert/strict";
import type { Synthesis } from "../../bin/lib/synthesize";
import { Slot } from "../../components/core/slots";
import { CLOUDS, type CloudAdapter } from "./support/clouds";
import { diffSyntheses } from "./support/diff";
import { pin, synthEnvironment } from "./support/stacks";

function assertLiveSlotUntouched(cloud: CloudAdapter, before: Synthesis, after: Synthesis, live: Slot): void {
    const diff = diffSyntheses(before, after);
    const byUrn = new Map(after.resources.map((r) => [r.urn, r]));
    assert.deepEqual(diff.removed, [], "nothing is deleted");
    for (const urn of diff.added) {
        assert.ok(
            cloud.ownedBy(byUrn.get(urn)!, live === Slot.Blue ? Slot.Green : Slot.Blue),
            `${urn} added for the idle slot`,
        );
    }
    for (const changed of diff.changed) {
        const r = byUrn.get(changed.urn)!;
        assert.ok(!cloud.ownedBy(r, live), `${changed.urn} of the live slot changed: ${changed.paths.join(", ")}`);
        for (const p of changed.paths) {
            assert.ok(
                !cloud.replaceKeys.some((k) => p === k || p.startsWith(`${k}.`)),
                `${changed.urn}: ${p} would replace a shared resource`,
            );
        }
    }
    assert.deepEqual(
        cloud.trafficEntry(after, live),
        cloud.trafficEntry(before, live),
        "the live slot's traffic entry is unchanged",
    );
    const liveWeight = cloud.weights(after)[live];
    assert.equal(liveWeight, 100, "the live slot keeps all the traffic");
}

describe("deploying to the idle slot", () => {
    for (const cloud of CLOUDS) {
        describe(`prod-${cloud.cloud} (${cloud.component})`, () => {
            it("leaves every resource of the live slot unchanged when the idle slot moves from v43 to v44", async () => {
                const before = await synthEnvironment(cloud.cloud, "v43", {
                    blue: pin("v42"),
                    green: "current",
                    live: Slot.Blue,
                    lastDeployed: Slot.Green,
                });
                const after = await synthEnvironment(cloud.cloud, "v44", {
                    blue: pin("v42"),
                    green: "current",
                    live: Slot.Blue,
                    lastDeployed: Slot.Green,
                });
                assert.ok(
                    diffSyntheses(before, after).changed.length > 0,
                    "the deploy changes something (the idle slot)",
                );
                assertLiveSlotUntouched(cloud, before, after, Slot.Blue);
            });

            it("leaves every resource of the live slot unchanged when the first release lands in the empty idle slot", async () => {
                const before = await synthEnvironment(cloud.cloud, "v43", {
                    blue: pin("v42"),
                    green: "none",
                    live: Slot.Blue,
                });
                const after = await synthEnvironment(cloud.cloud, "v43", {
                    blue: pin("v42"),
                    green: "current",
                    live: Slot.Blue,
                    lastDeployed: Slot.Green,
                });
                assertLiveSlotUntouched(cloud, before, after, Slot.Blue);
                assert.deepEqual(cloud.weights(after), { blue: 100, green: 0 });
            });

            it("leaves the green slot's resources unchanged when green is live and blue receives v44", async () => {
                const before = await synthEnvironment(cloud.cloud, "v43", {
                    blue: pin("v42"),
                    green: "current",
                    live: Slot.Green,
                    lastDeployed: Slot.Green,
                });
                const after = await synthEnvironment(cloud.cloud, "v44", {
                    blue: "current",
                    green: pin("v43"),
                    live: Slot.Green,
                    lastDeployed: Slot.Blue,
                });
                assertLiveSlotUntouched(cloud, before, after, Slot.Green);
                assert.ok(
                    cloud
                        .runtimeImages(after)
                        .some((image) => image.endsWith(pin("v44").match(/sha256:[0-9a-f]{64}/)![0])),
                    "blue now runs v44",
                );
            });
        });
    }
});
