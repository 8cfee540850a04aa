import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "immutable");
const LEGACY = path.join(__dirname, "fixtures", "legacy-stack-export.json");

/** PATH as a shell has it: npm run's node_modules/.bin (the repository's Node 22) left out. */
const SHELL_PATH = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((p) => !p.endsWith(`node_modules${path.sep}.bin`))
    .join(path.delimiter);

/** What one process of the command line loaded, recorded by a --require probe when it exits. */
interface Loaded {
    pid: number;
    ppid: number;
    node: string;
    modules: string[];
}

/** Runs bin/immutable as a shell would; returns its output and what every Node process of the run loaded. */
function run(args: string[], input?: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-exe-"));
    const record = path.join(dir, "loaded.jsonl");
    const probe = path.join(dir, "probe.js");
    fs.writeFileSync(
        probe,
        `process.on("exit", () => require("fs").appendFileSync(${JSON.stringify(record)}, JSON.stringify(` +
            `{ pid: process.pid, ppid: process.ppid, node: process.version, modules: Object.keys(require.cache) }) + "\\n"));\n`,
    );
    const res = spawnSync(BIN, args, {
        encoding: "utf8",
        input,
        env: { ...process.env, PATH: SHELL_PATH, NO_COLOR: "1", NODE_OPTIONS: `--require ${probe}` },
    });
    const loaded: Loaded[] = fs.existsSync(record)
        ? fs
              .readFileSync(record, "utf8")
              .trim()
              .split("\n")
              .map((l) => JSON.parse(l))
        : [];
    fs.rmSync(dir, { recursive: true, force: true });
    // In start order (a re-executed child exits, and so writes, before its parent).
    loaded.sort((a, b) => (a.pid === b.ppid ? -1 : b.pid === a.ppid ? 1 : 0));
    // A checkout rebuilds dist/ first when a source changed (bin/build.js): that notice is not the command's output.
    const stderr = res.stderr.replace(/^immutable: (the sources changed|built with).*\n/gm, "");
    return { status: res.status, stdout: res.stdout, stderr, loaded };
}

/** Packages a fast command must not load: the cloud SDKs, the Pulumi runtime, gRPC, a TypeScript compiler. */
const HEAVY =
    /node_modules\/(@pulumi\/(pulumi|aws|gcp|azure-native|docker-build|docker)|@grpc\/grpc-js|typescript|ts-node)\//;

function assertLean(loaded: Loaded[]): void {
    assert.equal(loaded.length, 1, `one Node process, got ${loaded.map((l) => `${l.pid} ${l.node}`).join(", ")}`);
    const heavy = loaded[0]!.modules.filter((m) => HEAVY.test(m));
    assert.deepEqual(heavy, [], "no cloud SDK, Pulumi runtime, gRPC or TypeScript compiler loaded");
    const ours = loaded[0]!.modules.filter((m) => !m.includes(`${path.sep}node_modules${path.sep}`));
    const source = ours.filter((m) => m.startsWith(ROOT) && !m.startsWith(path.join(ROOT, "dist")) && m !== BIN);
    assert.deepEqual(
        source.filter((m) => !m.endsWith("build.js")),
        [],
        "runs the compiled JavaScript of dist/, never the sources",
    );
}

describe("bin/immutable as a real process (the node on PATH, compiled JavaScript)", function () {
    this.timeout(60_000);

    before(() => {
        // Brings dist/ up to date once, so the runs below measure nothing but themselves.
        spawnSync(BIN, ["--help"], { env: { ...process.env, PATH: SHELL_PATH } });
    });

    it("is the package's executable and prints its help with exit 0", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        assert.equal(pkg.bin.immutable, "bin/immutable");
        assert.ok((fs.statSync(BIN).mode & 0o111) !== 0, "bin/immutable is executable");
        const help = run(["--help"]);
        assert.equal(help.status, 0, help.stderr);
        assert.match(help.stdout, /^Usage: immutable \[options\] \[command\]/);
        for (const command of ["plan", "audit"]) assert.match(help.stdout, new RegExp(`^  ${command} `, "m"));
        assert.equal(help.stderr, "");
    });

    it("prints --help in one process that loads no cloud SDK, no gRPC and no TypeScript compiler", () => {
        const help = run(["--help"]);
        assert.equal(help.status, 0, help.stderr);
        assertLean(help.loaded);
    });

    it("audits a stack export in one process without the Pulumi runtime: exit 1 on the legacy export's violations", () => {
        const audit = run(["audit", LEGACY, "--format", "json"]);
        assert.equal(audit.status, 1, audit.stderr);
        const result = JSON.parse(audit.stdout);
        assert.ok(result.violations.some((v: { enforcementLevel: string }) => v.enforcementLevel === "mandatory"));
        assertLean(audit.loaded);
    });

    it("reads standard input and exits 2 with one line on input that is not JSON", () => {
        const bad = run(["audit", "-"], "not json");
        assert.equal(bad.status, 2);
        assert.match(bad.stderr, /^immutable audit: <stdin>: malformed JSON: .*\n$/);
        assert.equal(bad.stdout, "");
    });

    it("plans on a Node the installed @pulumi/pulumi supports: this checkout's Node 22 when the one on PATH is older", () => {
        const sdkNode = Number(/\d+/.exec(require("@pulumi/pulumi/package.json").engines?.node ?? "0")![0]);
        const plan = run(["plan", "--stack", "dev-aws", "--format", "json"]);
        assert.equal(plan.status, 0, plan.stderr);
        assert.equal(JSON.parse(plan.stdout).stacks[0].stack, "dev-aws");
        const nodes = plan.loaded.map((l) => Number(l.node.slice(1).split(".")[0]));
        const pathNode = nodes[0]!;
        if (pathNode < sdkNode) {
            assert.deepEqual(nodes.slice(1), [22], "re-executed once, on the repository's Node 22");
            assert.deepEqual(
                plan.loaded[0]!.modules.filter((m) => HEAVY.test(m)),
                [],
                "the first process loads no SDK",
            );
        } else {
            assert.equal(nodes.length, 1, "one process when the node on PATH is new enough");
        }
    });

    it("exits 0 on an empty stack export", () => {
        const empty = run(["audit", "-", "--format", "json"], JSON.stringify({ version: 3, deployment: {} }));
        assert.equal(empty.status, 0, empty.stderr);
        assert.deepEqual(JSON.parse(empty.stdout), { resources: 0, violations: [], remediated: [], notJudged: [] });
        assertLean(empty.loaded);
    });
});
