/** `immutable release` usage: what is refused before anything is built (exit status 2 for bad usage). */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GIT_SHA_VARIABLES } from "../../../bin/lib/release/source";
import { runCli } from "../harness";

const FIXTURE = path.join(__dirname, "fixture");
const base = [
    "release",
    "--context",
    FIXTURE,
    "--version",
    "v1",
    "--git-sha",
    "0123456789abcdef",
    "--registry",
    "aws=127.0.0.1:5001/app",
];

describe("immutable release (command line)", () => {
    const usage: Array<[string, string[], RegExp]> = [
        [
            "no smoke test and no --skip-smoke",
            [],
            /--smoke URL\|COMMAND is required .* --skip-smoke publishes an untested image deliberately/,
        ],
        [
            "--smoke together with --skip-smoke",
            ["--smoke", "true", "--skip-smoke"],
            /--smoke and --skip-smoke exclude each other/,
        ],
        [
            "a registry without a name on an unknown host",
            ["--smoke", "true", "--registry", "127.0.0.1:5002/app"],
            /cannot tell which cloud 127.0.0.1:5002 belongs to/,
        ],
        [
            "a registry given with a tag",
            ["--smoke", "true", "--registry", "gcp=127.0.0.1:5002/app:v1"],
            /give the repository only/,
        ],
        [
            "a secret without an id",
            ["--smoke", "true", "--secret", "src=/tmp/token"],
            /--secret src=\/tmp\/token: expected id=NAME,src=FILE/,
        ],
        [
            "a timeout that is not a positive number",
            ["--smoke", "true", "--smoke-timeout", "-3"],
            /--smoke-timeout must be a positive number of seconds, got "-3"/,
        ],
    ];
    for (const [what, extra, message] of usage) {
        it(`refuses ${what} with exit status 2`, async () => {
            const run = await runCli([...base, ...extra]);
            assert.equal(run.exitCode, 2, run.stderr);
            assert.match(run.stderr, message);
            assert.equal(run.stdout, "");
        });
    }

    it("requires --context and --version", async () => {
        const run = await runCli(["release", "--registry", "aws=127.0.0.1:5001/app", "--smoke", "true"]);
        assert.equal(run.exitCode, 2);
        assert.match(run.stderr, /required option '--context <dir>' not specified/);
    });

    it("refuses a context without a git commit when no --git-sha or CI variable names one", async () => {
        const saved = GIT_SHA_VARIABLES.map((v) => [v, process.env[v]] as const);
        GIT_SHA_VARIABLES.forEach((v) => delete process.env[v]);
        try {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-nogit-"));
            const run = await runCli([
                "release",
                "--context",
                dir,
                "--version",
                "v1",
                "--registry",
                "aws=127.0.0.1:5001/app",
                "--smoke",
                "true",
            ]);
            assert.equal(run.exitCode, 1);
            assert.match(run.stderr, /FAILED at check: cannot tell the git commit of .* pass --git-sha/);
            fs.rmSync(dir, { recursive: true, force: true });
        } finally {
            for (const [v, value] of saved) {
                if (value !== undefined) {
                    process.env[v] = value;
                }
            }
        }
    });

    it("documents every option in its help", async () => {
        const run = await runCli(["release", "--help"]);
        for (const option of [
            "--context",
            "--dockerfile",
            "--version",
            "--registry",
            "--smoke",
            "--smoke-timeout",
            "--secret",
            "--platform",
            "--out",
            "--build-timeout",
            "--push-timeout",
        ]) {
            assert.ok(run.stdout.includes(option), `${option} missing from:\n${run.stdout}`);
        }
    });
});
