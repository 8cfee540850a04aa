/**
 * Input validation of the slot model and of each cloud's container service: exact errors naming the
 * component, the resource name and the field, raised before any child resource is registered.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { synthesize } from "../../bin/lib/synthesize";
import type { ContainerServiceArgs } from "../../components/core/serviceArgs";
import { revisionSuffix, templateHash } from "../../components/core/revisions";
import { planSlots, Slot, type PlainSlots } from "../../components/core/slots";
import { Validator } from "../../components/core/validation";
import { CLOUDS, type CloudAdapter } from "./support/clouds";
import { digestOf, REPOS } from "./support/fixtures";

const IMG42 = `${REPOS.aws}@${digestOf("v42")}`;
const IMG43 = `${REPOS.aws}@${digestOf("v43")}`;
const V = new Validator("ContainerService", "api");

describe("slot model", () => {
    const refused: [string, PlainSlots, string][] = [
        [
            "a live slot that is neither blue nor green",
            { blue: { version: "v42", image: IMG42 }, live: "red" },
            'live must be "blue" or "green", got "red"',
        ],
        [
            "a live slot without a release (the live slot cannot be emptied)",
            { blue: { version: "v42", image: IMG42 }, live: "green" },
            'live is "green", but green holds no release: a slot that takes traffic must have a release',
        ],
        [
            "an image by tag",
            { blue: { version: "v42", image: "nginx:latest" }, live: "blue" },
            'blue.image must be pinned by digest (repo@sha256:...), got "nginx:latest"',
        ],
        [
            "an image by tag in the idle slot",
            {
                blue: { version: "v42", image: IMG42 },
                green: { version: "v43", image: `${REPOS.aws}:v43` },
                live: "blue",
                lastDeployed: "green",
            },
            "green.image must be pinned by digest",
        ],
        [
            "an empty version",
            { blue: { version: "", image: IMG42 }, live: "blue" },
            'blue.version must be a non-empty string, got ""',
        ],
        [
            "a version with spaces",
            { blue: { version: "v 42", image: IMG42 }, live: "blue" },
            "blue.version must be a valid image tag: letters, digits",
        ],
        [
            "a canary weight above 100",
            {
                blue: { version: "v42", image: IMG42 },
                green: { version: "v43", image: IMG43 },
                live: "blue",
                canaryWeight: 101,
                lastDeployed: "green",
            },
            "canaryWeight must be an integer from 0 to 100, got 101",
        ],
        [
            "a negative canary weight",
            {
                blue: { version: "v42", image: IMG42 },
                green: { version: "v43", image: IMG43 },
                live: "blue",
                canaryWeight: -1,
                lastDeployed: "green",
            },
            "canaryWeight must be an integer from 0 to 100, got -1",
        ],
        [
            "a fractional canary weight",
            {
                blue: { version: "v42", image: IMG42 },
                green: { version: "v43", image: IMG43 },
                live: "blue",
                canaryWeight: 2.5,
                lastDeployed: "green",
            },
            "canaryWeight must be an integer from 0 to 100, got 2.5",
        ],
        [
            "a canary weight for an empty idle slot",
            { blue: { version: "v42", image: IMG42 }, live: "blue", canaryWeight: 5 },
            "canaryWeight is 5, but the idle slot green holds no release",
        ],
        [
            "two releases without lastDeployed",
            { blue: { version: "v42", image: IMG42 }, green: { version: "v43", image: IMG43 }, live: "blue" },
            "lastDeployed must name the slot deployed last",
        ],
        [
            "lastDeployed naming an empty slot",
            { blue: { version: "v42", image: IMG42 }, live: "blue", lastDeployed: "green" },
            'lastDeployed is "green", but that slot holds no release',
        ],
    ];
    for (const [what, input, message] of refused) {
        it(`refuses ${what}`, () => {
            assert.throws(
                () => planSlots(V, input),
                (err: Error) => {
                    assert.equal(err.name, "InputError");
                    assert.ok(err.message.startsWith(`ContainerService "api": ${message}`), err.message);
                    return true;
                },
            );
        });
    }

    const weights: [string, PlainSlots, Record<string, number>][] = [
        ["blue live alone", { blue: { version: "v42", image: IMG42 }, live: "blue" }, { blue: 100 }],
        [
            "blue live, green idle",
            {
                blue: { version: "v42", image: IMG42 },
                green: { version: "v43", image: IMG43 },
                live: "blue",
                lastDeployed: "green",
            },
            { blue: 100, green: 0 },
        ],
        [
            "green live with a 25% canary on blue",
            {
                blue: { version: "v42", image: IMG42 },
                green: { version: "v43", image: IMG43 },
                live: "green",
                canaryWeight: 25,
                lastDeployed: "green",
            },
            { green: 75, blue: 25 },
        ],
        [
            "a 100% canary",
            {
                blue: { version: "v42", image: IMG42 },
                green: { version: "v43", image: IMG43 },
                live: "blue",
                canaryWeight: 100,
                lastDeployed: "green",
            },
            { blue: 0, green: 100 },
        ],
    ];
    for (const [what, input, expected] of weights) {
        it(`splits the traffic for ${what}`, () => {
            const plan = planSlots(V, input);
            assert.deepEqual(plan.weights, expected);
            assert.equal(
                Object.values(plan.weights).reduce((a, b) => a + b, 0),
                100,
            );
        });
    }

    it("keeps the template slot when live flips (it follows lastDeployed, never live)", () => {
        const slots = {
            blue: { version: "v42", image: IMG42 },
            green: { version: "v43", image: IMG43 },
            lastDeployed: "green",
        };
        assert.equal(planSlots(V, { ...slots, live: "blue" }).template, Slot.Green);
        assert.equal(planSlots(V, { ...slots, live: "green" }).template, Slot.Green);
    });

    it("derives revision suffixes from the slot, the version and the template hash, within the length limit", () => {
        const long = "565442c85c265da0ea882a48fd2f25b16d7913e4";
        const suffix = revisionSuffix(Slot.Green, long, templateHash({ image: IMG42 }), 30);
        assert.ok(suffix.length <= 30, suffix);
        assert.match(suffix, /^green-[a-z0-9-]+-[0-9a-f]{8}$/);
        assert.ok(!suffix.includes("--"));
        assert.equal(revisionSuffix(Slot.Blue, "V1.2.3+build", "0a1b2c3d", 30), "blue-v1-2-3-build-0a1b2c3d");
        assert.equal(revisionSuffix(Slot.Blue, "v42", "0a1b2c3d", 14), "blue-0a1b2c3d", "no room: the version goes");
        assert.notEqual(
            templateHash({ image: IMG42, env: { A: "1" } }),
            templateHash({ image: IMG43, env: { A: "1" } }),
            "a re-pinned version gets a new revision",
        );
        assert.equal(
            templateHash({ b: 1, a: [1, { d: 2, c: 3 }] }),
            templateHash({ a: [1, { c: 3, d: 2 }], b: 1 }),
            "the hash does not depend on key order",
        );
    });
});

describe("container service inputs", () => {
    const synth = (cloud: CloudAdapter, args: Partial<ContainerServiceArgs>) =>
        synthesize(
            () =>
                cloud.create("api", {
                    blue: { version: "v42", image: `${REPOS[cloud.cloud]}@${digestOf("v42")}` },
                    live: Slot.Blue,
                    ...args,
                }) as unknown as Record<string, unknown>,
            { project: "immutable", stack: "spec" },
        );

    const shared: [string, Partial<ContainerServiceArgs>, string][] = [
        ["a live slot without a release", { live: Slot.Green }, 'live is "green", but green holds no release'],
        ["a port out of range", { port: 70000 }, "port must be an integer from 1 to 65535, got 70000"],
        [
            "a health path without a leading slash",
            { healthPath: "healthz" },
            'healthPath must be a path starting with "/", got "healthz"',
        ],
        [
            "more minimum than maximum instances",
            { scaling: { minInstances: 3, maxInstances: 2 } },
            "scaling.maxInstances (2) must be at least scaling.minInstances (3)",
        ],
        ["PORT in env", { env: { PORT: "9090" } }, "env.PORT is set by the service itself"],
        [
            "a variable both in env and in secrets",
            { env: { DB_HOST: "db" }, secrets: { DB_HOST: { ref: "x" } } },
            "env.DB_HOST is also in secrets",
        ],
        [
            "the root filesystem as a scratch path",
            { tmpPaths: ["/"] },
            'tmpPaths[0] must be an absolute directory other than "/", got "/"',
        ],
    ];
    for (const cloud of CLOUDS) {
        for (const [what, args, message] of shared) {
            it(`${cloud.component} refuses ${what}`, async () => {
                await assert.rejects(synth(cloud, args), (err: Error) => {
                    assert.ok(err.message.startsWith(`${cloud.component} "api": ${message}`), err.message);
                    return true;
                });
            });
        }
    }

    const specific: [CloudAdapter, string, Partial<ContainerServiceArgs> & Record<string, unknown>, string][] = [
        [
            CLOUDS[0],
            "a secret that is not an ARN",
            { secrets: { DB_PASSWORD: { ref: "hunter2" } } },
            "secrets.DB_PASSWORD.ref must be a Secrets Manager secret ARN or an SSM parameter ARN",
        ],
        [
            CLOUDS[0],
            "the root user",
            { user: "0" } as any,
            'user must be a non-root numeric uid[:gid] (not 0, not a name), got "0"',
        ],
        [CLOUDS[0], "a user by name", { user: "root" } as any, "user must be a non-root numeric uid[:gid]"],
        [
            CLOUDS[1],
            "a secret without a pinned version",
            { secrets: { DB_PASSWORD: { ref: "db-password" } } },
            "secrets.DB_PASSWORD.version is required on Cloud Run: pin a secret version",
        ],
        [
            CLOUDS[1],
            "the latest secret version",
            { secrets: { DB_PASSWORD: { ref: "db-password", version: "latest" } } },
            'secrets.DB_PASSWORD.version must pin a secret version number (never "latest"), got "latest"',
        ],
        [
            CLOUDS[2],
            "a secret that is not a Key Vault URL",
            { secrets: { DB_PASSWORD: { ref: "hunter2" } } },
            "secrets.DB_PASSWORD.ref must be a Key Vault secret URL",
        ],
        [
            CLOUDS[2],
            "a malformed Key Vault version",
            { secrets: { DB_PASSWORD: { ref: "https://kv-x.vault.azure.net/secrets/db", version: "latest" } } },
            "secrets.DB_PASSWORD.version must be a Key Vault secret version (32 hex)",
        ],
    ];
    for (const [cloud, what, args, message] of specific) {
        it(`${cloud.component} refuses ${what}`, async () => {
            await assert.rejects(synth(cloud, args), (err: Error) => {
                assert.ok(err.message.startsWith(`${cloud.component} "api": ${message}`), err.message);
                return true;
            });
        });
    }
});

describe("container service inputs known only at deploy time (Outputs)", () => {
    for (const cloud of CLOUDS) {
        it(`${cloud.component} validates a slot image that arrives as an Output when it resolves`, async () => {
            await assert.rejects(
                synthesize(
                    () =>
                        cloud.create("api", {
                            blue: { version: pulumi.output("v42"), image: pulumi.output(`${REPOS[cloud.cloud]}:v42`) },
                            live: Slot.Blue,
                        }) as unknown as Record<string, unknown>,
                    { project: "immutable", stack: "spec" },
                ),
                new RegExp(`${cloud.component} "api": blue\\.image must be pinned by digest`),
            );
        });
    }
});
