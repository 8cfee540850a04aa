import * as assert from "node:assert/strict";
import * as path from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { parseImageRef } from "../../components/core/imageRef";
import { validateRelease } from "../../components/core/releaseRecord";
import { missingCredentials, pulumiCliVersion, skipBecause } from "../support/cloud";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The build stack for real, through the Automation API: a throw-away stack builds the sample service once,
 * pushes it to the clouds with credentials, checks one digest everywhere, then destroys everything.
 * Creates billable resources, so it also needs IMMUTABLE_CLOUD_TESTS=1.
 */
describe("the build stack on real clouds (Automation API)", function () {
    this.timeout(45 * 60_000);
    let stack: Stack | undefined;
    const clouds = (["aws", "gcp", "azure"] as const).filter((c) => !missingCredentials(c));

    before(async function () {
        const cli = pulumiCliVersion();
        if (!cli) {
            skipBecause(this, "the Pulumi CLI is not on PATH");
        }
        if (clouds.length === 0) {
            skipBecause(this, ["aws", "gcp", "azure"].map((c) => missingCredentials(c as "aws")).join("; "));
        }
        if (process.env.IMMUTABLE_CLOUD_TESTS !== "1") {
            skipBecause(this, "IMMUTABLE_CLOUD_TESTS=1 is not set (this spec creates billable resources)");
        }
        stack = await LocalWorkspace.createOrSelectStack({
            stackName: `build-it-${Date.now().toString(36)}`,
            workDir: ROOT,
        });
        await stack.setAllConfig({
            "immutable:kind": { value: "build" },
            "immutable:version": { value: `it-${Date.now().toString(36)}` },
            "immutable:clouds": { value: JSON.stringify(clouds) },
            ...(process.env.GOOGLE_PROJECT ? { "gcp:project": { value: process.env.GOOGLE_PROJECT } } : {}),
            ...(process.env.IMMUTABLE_ACR_NAME
                ? { "immutable:azureRegistryName": { value: process.env.IMMUTABLE_ACR_NAME } }
                : {}),
        });
    });

    after(async () => {
        if (stack) {
            await stack.destroy({ onOutput: (o) => process.stdout.write(o) });
            await stack.workspace.removeStack(stack.name);
        }
    });

    it("passes the policy pack in preview", async () => {
        const preview = await stack!.preview({ policyPacks: [path.join(ROOT, "policy")] });
        assert.equal(preview.changeSummary.create !== undefined, true);
    });

    it("builds once and publishes one digest to every registry", async () => {
        const up = await stack!.up({ onOutput: (o) => process.stdout.write(o) });
        const outputs = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
        const release = validateRelease(outputs, "build stack outputs");
        assert.deepEqual(Object.keys(release.refs).sort(), [...clouds].sort());
        for (const ref of Object.values(release.refs)) {
            assert.equal(parseImageRef(ref)!.digest, release.digest);
        }
        const images = (await stack!.exportStack()).deployment.resources.filter(
            (r: any) => r.type === "docker-build:index:Image",
        );
        assert.equal(images.length, 1);
    });
});
