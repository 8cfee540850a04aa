import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { validateRelease, type ReleaseRecord } from "../../components/core/releaseRecord";
import { missingCredentials, pulumiCliVersion, skipBecause } from "../support/cloud";

const ROOT = path.resolve(__dirname, "..", "..");
type CloudName = "aws" | "gcp" | "azure";

/** Provider and stack config per cloud, from the environment of whoever runs these specs. */
function cloudConfig(cloud: CloudName): Record<string, { value: string }> {
    const env = process.env;
    const c: Record<string, string | undefined> = {
        aws: env.AWS_REGION ?? "us-east-1",
        gcp: env.GOOGLE_PROJECT,
        azure: env.IMMUTABLE_ACR_NAME,
    };
    const set = (entries: Record<string, string | undefined>) =>
        Object.fromEntries(
            Object.entries(entries)
                .filter(([, v]) => v !== undefined && v !== "")
                .map(([k, v]) => [k, { value: v! }]),
        );
    switch (cloud) {
        case "aws":
            return set({ "aws:region": c.aws });
        case "gcp":
            return set({ "gcp:project": c.gcp, "immutable:deletionProtection": "false" });
        case "azure":
            return set({
                "immutable:azureRegistryName": c.azure,
                "azure-native:location": env.AZURE_LOCATION ?? "eastus",
            });
    }
}

/** GET `url` until it answers JSON (the sample service's /version), or time runs out. */
async function versionAt(url: string, attempts = 60): Promise<{ version: string; slot: string }> {
    const base = url.replace(/\?.*$/, "").replace(/\/$/, "");
    const query = url.includes("?") ? url.slice(url.indexOf("?")) : "";
    let last = "";
    for (let i = 0; i < attempts; i++) {
        try {
            const res = await fetch(`${base}/version${query}`);
            if (res.ok) {
                return (await res.json()) as { version: string; slot: string };
            }
            last = `HTTP ${res.status}`;
        } catch (err) {
            last = String(err);
        }
        await new Promise((r) => setTimeout(r, 10_000));
    }
    throw new Error(`${base}/version${query} never answered (${last})`);
}

/** stacks/smoke-test.sh on a slot of the environment stack, with the real Pulumi CLI. */
function smokeTest(stack: string, slot: string): Promise<void> {
    return new Promise((resolve, reject) =>
        execFile(
            "bash",
            [path.join(ROOT, "stacks", "smoke-test.sh"), stack, slot],
            { cwd: ROOT, env: { ...process.env, SMOKE_ATTEMPTS: "60", SMOKE_INTERVAL: "10" }, timeout: 15 * 60_000 },
            (err, stdout, stderr) => (err ? reject(new Error(`${stdout}${stderr}`)) : resolve()),
        ),
    );
}

/**
 * A full environment on a real cloud, through the Automation API, as an operator runs it: build v1 once, deploy
 * it to blue, smoke-test blue; build v2, deploy it to the idle slot green, smoke-test green while blue keeps the
 * traffic; flip to green; roll back to blue; destroy everything. Needs the Pulumi CLI, the cloud's credentials
 * and IMMUTABLE_CLOUD_TESTS=1 (it creates billable resources, then destroys them); skips with the reason otherwise.
 */
for (const cloud of ["aws", "gcp", "azure"] as CloudName[]) {
    describe(`a full ${cloud} environment on the real cloud (Automation API) @slow`, function () {
        this.timeout(90 * 60_000);
        const suffix = Date.now().toString(36);
        let build: Stack | undefined;
        let env: Stack | undefined;
        const releases: ReleaseRecord[] = [];

        const buildRelease = async (version: string): Promise<ReleaseRecord> => {
            await build!.setConfig("immutable:version", { value: version });
            const up = await build!.up({ onOutput: (o) => process.stdout.write(o) });
            const outputs = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
            return validateRelease(outputs, `build stack ${build!.name}`);
        };
        const deploy = async (slots: Record<string, string>) => {
            await env!.setAllConfig(
                Object.fromEntries(Object.entries(slots).map(([k, v]) => [`immutable:${k}`, { value: v }])),
            );
            const up = await env!.up({ onOutput: (o) => process.stdout.write(o) });
            return Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value])) as Record<string, any>;
        };
        const pin = (r: ReleaseRecord, revision?: string) =>
            JSON.stringify({ version: r.version, digest: r.digest, ...(revision ? { revision } : {}) });

        before(async function () {
            if (!pulumiCliVersion()) {
                skipBecause(this, "the Pulumi CLI is not on PATH");
            }
            const missing = missingCredentials(cloud);
            if (missing) {
                skipBecause(this, missing);
            }
            if (process.env.IMMUTABLE_CLOUD_TESTS !== "1") {
                skipBecause(this, "IMMUTABLE_CLOUD_TESTS=1 is not set (this spec creates billable resources)");
            }
            build = await LocalWorkspace.createOrSelectStack({
                stackName: `build-it-${cloud}-${suffix}`,
                workDir: ROOT,
            });
            await build.setAllConfig({
                "immutable:kind": { value: "build" },
                "immutable:clouds": { value: JSON.stringify([cloud]) },
                ...cloudConfig(cloud),
            });
            env = await LocalWorkspace.createOrSelectStack({ stackName: `dev-${cloud}`, workDir: ROOT });
            await env.setAllConfig({
                "immutable:kind": { value: "environment" },
                "immutable:cloud": { value: cloud },
                "immutable:environment": { value: "dev" },
                "immutable:buildStack": { value: build.name },
                ...cloudConfig(cloud),
            });
        });

        after(async () => {
            for (const stack of [env, build]) {
                if (stack) {
                    await stack.destroy({ onOutput: (o) => process.stdout.write(o) });
                    await stack.workspace.removeStack(stack.name);
                }
            }
        });

        it("builds v1 once and deploys it to blue, which answers as v1 in slot blue", async () => {
            releases.push(await buildRelease(`it-${suffix}-1`));
            const out = await deploy({ blue: "current", green: "none", live: "blue", lastDeployed: "blue" });
            await smokeTest(env!.name, "blue");
            const answer = await versionAt(out.url);
            assert.deepEqual([answer.version, answer.slot], [releases[0].version, "blue"]);
        });

        it("deploys v2 to the idle slot green and smoke-tests it while blue keeps all the traffic", async () => {
            const before = (await env!.outputs()).revisionNames?.value ?? {};
            releases.push(await buildRelease(`it-${suffix}-2`));
            const out = await deploy({
                blue: pin(releases[0], before.blue),
                green: pin(releases[1]),
                lastDeployed: "green",
            });
            assert.deepEqual(out.trafficWeights, { blue: 100, green: 0 });
            await smokeTest(env!.name, "green");
            assert.equal((await versionAt(out.url)).version, releases[0].version);
        });

        it("flips live to green: the live URL answers v2", async () => {
            const out = await deploy({ live: "green" });
            assert.deepEqual(out.trafficWeights, { blue: 0, green: 100 });
            assert.equal((await versionAt(out.url)).version, releases[1].version);
        });

        it("rolls back by flipping live to blue: the live URL answers v1 again", async () => {
            const out = await deploy({ live: "blue" });
            assert.deepEqual(out.trafficWeights, { blue: 100, green: 0 });
            assert.equal((await versionAt(out.url)).version, releases[0].version);
        });
    });
}
