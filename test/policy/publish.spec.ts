/**
 * Publishing: `pulumi policy publish` runs `npm pack` in the pack directory, so the staged copy that
 * policy/publish.sh assembles must be self-contained (every relative import resolves inside it) and `npm pack`
 * must ship what the policy host runs.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

function tsFiles(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) =>
            e.isDirectory()
                ? e.name === "node_modules"
                    ? []
                    : tsFiles(path.join(dir, e.name))
                : e.name.endsWith(".ts")
                  ? [path.join(dir, e.name)]
                  : [],
        );
}

describe("publishing the pack (policy/publish.sh --stage)", function () {
    this.timeout(60_000);
    let stage: string;

    before(() => {
        stage = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-stage-")), "pack");
        execFileSync("bash", [path.join(ROOT, "policy", "publish.sh"), "--stage", stage], { stdio: "pipe" });
    });

    after(() => fs.rmSync(path.dirname(stage), { recursive: true, force: true }));

    it("stages a copy in which every relative import resolves inside the pack", () => {
        const escapes: string[] = [];
        for (const file of tsFiles(stage)) {
            for (const m of fs.readFileSync(file, "utf8").matchAll(/(?:from|require\()\s*["'](\.{1,2}\/[^"']+)["']/g)) {
                const target = path.resolve(path.dirname(file), m[1]);
                const inside = target.startsWith(stage + path.sep);
                const exists = [".ts", ".json", "/index.ts", ""].some(
                    (ext) => fs.existsSync(target + ext) && fs.statSync(target + ext).isFile(),
                );
                if (!inside || !exists) {
                    escapes.push(`${path.relative(stage, file)} -> ${m[1]}`);
                }
            }
        }
        assert.deepEqual(escapes, []);
        assert.ok(fs.existsSync(path.join(stage, "vendor", "imageRef.ts")));
    });

    it("ships PulumiPolicy.yaml, package.json, the entry point and the vendored helper through npm pack", () => {
        const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
            cwd: stage,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
        const parsed = JSON.parse(out);
        const entry = Array.isArray(parsed) ? parsed[0] : Object.values(parsed)[0];
        const files = (entry as { files: Array<{ path: string }> }).files.map((f) => f.path);
        for (const f of [
            "PulumiPolicy.yaml",
            "package.json",
            "index.ts",
            "tsconfig.json",
            "vendor/imageRef.ts",
            "rules/adminIngressForbid.ts",
            "config/mandatory.json",
        ]) {
            assert.ok(files.includes(f), `npm pack ships ${f}`);
        }
    });
});
