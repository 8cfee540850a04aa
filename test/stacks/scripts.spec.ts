/**
 * The operator scripts of the blue-green flow, run for real against a stand-in `pulumi` (answering stack
 * outputs and config from files) and a local HTTP server standing in for the slots' smoke-test URLs.
 */
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { digestOf } from "../components/support/fixtures";

const STACKS = path.resolve(__dirname, "..", "..", "stacks");

/** A `pulumi` stand-in: `stack output [name] --json --stack S`, `config get|set`, `up` (logged). */
const FAKE_PULUMI = `#!/usr/bin/env node
const fs = require("fs"), path = require("path");
const dir = process.env.FAKE_PULUMI_DIR;
const args = process.argv.slice(2);
const stack = args[args.indexOf("--stack") + 1];
const read = (f, d) => (fs.existsSync(path.join(dir, f)) ? JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) : d);
fs.appendFileSync(path.join(dir, "calls.log"), args.join(" ") + "\\n");
if (args[0] === "stack" && args[1] === "output") {
    const outputs = read("outputs." + stack + ".json", {});
    const name = args[2] && !args[2].startsWith("--") ? args[2] : undefined;
    const value = name ? outputs[name] : outputs;
    if (value === undefined) { console.error("no output " + name); process.exit(1); }
    console.log(args.includes("--json") ? JSON.stringify(value) : value);
} else if (args[0] === "config" && args[1] === "get") {
    const config = read("config." + stack + ".json", {});
    if (!(args[2] in config)) { console.error("no config " + args[2]); process.exit(1); }
    console.log(config[args[2]]);
} else if (args[0] === "config" && args[1] === "set") {
    const config = read("config." + stack + ".json", {});
    config[args[2]] = args[3];
    fs.writeFileSync(path.join(dir, "config." + stack + ".json"), JSON.stringify(config));
} else if (args[0] === "up") {
    // logged above
} else { console.error("fake pulumi: unsupported " + args.join(" ")); process.exit(2); }
`;

interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

function run(script: string, args: string[], env: Record<string, string>): Promise<Run> {
    return new Promise((resolve) => {
        execFile(
            "bash",
            [path.join(STACKS, script), ...args],
            { env: { ...process.env, ...env }, timeout: 20000 },
            (err, stdout, stderr) => {
                resolve({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr });
            },
        );
    });
}

function which(cmd: string): boolean {
    return (process.env.PATH ?? "").split(path.delimiter).some((d) => fs.existsSync(path.join(d, cmd)));
}

describe("blue-green operator scripts", function () {
    let dir: string;
    let server: http.Server;
    let port: number;
    /** What each slot's instances report at /version. */
    const serving: Record<string, { version: string; healthy: boolean }> = {};

    before(async function () {
        if (!which("bash") || !which("curl")) {
            console.log("skipped: the operator scripts need bash and curl on PATH");
            this.skip();
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-scripts-"));
        fs.writeFileSync(path.join(dir, "pulumi"), FAKE_PULUMI, { mode: 0o755 });
        server = http.createServer((req, res) => {
            const url = new URL(req.url ?? "/", "http://localhost");
            const slot = url.searchParams.get("immutable-slot") ?? "blue";
            const s = serving[slot];
            if (!s || !s.healthy) {
                res.writeHead(503).end("unavailable");
            } else if (url.pathname === "/healthz") {
                res.writeHead(200).end("ok\n");
            } else if (url.pathname === "/version") {
                res.writeHead(200, { "content-type": "application/json" }).end(
                    JSON.stringify({ gitSha: "abc", slot, version: s.version }) + "\n",
                );
            } else {
                res.writeHead(404).end();
            }
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        port = (server.address() as AddressInfo).port;
    });

    after(() => {
        server?.close();
        if (dir) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    function writeStack(stack: string, outputs: unknown, config: Record<string, string>): Record<string, string> {
        fs.writeFileSync(path.join(dir, `outputs.${stack}.json`), JSON.stringify(outputs));
        fs.writeFileSync(path.join(dir, `config.${stack}.json`), JSON.stringify(config));
        fs.writeFileSync(path.join(dir, "calls.log"), "");
        return { PULUMI: path.join(dir, "pulumi"), FAKE_PULUMI_DIR: dir, SMOKE_ATTEMPTS: "2", SMOKE_INTERVAL: "0" };
    }

    function envOutputs(live: string) {
        const base = `http://127.0.0.1:${port}`;
        return {
            live,
            healthPath: "/healthz",
            url: base,
            smokeTestUrls: { blue: `${base}/?immutable-slot=blue`, green: `${base}/?immutable-slot=green` },
            slots: {
                blue: { version: "v42", image: `repo/api@${digestOf("v42")}` },
                green: { version: "v43", image: `repo/api@${digestOf("v43")}` },
            },
        };
    }

    it("passes when the idle slot answers its health path and reports its release and slot", async () => {
        serving.blue = { version: "v42", healthy: true };
        serving.green = { version: "v43", healthy: true };
        const env = writeStack("prod-aws", envOutputs("blue"), {});
        const r = await run("smoke-test.sh", ["prod-aws"], env);
        assert.equal(r.code, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /ok: green answers \/healthz and \/version reports v43 in slot green/);
    });

    it("fails, and says not to flip, when the idle slot runs another release than the stack expects", async () => {
        serving.green = { version: "v41", healthy: true };
        const env = writeStack("prod-aws", envOutputs("blue"), {});
        const r = await run("smoke-test.sh", ["prod-aws"], { ...env, SMOKE_ATTEMPTS: "1" });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /smoke test FAILED: prod-aws slot green never answered as release v43\. Do not flip\./);
    });

    it("refuses a slot that holds no release", async () => {
        const outputs = envOutputs("blue");
        delete (outputs.smokeTestUrls as Record<string, string>).green;
        const env = writeStack("prod-aws", outputs, {});
        const r = await run("smoke-test.sh", ["prod-aws"], env);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /slot green holds no release/);
    });

    it("fails when the idle slot never becomes healthy", async () => {
        serving.green = { version: "v43", healthy: false };
        const env = writeStack("prod-aws", envOutputs("blue"), {});
        const r = await run("smoke-test.sh", ["prod-aws", "green"], { ...env, SMOKE_ATTEMPTS: "1" });
        assert.equal(r.code, 1);
        assert.match(r.stdout, /is not healthy yet/);
    });

    it("deploy.sh pins the build stack's release into the idle slot, and first pins a live slot that follows current", async () => {
        const env = writeStack("prod-gcp", envOutputs("blue"), {
            "immutable:live": "blue",
            "immutable:blue": "current",
        });
        fs.writeFileSync(
            path.join(dir, "outputs.build.json"),
            JSON.stringify({ version: "v44", digest: digestOf("v44") }),
        );
        const r = await run("deploy.sh", ["prod-gcp"], { ...env, PULUMI_UP: "--yes" });
        assert.equal(r.code, 0, r.stderr + r.stdout);
        const config = JSON.parse(fs.readFileSync(path.join(dir, "config.prod-gcp.json"), "utf8"));
        assert.deepEqual(
            JSON.parse(config["immutable:blue"]),
            { version: "v42", digest: digestOf("v42") },
            "live slot pinned to what it runs",
        );
        assert.deepEqual(
            JSON.parse(config["immutable:green"]),
            { version: "v44", digest: digestOf("v44") },
            "idle slot gets the build's release",
        );
        assert.equal(config["immutable:lastDeployed"], "green");
        assert.equal(config["immutable:live"], "blue", "traffic untouched");
        assert.match(fs.readFileSync(path.join(dir, "calls.log"), "utf8"), /^up --stack prod-gcp --yes$/m);
    });

    it("deploy.sh records the live slot's revision in its pin, so traffic keeps naming the revision that exists", async () => {
        const outputs = {
            ...envOutputs("blue"),
            revisionNames: { blue: "sample-prod-blue-v42-0a1b2c3d", green: "sample-prod-green-v43-1b2c3d4e" },
        };
        const env = writeStack("prod-gcp", outputs, {
            "immutable:live": "blue",
            "immutable:blue": JSON.stringify({ version: "v42", digest: digestOf("v42") }),
        });
        fs.writeFileSync(
            path.join(dir, "outputs.build.json"),
            JSON.stringify({ version: "v44", digest: digestOf("v44") }),
        );
        const r = await run("deploy.sh", ["prod-gcp"], { ...env, PULUMI_UP: "skip" });
        assert.equal(r.code, 0, r.stderr + r.stdout);
        const config = JSON.parse(fs.readFileSync(path.join(dir, "config.prod-gcp.json"), "utf8"));
        assert.deepEqual(JSON.parse(config["immutable:blue"]), {
            version: "v42",
            digest: digestOf("v42"),
            revision: "sample-prod-blue-v42-0a1b2c3d",
        });
        assert.deepEqual(JSON.parse(config["immutable:green"]), { version: "v44", digest: digestOf("v44") });
    });
});
