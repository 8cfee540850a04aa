/**
 * Which TypeScript compiler `plan` transpiles a program with (bin/lib/plan/loader.ts): the one Pulumi's Node.js
 * runner would use. Projects are written to a temporary folder outside this checkout, so nothing of the
 * repository's own node_modules is found by walking up from them.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { typescriptFor } from "../../bin/lib/plan/loader";
import { realPolicyEngine } from "../../bin/lib/policyEngine";
import { runCli } from "./harness";

const ROOT = path.resolve(__dirname, "..", "..");
const SDK = path.join(ROOT, "node_modules", "@pulumi", "pulumi");

/** A Pulumi TypeScript project in a fresh temporary folder; `sdk` says how its node_modules/@pulumi/pulumi is made. */
function project(sdk: (dir: string) => void): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-plan-ts-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: typed\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config: {}\n");
    // Type annotations and an interface: JavaScript only once a TypeScript compiler has been through it.
    fs.writeFileSync(
        path.join(dir, "index.ts"),
        "interface Answer { value: number }\nconst answer: Answer = { value: 42 };\nexport const value: number = answer.value;\n",
    );
    const pulumiDir = path.join(dir, "node_modules", "@pulumi");
    fs.mkdirSync(pulumiDir, { recursive: true });
    sdk(path.join(pulumiDir, "pulumi"));
    return dir;
}

describe("plan: the TypeScript compiler of a program (as Pulumi's Node.js runner picks it)", function () {
    this.timeout(60_000);
    const made: string[] = [];
    after(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    it("uses the project's own typescript when it has one", () => {
        const compiler = typescriptFor(ROOT);
        assert.equal(compiler.module, path.join(ROOT, "node_modules", "typescript"));
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "typescript", "package.json"), "utf8"));
        assert.equal(compiler.version, pkg.version);
    });

    it("falls back to @pulumi/pulumi's typescript-shim when the project has no typescript, and plans the program", async () => {
        const dir = project((target) => fs.symlinkSync(SDK, target, "dir"));
        made.push(dir);
        assert.equal(fs.realpathSync(typescriptFor(dir).module), path.join(SDK, "typescript-shim.js"));
        const run = await runCli(["plan", "--dir", dir, "--format", "json"], { engine: realPolicyEngine });
        assert.equal(run.exitCode, 0, run.stderr);
        const [stack] = JSON.parse(run.stdout).stacks;
        assert.equal(stack.error, undefined, `${stack.error} at ${stack.where}`);
        assert.deepEqual(stack.outputs, { value: 42 });
    });

    it("transpiles with the TypeScript the SDK vendors when neither the project nor the SDK has one", async () => {
        const dir = project((target) => {
            fs.mkdirSync(target);
            for (const file of ["package.json", "typescript-shim.js"]) {
                fs.copyFileSync(path.join(SDK, file), path.join(target, file));
            }
            fs.symlinkSync(path.join(SDK, "vendor"), path.join(target, "vendor"), "dir");
        });
        made.push(dir);
        const compiler = typescriptFor(dir);
        assert.equal(compiler.module, path.join(dir, "node_modules", "@pulumi", "pulumi", "typescript-shim.js"));
        assert.equal(compiler.version, "3.8.3");
        assert.equal(compiler.load().version, "3.8.3");
        const run = await runCli(["plan", "--dir", dir, "--format", "json"], { engine: realPolicyEngine });
        const [stack] = JSON.parse(run.stdout).stacks;
        assert.equal(stack.error, undefined, `${stack.error} at ${stack.where}`);
        assert.deepEqual(stack.outputs, { value: 42 });
    });
});
