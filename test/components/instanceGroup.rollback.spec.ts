/**
 * Rollback is one flip, a release is a replacement: each cloud's instance group synthesized before and after a
 * change, compared by URN as the engine would diff them (test/components/support/diff.ts).
 *
 * - A flip of `live` changes exactly one resource, the traffic resource (ALB listener weights, URL map weights,
 *   the load balancer's rules' pools), only in its traffic paths and none that forces a replacement; flipping back
 *   restores identical inputs.
 * - A release to the idle slot changes only that slot's resources and never the live slot's; and it replaces the
 *   slot's instances rather than changing them in place: AWS gives the launch template a new image (a new version,
 *   which the group follows by number and refreshes to), GCP gives the slot a new instance template (a new name: a
 *   template never changes in place), Azure changes the scale set's image under the Rolling upgrade policy.
 */
import * as assert from "node:assert/strict";
import { Slot } from "../../components/core/slots";
import { release, synthGroup, twoSlots, VM_CLOUDS } from "./instanceGroup.adapters";
import { byType, plain } from "./support/clouds";
import { diffSyntheses } from "./support/diff";

describe("instance groups: rollback is one flip, a release replaces instances", function () {
    this.timeout(60_000);
    for (const a of VM_CLOUDS) {
        describe(a.component, () => {
            it("changes exactly one resource when live flips: the traffic resource, only its traffic paths", async () => {
                const before = await synthGroup(a, twoSlots(a, Slot.Blue));
                const after = await synthGroup(a, twoSlots(a, Slot.Green));
                const diff = diffSyntheses(before, after);
                assert.deepEqual([diff.added, diff.removed], [[], []]);
                assert.deepEqual(
                    diff.changed.map((c) => c.type),
                    [a.trafficType],
                    `changed: ${diff.changed.map((c) => `${c.name} ${c.paths.join(",")}`).join("; ")}`,
                );
                for (const p of diff.changed[0].paths) {
                    assert.match(p, a.trafficPath);
                    assert.ok(!a.replaceKeys.some((k) => p === k || p.startsWith(`${k}.`) || p.startsWith(`${k}[`)));
                }
                const back = await synthGroup(a, twoSlots(a, Slot.Blue), "api", true);
                assert.deepEqual(diffSyntheses(before, back), { added: [], removed: [], changed: [] });
            });

            it("deploys v44 to the idle slot without touching the live slot's resources", async () => {
                const before = await synthGroup(a, twoSlots(a, Slot.Blue));
                const after = await synthGroup(a, { ...twoSlots(a, Slot.Blue), green: release(a, "v44") });
                const diff = diffSyntheses(before, after);
                assert.deepEqual(diff.added, []);
                assert.deepEqual(diff.removed, []);
                const touched = diff.changed.map((c) => c.name);
                assert.ok(touched.length > 0);
                assert.ok(
                    touched.every((n) => !/-blue(-|$)/.test(n)),
                    `the live slot's resources stay as they are: ${touched.join(", ")}`,
                );
                assert.ok(
                    diff.changed.every((c) => c.type !== a.trafficType),
                    "the traffic resource is not touched",
                );
            });

            it("replaces the slot's instances on a new release (never an in-place change of an instance)", async () => {
                const before = await synthGroup(a, twoSlots(a, Slot.Blue));
                const after = await synthGroup(a, { ...twoSlots(a, Slot.Blue), green: release(a, "v44") });
                const t0 = a.template(before, Slot.Green);
                const t1 = a.template(after, Slot.Green);
                assert.equal(a.templateImage(t0), a.image("v43"));
                assert.equal(a.templateImage(t1), a.image("v44"));
                switch (a.cloud) {
                    case "aws": {
                        // A launch template update is a new version; the group names it by number and refreshes.
                        const group = (s: typeof after) =>
                            plain(
                                byType(s, "aws:autoscaling/group:Group").find((g) => g.name.endsWith("-green"))!.inputs,
                            );
                        assert.equal(group(after).launchTemplate.id, t1.outputs.id);
                        assert.match(group(after).launchTemplate.version, /^\d+$/);
                        assert.equal(group(after).instanceRefresh.strategy, "Rolling");
                        break;
                    }
                    case "gcp": {
                        assert.notEqual(plain(t0.inputs).name, plain(t1.inputs).name, "a new template, by name");
                        const mig = (s: typeof after) =>
                            plain(
                                byType(s, "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager").find(
                                    (m) => m.name.endsWith("-green"),
                                )!.inputs,
                            );
                        assert.notEqual(
                            mig(before).versions[0].instanceTemplate,
                            mig(after).versions[0].instanceTemplate,
                        );
                        assert.equal(mig(after).updatePolicy.type, "PROACTIVE");
                        break;
                    }
                    case "azure":
                        assert.equal(plain(t1.inputs).upgradePolicy.mode, "Rolling");
                        assert.equal(plain(t1.inputs).upgradePolicy.rollingUpgradePolicy.maxSurge, true);
                        break;
                }
            });
        });
    }
});
