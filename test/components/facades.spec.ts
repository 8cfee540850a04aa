/**
 * The facades entry (`immutable-infra/facades`, components/facades.ts): the three cloud-neutral facades without any
 * cloud's components, so a program that installs one cloud's SDK can use them. The root entry loads every cloud.
 */
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/** What the child process loaded (started when mocha loads this file, so it runs beside the other specs). */
const loads: Promise<{ afterImport: string[]; afterAwsService: string[]; services: number }> = new Promise(
    (resolve, reject) =>
        execFile(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", path.join(__dirname, "support", "facadesEntryLoad.ts")],
            { cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" } },
            (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(JSON.parse(stdout))),
        ),
);
loads.catch(() => undefined); // reported by the specs, not as an unhandled rejection

describe("the facades entry (immutable-infra/facades)", function () {
    this.timeout(60_000);

    it("exports ContainerService, InstanceGroup and MachineImage and nothing else", () => {
        const entry = require(path.join(ROOT, "components", "facades"));
        assert.deepEqual(Object.keys(entry).sort(), ["ContainerService", "InstanceGroup", "MachineImage"]);
    });

    it("is mapped by package.json exports and typesVersions to the compiled components/facades.ts", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        assert.deepEqual(pkg.exports["./facades"], {
            types: "./dist/components/facades.d.ts",
            default: "./dist/components/facades.js",
        });
        assert.deepEqual(pkg.typesVersions["*"].facades, ["dist/components/facades.d.ts"]);
        // tsconfig.build.json compiles <root>/X.ts to dist/X.js.
        assert.ok(fs.existsSync(path.join(ROOT, "components", "facades.ts")));
    });

    it("loads no cloud SDK when imported", async () => {
        assert.deepEqual((await loads).afterImport, []);
    });

    it("loads @pulumi/aws and neither @pulumi/gcp nor @pulumi/azure-native when an AWS ContainerService is constructed through it", async () => {
        const { afterAwsService, services } = await loads;
        assert.equal(services, 1, "the facade created its AwsContainerService");
        assert.deepEqual(afterAwsService, ["@pulumi/aws"]);
    });
});
