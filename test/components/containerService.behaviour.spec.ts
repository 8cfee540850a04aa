/**
 * The behaviour every container service shares, written once and run against AWS, GCP and Azure through the
 * adapters in support/clouds.ts.
 */
import * as assert from "node:assert/strict";
import { synthesize, type Synthesis } from "../../bin/lib/synthesize";
import { isPinnedByDigest } from "../../components/core/imageRef";
import type { ContainerServiceArgs } from "../../components/core/serviceArgs";
import { Slot } from "../../components/core/slots";
import { CLOUDS, type CloudAdapter } from "./support/clouds";
import { digestOf, REPOS } from "./support/fixtures";

const V42 = { version: "v42", digest: digestOf("v42") };
const V43 = { version: "v43", digest: digestOf("v43") };

function slot(cloud: CloudAdapter, r: { version: string; digest: string }) {
    return { version: r.version, image: `${REPOS[cloud.cloud]}@${r.digest}` };
}

const memo = new Map<string, Promise<Synthesis>>();

/** Synthesizes one component of the given cloud (once per distinct plain args: the specs only read it). */
function synthService(cloud: CloudAdapter, args: ContainerServiceArgs, name = "api"): Promise<Synthesis> {
    const key = `${cloud.cloud}/${name}/${JSON.stringify(args)}`;
    if (!memo.has(key)) {
        memo.set(
            key,
            synthesize(() => cloud.create(name, args) as unknown as Record<string, unknown>, {
                project: "immutable",
                stack: "spec",
            }),
        );
    }
    return memo.get(key)!;
}

/** The shared args of a service with blue live on v42 and, optionally, green on v43. */
function args(cloud: CloudAdapter, extra: Partial<ContainerServiceArgs> = {}, withGreen = true): ContainerServiceArgs {
    return {
        blue: slot(cloud, V42),
        green: withGreen ? slot(cloud, V43) : undefined,
        live: Slot.Blue,
        lastDeployed: withGreen ? Slot.Green : Slot.Blue,
        env: { LOG_LEVEL: "info" },
        secrets: { DB_PASSWORD: cloud.secretRef },
        ...extra,
    };
}

interface Behaviour {
    title: string;
    args: (cloud: CloudAdapter) => ContainerServiceArgs;
    check: (cloud: CloudAdapter, s: Synthesis) => void;
}

const BEHAVIOURS: Behaviour[] = [
    {
        title: "sends all traffic to the live slot and none to the idle one",
        args: (c) => args(c),
        check: (c, s) => assert.deepEqual(c.weights(s), { blue: 100, green: 0 }),
    },
    {
        title: "sends the canary weight to the idle slot and the rest to the live one",
        args: (c) => args(c, { canaryWeight: 10 }),
        check: (c, s) => assert.deepEqual(c.weights(s), { blue: 90, green: 10 }),
    },
    {
        title: "sends all traffic to green once live is green",
        args: (c) => args(c, { live: Slot.Green }),
        check: (c, s) => assert.deepEqual(c.weights(s), { blue: 0, green: 100 }),
    },
    {
        title: "runs a single slot with all traffic when the other slot holds no release",
        args: (c) => args(c, {}, false),
        check: (c, s) => assert.deepEqual(c.weights(s), { blue: 100 }),
    },
    {
        title: "puts only images pinned by digest into the runtime spec",
        args: (c) => args(c),
        check: (c, s) => {
            const images = c.runtimeImages(s);
            assert.ok(images.length > 0);
            for (const image of images) {
                assert.ok(isPinnedByDigest(image), `${image} is pinned`);
                assert.ok([V42.digest, V43.digest].some((d) => image.endsWith(`@${d}`)));
            }
        },
    },
    {
        title: "passes plain env through and tells the container its port, slot and release",
        args: (c) => args(c),
        check: (c, s) => {
            const env = c.plainEnv(s);
            assert.equal(env.LOG_LEVEL, "info");
            assert.ok(["blue", "green"].includes(env.RELEASE_SLOT));
            assert.ok(["v42", "v43"].includes(env.RELEASE_VERSION));
        },
    },
    {
        title: "wires secret references into the runtime's secret mechanism",
        args: (c) => args(c),
        check: (c, s) => {
            assert.deepEqual(c.secretWiring(s), { DB_PASSWORD: c.wiredRef });
            assert.equal(c.plainEnv(s).DB_PASSWORD, undefined, "never as a plain env value");
        },
    },
    {
        title: "applies the runtime hardening of its cloud",
        args: (c) => args(c),
        check: (c, s) => c.assertHardened(s),
    },
];

describe("container services: shared behaviour on every cloud", () => {
    for (const cloud of CLOUDS) {
        describe(cloud.component, () => {
            for (const b of BEHAVIOURS) {
                it(b.title, async () => {
                    b.check(cloud, await synthService(cloud, b.args(cloud)));
                });
            }

            it("exposes a live URL and one smoke-test URL per slot, each reaching only that slot", async () => {
                const s = await synthService(cloud, args(cloud));
                const out = s.outputs as Record<string, any>;
                assert.ok(out.url.startsWith("http"));
                assert.deepEqual(Object.keys(out.smokeTestUrls).sort(), ["blue", "green"]);
                for (const slotName of [Slot.Blue, Slot.Green]) {
                    assert.match(out.smokeTestUrls[slotName], cloud.smokeUrl(slotName));
                    assert.notEqual(out.smokeTestUrls[slotName], out.url);
                }
                assert.equal(out.liveSlot, "blue");
                assert.deepEqual(out.trafficWeights, { blue: 100, green: 0 });
            });

            it("names every child after the component and parents it to the component", async () => {
                const s = await synthService(cloud, args(cloud));
                const component = s.resources.find((r) => r.type === `immutable-infra:index:${cloud.component}`)!;
                assert.ok(component, "the component is registered");
                assert.equal(component.name, "api");
                for (const r of s.resources.filter((x) => x.custom)) {
                    assert.ok(
                        r.name === "api" || r.name.startsWith("api-"),
                        `${r.type} ${r.name} is named from the component`,
                    );
                    assert.equal(r.parent, component.urn, `${r.name} is parented to the component`);
                }
            });

            it("refuses an image that is not pinned by digest, naming the component and the field", async () => {
                await assert.rejects(
                    synthService(
                        cloud,
                        args(cloud, { green: { version: "v43", image: `${REPOS[cloud.cloud]}:latest` } }),
                    ),
                    new RegExp(
                        `^InputError: ${cloud.component} "api": green\\.image must be pinned by digest \\(repo@sha256:\\.\\.\\.\\), got ".*:latest"$`,
                    ),
                );
            });
        });
    }
});
