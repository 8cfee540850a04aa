/**
 * `immutable bake` on the command line: bad usage exits 2, a refused definition or version exits 1 naming the
 * step, and in both cases nothing is created in --out. No tool runs: these refusals come first.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { resolveEpoch } from "../../../bin/commands/bake";
import { runCli } from "../harness";

/** A definition directory: the sample service's definition, edited, with a stand-in application binary. */
function definition(edit: (text: string) => string = (t) => t): { dir: string; file: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-bake-cli-"));
    fs.mkdirSync(path.join(dir, "build"));
    fs.writeFileSync(path.join(dir, "build", "sample-service"), "#!/bin/sh\n", { mode: 0o755 });
    const file = path.join(dir, "image.yaml");
    fs.writeFileSync(file, edit(fs.readFileSync(path.join(__dirname, "../../../stacks/app/image.yaml"), "utf8")));
    return { dir, file };
}

const common = ["--git-sha", "0123456789abcdef", "--source-date-epoch", "1700000000"];

describe("immutable bake (command line)", () => {
    it("refuses bad usage with exit status 2", async () => {
        const { dir, file } = definition();
        const r = await runCli(["bake", "--image", file, "--version", "v1", "--upload", "s3://bucket", ...common]);
        assert.equal(r.exitCode, 2);
        assert.match(r.stderr, /immutable bake: --upload s3:\/\/bucket: expected CLOUD=URL/);
        const missing = await runCli(["bake", "--image", file]);
        assert.equal(missing.exitCode, 2);
        assert.match(missing.stderr, /required option '--version <version>' not specified/);
        const epoch = await runCli([
            "bake",
            "--image",
            file,
            "--version",
            "v1",
            "--git-sha",
            "0123456789abcdef",
            "--source-date-epoch",
            "yesterday",
        ]);
        assert.equal(epoch.exitCode, 2);
        assert.match(epoch.stderr, /SOURCE_DATE_EPOCH must be a whole number of seconds, got "yesterday"/);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("refuses an SSH server without the flag (exit 1, step check) and creates nothing in --out", async () => {
        const { dir, file } = definition((t) =>
            t.replace("packages: [ca-certificates, curl]", "packages: [ca-certificates, curl, openssh-server]"),
        );
        const out = path.join(dir, "out");
        const r = await runCli(["bake", "--image", file, "--version", "v1", "--out", out, ...common]);
        assert.equal(r.exitCode, 1);
        assert.match(
            r.stderr,
            /immutable bake: FAILED at check: .*image\.yaml: packages openssh-server run an SSH server/,
        );
        assert.ok(!fs.existsSync(out));
        assert.deepEqual(fs.readdirSync(dir).sort(), ["build", "image.yaml"], "no staging directory is left either");
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("refuses a boot-time install and a missing application, each with its reason", async () => {
        const boot = definition((t) =>
            t.replace(
                "  datasources: [Ec2, GCE, Azure]",
                '  datasources: [Ec2, GCE, Azure]\n  config:\n    runcmd: ["pip install flask"]',
            ),
        );
        const r = await runCli(["bake", "--image", boot.file, "--version", "v1", ...common]);
        assert.equal(r.exitCode, 1);
        assert.match(
            r.stderr,
            /FAILED at check: .*cloudInit\.config runs a language package install at boot: "pip install flask"/,
        );
        fs.rmSync(boot.dir, { recursive: true, force: true });
        const app = definition();
        fs.rmSync(path.join(app.dir, "build"), { recursive: true });
        const a = await runCli(["bake", "--image", app.file, "--version", "v1", ...common]);
        assert.equal(a.exitCode, 1);
        assert.match(
            a.stderr,
            /application\.binary "build\/sample-service" does not exist .*: build the application first/,
        );
        fs.rmSync(app.dir, { recursive: true, force: true });
    });

    it("refuses the moving version latest before any tool runs", async () => {
        const { dir, file } = definition();
        const r = await runCli([
            "bake",
            "--image",
            file,
            "--version",
            "latest",
            "--out",
            path.join(dir, "out"),
            ...common,
        ]);
        assert.equal(r.exitCode, 1);
        assert.match(r.stderr, /FAILED at check: --version "latest" must name one release/);
        assert.ok(!fs.existsSync(path.join(dir, "out")));
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("never overwrites an output directory that holds something", async () => {
        const { dir, file } = definition();
        const out = path.join(dir, "out");
        fs.mkdirSync(out);
        fs.writeFileSync(path.join(out, "manifest.json"), "{}");
        const r = await runCli(["bake", "--image", file, "--version", "v1", "--out", out, ...common]);
        assert.equal(r.exitCode, 1);
        assert.match(r.stderr, /FAILED at check: --out .*out already exists and is not an empty directory/);
        assert.deepEqual(fs.readdirSync(out), ["manifest.json"]);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("takes SOURCE_DATE_EPOCH from the flag, the environment, a pinned manifest, else the commit time", async () => {
        const repo = path.join(__dirname, "../../..");
        assert.equal(await resolveEpoch("5", { SOURCE_DATE_EPOCH: "6" }, 7, "HEAD", repo), 5);
        assert.equal(await resolveEpoch(undefined, { SOURCE_DATE_EPOCH: "6" }, 7, "HEAD", repo), 6);
        assert.equal(await resolveEpoch(undefined, {}, 7, "HEAD", repo), 7);
        const head = await resolveEpoch(undefined, {}, undefined, "HEAD", repo);
        assert.ok(head > 1_600_000_000, `the commit time of HEAD, got ${head}`);
        await assert.rejects(
            resolveEpoch(undefined, {}, undefined, "0".repeat(40), repo),
            /cannot tell SOURCE_DATE_EPOCH: commit 0{40} is not in the repository/,
        );
    });
});
