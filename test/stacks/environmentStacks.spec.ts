/**
 * The shipped environment stacks (stacks/Pulumi.<env>-<cloud>.yaml): each synthesizes under mocks and
 * deploys the build stack's digest, read through a StackReference (resolved from the build stack's own
 * synthesis), never building; or a release from a manifest file or from config.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { listShippedStacks, loadStackConfig, synthesizeStack } from "../../bin/lib/stacks";
import type { Synthesis } from "../../bin/lib/synthesize";
import { RELEASE_MANIFEST_SCHEMA } from "../../components/core/releaseRecord";
import { CLOUDS } from "../components/support/clouds";
import { digestOf, releaseRecord, REPOS } from "../components/support/fixtures";
import { BUILD_CACHE } from "../components/support/stacks";

const ENVIRONMENT_STACKS = listShippedStacks().filter(
    (s) => loadStackConfig(s).config["immutable:kind"] === "environment",
);
const BUILD = listShippedStacks().find((s) => loadStackConfig(s).config["immutable:kind"] === "build")!;

function buildOutputs(): Promise<Synthesis> {
    return synthesizeStack(BUILD, { cache: BUILD_CACHE });
}

describe("environment stacks", () => {
    it("ships dev, staging and prod for each of aws, gcp and azure", () => {
        const expected = ["dev", "staging", "prod"]
            .flatMap((e) => ["aws", "gcp", "azure"].map((c) => `${e}-${c}`))
            .sort();
        assert.deepEqual([...ENVIRONMENT_STACKS].sort(), expected);
    });

    for (const stack of ENVIRONMENT_STACKS) {
        const cloud = CLOUDS.find((c) => stack.endsWith(`-${c.cloud}`))!;
        it(`${stack} deploys the build stack's digest through a StackReference, without building`, async () => {
            const build = await buildOutputs();
            const digest = build.outputs.digest as string;
            const ref = (build.outputs.refs as Record<string, string>)[cloud.cloud];
            const s = await synthesizeStack(stack, { cache: BUILD_CACHE });
            assert.deepEqual(cloud.runtimeImages(s), [ref]);
            assert.ok(ref.endsWith(`@${digest}`));
            assert.equal((s.outputs.release as any).digest, digest);
            assert.equal(
                s.resources.filter((r) => r.type === "pulumi:pulumi:StackReference").length,
                1,
                "reads the build stack",
            );
            assert.deepEqual(
                s.resources.filter((r) => r.type.startsWith("docker-build:")),
                [],
                "never builds",
            );
            assert.equal(s.outputs.live, "blue");
            assert.deepEqual(s.outputs.trafficWeights, { blue: 100 });
            assert.match((s.outputs.smokeTestUrls as Record<string, string>).blue, cloud.smokeUrl("blue" as any));
        });
    }

    it("reads the release from a manifest file instead of the build stack", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-release-"));
        const file = path.join(dir, "release.json");
        fs.writeFileSync(file, JSON.stringify({ schema: RELEASE_MANIFEST_SCHEMA, ...releaseRecord("v50") }));
        const s = await synthesizeStack("staging-gcp", {
            config: { releaseManifest: file },
            cache: BUILD_CACHE,
        }).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
        assert.deepEqual(CLOUDS[1].runtimeImages(s), [`${REPOS.gcp}@${digestOf("v50")}`]);
        assert.equal(s.resources.filter((r) => r.type === "pulumi:pulumi:StackReference").length, 0);
        assert.match(s.outputs.releaseSource as string, /^release manifest /);
    });

    it("pins a slot to an older release by digest, in the repository of the cloud's ref", async () => {
        const s = await synthesizeStack("prod-azure", {
            config: {
                release: JSON.stringify(releaseRecord("v43")),
                blue: JSON.stringify({ version: "v42", digest: digestOf("v42") }),
                green: "current",
                lastDeployed: "green",
            },
            cache: BUILD_CACHE,
        });
        assert.deepEqual(s.outputs.slots, {
            blue: { version: "v42", image: `${REPOS.azure}@${digestOf("v42")}` },
            green: { version: "v43", image: `${REPOS.azure}@${digestOf("v43")}` },
        });
    });

    const refused: [string, Record<string, string>, RegExp][] = [
        [
            "a live slot that is not blue or green",
            { live: "purple" },
            /config immutable:live must be one of "blue", "green", got "purple"/,
        ],
        [
            "a pin with a tag instead of a digest",
            { green: JSON.stringify({ version: "v43", digest: "latest" }), lastDeployed: "green" },
            /config immutable:green\.digest must be sha256:<64 hex>, got "latest"/,
        ],
        [
            "a slot value that is neither current, none nor a pin",
            { green: "v43" },
            /config immutable:green must be "current" or \{"version"/,
        ],
        [
            "a release record with two digests",
            { release: JSON.stringify({ ...releaseRecord("v43"), digest: digestOf("other") }) },
            /config immutable:release: refs\.aws has digest sha256:[0-9a-f]+, but the release digest is/,
        ],
        ["flipping live to an empty slot", { live: "green" }, /live is "green", but green holds no release/],
    ];
    for (const [what, config, error] of refused) {
        it(`refuses ${what}`, async () => {
            await assert.rejects(synthesizeStack("dev-aws", { config, cache: BUILD_CACHE }), error);
        });
    }
});
