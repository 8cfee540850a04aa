/**
 * @slow: real bakes of the sample service's image (stacks/app/image.yaml, its Go binary built here with Debian's Go):
 * mmdebstrap from the Debian mirror, the disk assembled without mounts, QEMU boots (TCG) in BIOS, UEFI and UEFI
 * Secure Boot, the three clouds' formats, a second build from scratch. One bake is shared by the specs; a second,
 * with a failing smoke check, reuses its bootstrap through --cache. Several minutes: outside `npm test`'s time.
 *
 * Runs when IMMUTABLE_SLOW is set: `1` runs them or skips with the missing tool, `require` (.ci/run) fails
 * instead of skipping. `IMMUTABLE_SLOW=1 npx mocha test/bin/bake/bake.slow.spec.ts`, as root, with the packages
 * `.ci/run` installs.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BootMode, validateBakeManifest, type BakeManifest } from "../../../components/core/bakeManifest";
import { diskLayout, layoutSeed } from "../../../bin/lib/bake/gpt";
import { hostProblem, onPath } from "../../../bin/lib/bake/host";
import { runCli, type CliRun } from "../harness";

const APP = path.join(__dirname, "../../../stacks/app");
const GIT_SHA = "feedfacecafebeef0123456789abcdef01234567";
const EPOCH = "1700000000";
const MODE = process.env.IMMUTABLE_SLOW;

/** Why these specs cannot run here, or undefined. */
function missing(): string | undefined {
    const reasons = [
        hostProblem(true),
        onPath("go") ? undefined : "no Go toolchain for the sample service (apt-get install golang-go)",
    ];
    return reasons.filter(Boolean).join("; ") || undefined;
}

function sh(script: string, cwd?: string): string {
    return execFileSync("bash", ["-o", "pipefail", "-c", script], { cwd, maxBuffer: 64 * 1024 * 1024 })
        .toString()
        .trim();
}

describe("bake of the sample service image @slow", function () {
    this.timeout(60 * 60_000);
    let dir = "";
    let out = "";
    let run: CliRun;
    let manifest: BakeManifest;
    const timings: string[] = [];

    /** The sample service's directory copied (the repo tree is not written), the binary built into build/. */
    function definitionDir(name: string, edit: (text: string) => string = (t) => t): string {
        const d = path.join(dir, name);
        fs.mkdirSync(path.join(d, "build"), { recursive: true });
        fs.writeFileSync(path.join(d, "image.yaml"), edit(fs.readFileSync(path.join(APP, "image.yaml"), "utf8")));
        fs.copyFileSync(path.join(dir, "sample-service"), path.join(d, "build", "sample-service"));
        fs.chmodSync(path.join(d, "build", "sample-service"), 0o755);
        return path.join(d, "image.yaml");
    }

    async function bake(args: string[]): Promise<CliRun> {
        const started = Date.now();
        const r = await runCli([
            "bake",
            "--git-sha",
            GIT_SHA,
            "--source-date-epoch",
            EPOCH,
            "--work-dir",
            dir,
            ...args,
        ]);
        timings.push(`${args.slice(0, 4).join(" ")}: ${((Date.now() - started) / 1000).toFixed(0)}s`);
        return r;
    }

    before(async function () {
        if (!MODE) {
            console.log(
                "      skipped: slow real-part specs (QEMU boots, real bakes) run with IMMUTABLE_SLOW=1 (.ci/run sets it)",
            );
            return this.skip();
        }
        const why = missing();
        if (why) {
            if (MODE === "require") {
                throw new Error(`IMMUTABLE_SLOW=require but this host cannot bake: ${why}`);
            }
            console.log(`      skipped: ${why}`);
            return this.skip();
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-bake-slow-"));
        const started = Date.now();
        execFileSync(
            "go",
            [
                "build",
                "-trimpath",
                "-ldflags",
                `-s -w -buildid= -X main.version=v1 -X main.gitSha=${GIT_SHA}`,
                "-o",
                path.join(dir, "sample-service"),
                ".",
            ],
            {
                cwd: APP,
                env: {
                    ...process.env,
                    CGO_ENABLED: "0",
                    GOFLAGS: "-mod=mod",
                    GOCACHE: path.join(dir, "gocache"),
                    GOPATH: path.join(dir, "gopath"),
                },
            },
        );
        timings.push(`go build: ${((Date.now() - started) / 1000).toFixed(0)}s`);
        out = path.join(dir, "out");
        run = await bake([
            "--image",
            definitionDir("app"),
            "--version",
            "v1",
            "--out",
            out,
            "--verify-reproducible",
            "--cache",
            path.join(dir, "cache"),
        ]);
        if (run.exitCode === 0) {
            manifest = validateBakeManifest(
                JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")),
                "manifest.json",
            );
        }
    });

    after(() => {
        if (timings.length > 0) {
            console.log(`      timings: ${timings.join(", ")}`);
        }
        if (dir) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("bakes once and boots that disk in BIOS, UEFI and UEFI Secure Boot, each printing a passing smoke line", () => {
        assert.equal(run.exitCode, 0, run.stderr);
        assert.equal(run.stdout.trim(), out);
        assert.deepEqual(
            manifest.bootModes.map((b) => b.mode),
            [BootMode.Bios, BootMode.Uefi, BootMode.UefiSecureBoot],
        );
        const firmware = {
            [BootMode.Bios]: "firmware=bios secureboot=off",
            [BootMode.Uefi]: "firmware=uefi",
            [BootMode.UefiSecureBoot]: "firmware=uefi secureboot=on",
        };
        for (const b of manifest.bootModes) {
            assert.match(b.smoke, /^IMMUTABLE-SMOKE nonce=[0-9a-f]{16} result=pass /);
            assert.ok(b.smoke.includes(firmware[b.mode]), `${b.mode}: ${b.smoke}`);
            assert.match(b.smoke, / state=running failed=none checks=units:ok,http:ok kernel=\S+-cloud-amd64$/);
            assert.ok(b.seconds > 0 && b.seconds < 600);
        }
        console.log(`      boot times: ${manifest.bootModes.map((b) => `${b.mode} ${b.seconds}s`).join(", ")}`);
    });

    it("publishes disk.raw, the three formats, SHA256SUMS and the manifest, and nothing else", () => {
        assert.equal(run.exitCode, 0, run.stderr);
        assert.deepEqual(fs.readdirSync(out).sort(), [
            "SHA256SUMS",
            "disk.raw",
            "disk.raw.tar.gz",
            "disk.vhd",
            "disk.vmdk",
            "manifest.json",
        ]);
        assert.deepEqual(
            fs.readdirSync(dir).filter((e) => e.startsWith(".out") || e.startsWith("immutable-bake-")),
            [],
            "no staging or work directory is left",
        );
        const check = spawnSync("sha256sum", ["--strict", "-c", "SHA256SUMS"], { cwd: out });
        assert.equal(check.status, 0, check.stdout.toString() + check.stderr.toString());
        assert.equal(manifest.raw.sizeBytes, 2 * 1024 ** 3);
        assert.equal(manifest.formats.azure.sizeBytes, 2 * 1024 ** 3 + 512);
        assert.equal(manifest.formats.aws.format, "vmdk");
        assert.equal(manifest.sshServer, false);
        assert.equal(manifest.gitSha, GIT_SHA);
        assert.equal(manifest.sourceDateEpoch, Number(EPOCH));
        const def = fs.readFileSync(path.join(dir, "app", "image.yaml"));
        assert.equal(manifest.definitionSha256, `sha256:${createHash("sha256").update(def).digest("hex")}`);
        const names = manifest.packages.map((p) => p.name);
        for (const p of [
            "linux-image-cloud-amd64",
            "shim-signed",
            "grub-efi-amd64-signed",
            "grub-pc-bin",
            "cloud-init",
            "curl",
            "systemd",
        ]) {
            assert.ok(names.includes(p), `${p} is in the package set`);
        }
        assert.ok(!names.includes("openssh-server"));
        for (const tool of [
            "mmdebstrap",
            "e2fsprogs",
            "dosfstools",
            "mtools",
            "grub-common",
            "qemu-utils",
            "qemu-system-x86",
            "pigz",
        ]) {
            assert.match(manifest.tools[tool] ?? "", /\d/, `the ${tool} version is recorded`);
        }
        for (const s of [
            "resolve",
            "bootstrap",
            "customize",
            "assemble",
            "boot bios",
            "boot uefi",
            "formats",
            "verify",
            "reproduce",
        ]) {
            assert.ok(manifest.durationsMs[s] > 0, `step ${s} is timed`);
        }
        const sizes = (["raw", "gcp", "azure", "aws"] as const).map((k) => {
            const f = k === "raw" ? manifest.raw : manifest.formats[k];
            return `${f.file} ${(f.sizeBytes / 1024 / 1024).toFixed(1)} MiB (${(Number(sh(`du -k ${f.file} | cut -f1`, out)) / 1024).toFixed(1)} MiB on disk)`;
        });
        console.log(`      sizes: ${sizes.join(", ")}`);
        console.log(
            `      steps: ${Object.entries(manifest.durationsMs)
                .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}s`)
                .join(", ")}`,
        );
    });

    it("converts each format back to the same raw sha256 with the standard tools", () => {
        assert.equal(run.exitCode, 0, run.stderr);
        const raw = manifest.raw.sha256.slice(7);
        assert.equal(sh("sha256sum disk.raw | cut -d' ' -f1", out), raw);
        assert.equal(sh("tar --format=oldgnu -tzvf disk.raw.tar.gz | wc -l", out), "1");
        assert.equal(sh("tar -xOzf disk.raw.tar.gz disk.raw | sha256sum | cut -d' ' -f1", out), raw, "GCP: untar");
        assert.equal(
            sh(`head -c ${manifest.raw.sizeBytes} disk.vhd | sha256sum | cut -d' ' -f1`, out),
            raw,
            "Azure: the VHD minus its footer",
        );
        assert.equal(
            JSON.parse(sh("qemu-img info -f vpc --output=json disk.vhd", out))["virtual-size"],
            manifest.raw.sizeBytes,
        );
        assert.equal(
            sh(
                "qemu-img convert -f vmdk -O raw disk.vmdk back.raw && sha256sum back.raw | cut -d' ' -f1 && rm back.raw",
                out,
            ),
            raw,
            "AWS: the VMDK converted back",
        );
    });

    it("rebuilt from scratch, pinned to the recorded package set, gives the same raw sha256", () => {
        assert.equal(run.exitCode, 0, run.stderr);
        assert.match(
            run.stderr,
            new RegExp(
                `bake: reproduce done in .* a second build from scratch, pinned to the recorded ${manifest.packages.length} packages, gave the same ${manifest.raw.sha256}`,
            ),
        );
        // The identifiers on the disk are the ones derived from name and version.
        const layout = diskLayout(manifest.raw.sizeBytes, layoutSeed("sample-service", "v1"));
        const table = JSON.parse(sh("sfdisk --json disk.raw", out)).partitiontable;
        assert.equal(table.id.toLowerCase(), layout.diskGuid);
        assert.deepEqual(
            table.partitions.map((p: any) => p.uuid.toLowerCase()),
            layout.partitions.map((p) => p.guid),
        );
    });

    it("publishes nothing when the smoke check fails (the bootstrap comes from the cache)", async () => {
        assert.equal(run.exitCode, 0, run.stderr);
        const failing = path.join(dir, "failing-out");
        const r = await bake([
            "--image",
            definitionDir("failing", (t) =>
                t
                    .replace("http://127.0.0.1:8080/healthz", "http://127.0.0.1:8080/missing")
                    .replace("timeoutSeconds: 60", "timeoutSeconds: 5"),
            ),
            "--version",
            "v1",
            "--out",
            failing,
            "--cache",
            path.join(dir, "cache"),
        ]);
        assert.equal(r.exitCode, 1, r.stderr);
        assert.match(r.stderr, /bake: bootstrap done in .*\(from the cache\)/);
        assert.match(
            r.stderr,
            /immutable bake: FAILED at boot bios: smoke result fail \(state running, failed units none, checks units:ok,http:fail\)/,
        );
        assert.match(r.stderr, /Nothing was published\./);
        assert.ok(!fs.existsSync(failing), "nothing in --out");
        assert.deepEqual(
            fs.readdirSync(dir).filter((e) => e.startsWith(".failing-out") || e.startsWith("immutable-bake-")),
            [],
        );
    });

    it("refuses a package the mirror does not know before bootstrapping", async () => {
        const r = await bake([
            "--image",
            definitionDir("unknown", (t) =>
                t.replace(
                    "packages: [ca-certificates, curl]",
                    "packages: [ca-certificates, curl, immutable-no-such-package]",
                ),
            ),
            "--version",
            "v1",
            "--out",
            path.join(dir, "unknown-out"),
        ]);
        assert.equal(r.exitCode, 1);
        assert.match(
            r.stderr,
            /FAILED at resolve: unknown package immutable-no-such-package: not in bookworm, bookworm-updates or bookworm-security \(main\) at http:\/\/deb\.debian\.org\/debian/,
        );
        assert.doesNotMatch(r.stderr, /bootstrap \.\.\./);
    });
});
