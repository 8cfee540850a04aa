import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const BIN = path.join(__dirname, "..", "..", "bin", "immutable");

describe("bin/immutable as a real process", () => {
    it("is the package's executable and prints its help with exit 0", function () {
        this.timeout(30000);
        const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
        assert.equal(pkg.bin.immutable, "bin/immutable");
        assert.ok((fs.statSync(BIN).mode & 0o111) !== 0, "bin/immutable is executable");
        const run = spawnSync(BIN, ["--help"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stdout, /^Usage: immutable \[options\] \[command\]/);
        for (const command of ["plan", "audit"]) assert.match(run.stdout, new RegExp(`^  ${command} `, "m"));
        assert.equal(run.stderr, "");
    });
});
