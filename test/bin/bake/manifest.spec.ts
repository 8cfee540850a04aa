/**
 * What a bake publishes besides the disks: the immutable.bake/v1 manifest (valid by the contract's own reader,
 * components/core/bakeManifest.ts), SHA256SUMS as `sha256sum -c` reads it, the package set a rebuild pins, and
 * the upload commands and records for users with credentials.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BAKE_MANIFEST_SCHEMA, BootMode, validateBakeManifest } from "../../../components/core/bakeManifest";
import { Cloud } from "../../../components/core/clouds";
import { StepError } from "../../../bin/lib/release/errors";
import {
    buildBakeManifest,
    readPins,
    sha256Sums,
    writeBakeManifest,
    type BakeManifestInput,
} from "../../../bin/lib/bake/manifest";
import { parseUploads, uploadPlan, uploadUnavailable } from "../../../bin/lib/bake/upload";

const sha = (c: string) => `sha256:${c.repeat(64)}`;
const input: BakeManifestInput = {
    name: "sample-service",
    version: "v1",
    gitSha: "0123456789abcdef0123456789abcdef01234567",
    raw: { file: "disk.raw", sha256: sha("a"), sizeBytes: 2 * 1024 ** 3 },
    gcp: { file: "disk.raw.tar.gz", sha256: sha("b"), sizeBytes: 200_000_000 },
    azure: { file: "disk.vhd", sha256: sha("c"), sizeBytes: 2 * 1024 ** 3 + 512 },
    aws: { file: "disk.vmdk", sha256: sha("d"), sizeBytes: 190_000_000 },
    bootTests: [
        { mode: BootMode.Bios, smoke: "IMMUTABLE-SMOKE nonce=1 result=pass firmware=bios", seconds: 24.1 },
        { mode: BootMode.Uefi, smoke: "IMMUTABLE-SMOKE nonce=2 result=pass firmware=uefi", seconds: 26.3 },
    ],
    sshServer: false,
    packages: [
        { name: "curl", version: "7.88.1-10+deb12u14", arch: "amd64" },
        { name: "systemd", version: "252.39-1~deb12u1", arch: "amd64" },
    ],
    definitionSha256: sha("e"),
    tools: { mmdebstrap: "1.3.5-7", e2fsprogs: "1.47.0-2" },
    durationsMs: { bootstrap: 71_000, assemble: 8_000, "boot bios": 24_100 },
    builtAt: new Date("2026-11-29T12:00:00Z"),
    sourceDateEpoch: 1_700_000_000,
};

describe("bake: the manifest", () => {
    it("is a valid immutable.bake/v1 manifest: the raw disk, one file per cloud (AWS as VMDK), the boot tests", () => {
        const m = buildBakeManifest(input);
        assert.equal(m.schema, BAKE_MANIFEST_SCHEMA);
        assert.deepEqual(validateBakeManifest(JSON.parse(JSON.stringify(m)), "spec"), m);
        assert.deepEqual(m.formats.aws, { ...input.aws, format: "vmdk" });
        assert.deepEqual(
            m.bootModes.map((b) => b.mode),
            ["bios", "uefi"],
        );
        assert.equal(m.builtAt, "2026-11-29T12:00:00.000Z");
        assert.equal(m.sourceDateEpoch, 1_700_000_000);
        assert.equal(m.uploads, undefined, "nothing uploaded, no uploads field");
    });

    it("is written atomically and read back through the contract's validator", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-bake-manifest-"));
        const file = path.join(dir, "manifest.json");
        const written = writeBakeManifest(file, buildBakeManifest(input));
        assert.equal(written.raw.sha256, sha("a"));
        assert.deepEqual(fs.readdirSync(dir), ["manifest.json"]);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("lists the disk files in SHA256SUMS as sha256sum -c checks them", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-sums-"));
        fs.writeFileSync(path.join(dir, "disk.raw"), "raw bytes");
        const real = spawnSync("sha256sum", ["disk.raw"], { cwd: dir }).stdout.toString().split(" ")[0];
        fs.writeFileSync(
            path.join(dir, "SHA256SUMS"),
            sha256Sums([{ file: "disk.raw", sha256: `sha256:${real}`, sizeBytes: 9 }]),
        );
        const check = spawnSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: dir });
        assert.equal(check.status, 0, check.stdout.toString() + check.stderr.toString());
        assert.equal(
            sha256Sums([input.raw, input.gcp]),
            `${"a".repeat(64)}  disk.raw\n${"b".repeat(64)}  disk.raw.tar.gz\n`,
        );
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("gives a later rebuild its package set and SOURCE_DATE_EPOCH (--pin-packages)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-pins-"));
        const file = path.join(dir, "manifest.json");
        writeBakeManifest(file, buildBakeManifest(input));
        const pins = readPins(file);
        assert.deepEqual(pins.packages, input.packages);
        assert.equal(pins.sourceDateEpoch, 1_700_000_000);
        fs.writeFileSync(file, JSON.stringify({ ...buildBakeManifest(input), packages: [{ name: "curl" }] }));
        assert.throws(
            () => readPins(file),
            (e: any) => e instanceof StepError && /packages\[0\] must be \{name, version, arch\}/.test(e.reason),
        );
        fs.writeFileSync(file, "{");
        assert.throws(() => readPins(file), /cannot read a bake manifest/);
        fs.rmSync(dir, { recursive: true, force: true });
    });
});

describe("bake: uploads", () => {
    const manifest = buildBakeManifest(input);

    it("accepts one location per cloud in that cloud's form", () => {
        assert.deepEqual(
            parseUploads([
                "aws=s3://my-images/baked",
                "gcp=gs://my-images",
                "azure=https://acct1.blob.core.windows.net/vhds/baked?sv=1&sig=x",
            ]),
            [
                { cloud: Cloud.Aws, url: "s3://my-images/baked" },
                { cloud: Cloud.Gcp, url: "gs://my-images" },
                { cloud: Cloud.Azure, url: "https://acct1.blob.core.windows.net/vhds/baked?sv=1&sig=x" },
            ],
        );
        assert.throws(() => parseUploads(["s3://x/y"]), /expected CLOUD=URL with CLOUD one of aws, gcp, azure/);
        assert.throws(() => parseUploads(["aws=gs://x"]), /--upload aws=gs:\/\/x: expected aws=s3:\/\/BUCKET\/PREFIX/);
        assert.throws(() => parseUploads(["gcp=gs://images-a", "gcp=gs://images-b"]), /--upload gcp is given twice/);
    });

    it("uploads the VMDK to S3 under name/version with its sha256, and records bucket and key", () => {
        const plan = uploadPlan({ cloud: Cloud.Aws, url: "s3://my-images/baked/" }, manifest, "/out");
        assert.equal(plan.command, "aws");
        assert.deepEqual(plan.args.slice(0, 4), [
            "s3",
            "cp",
            "/out/disk.vmdk",
            "s3://my-images/baked/sample-service/v1/disk.vmdk",
        ]);
        assert.ok(plan.args.includes(`sha256=${"d".repeat(64)}`));
        assert.deepEqual(plan.record, { aws: { bucket: "my-images", key: "baked/sample-service/v1/disk.vmdk" } });
    });

    it("uploads the tar.gz to GCS without overwriting, and records the https URL Compute Engine imports", () => {
        const plan = uploadPlan({ cloud: Cloud.Gcp, url: "gs://my-images" }, manifest, "/out");
        assert.equal(plan.command, "gsutil");
        assert.ok(plan.args.includes("-n"));
        assert.equal(plan.args.at(-1), "gs://my-images/sample-service/v1/disk.raw.tar.gz");
        assert.deepEqual(plan.record, {
            gcp: { url: "https://storage.googleapis.com/my-images/sample-service/v1/disk.raw.tar.gz" },
        });
    });

    it("uploads the VHD as a page blob, never overwriting, and keeps the SAS token out of the manifest", () => {
        const plan = uploadPlan(
            { cloud: Cloud.Azure, url: "https://acct1.blob.core.windows.net/vhds?sv=1&sig=secret" },
            manifest,
            "/out",
        );
        assert.equal(plan.command, "azcopy");
        assert.equal(
            plan.args[2],
            "https://acct1.blob.core.windows.net/vhds/sample-service/v1/disk.vhd?sv=1&sig=secret",
        );
        assert.deepEqual(plan.args.slice(3, 7), ["--blob-type", "PageBlob", "--overwrite", "false"]);
        assert.deepEqual(plan.record, {
            azure: { url: "https://acct1.blob.core.windows.net/vhds/sample-service/v1/disk.vhd" },
        });
        assert.deepEqual(validateBakeManifest({ ...manifest, uploads: plan.record }, "spec").uploads, plan.record);
    });

    it("says why an upload cannot run here: the cloud's tool or credentials are missing", () => {
        const env = { PATH: "/nonexistent", HOME: "/nonexistent" };
        assert.equal(uploadUnavailable({ cloud: Cloud.Aws, url: "s3://b" }, env), "the aws CLI is not on PATH");
        assert.equal(uploadUnavailable({ cloud: Cloud.Gcp, url: "gs://b" }, env), "gsutil is not on PATH");
        assert.equal(
            uploadUnavailable({ cloud: Cloud.Azure, url: "https://a1b.blob.core.windows.net/c" }, env),
            "azcopy is not on PATH",
        );
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-bin-"));
        fs.writeFileSync(path.join(bin, "aws"), "#!/bin/sh\n", { mode: 0o755 });
        assert.match(
            uploadUnavailable({ cloud: Cloud.Aws, url: "s3://b" }, { PATH: bin, HOME: "/nonexistent" })!,
            /no AWS credentials/,
        );
        assert.equal(
            uploadUnavailable(
                { cloud: Cloud.Aws, url: "s3://b" },
                { PATH: bin, HOME: "/nonexistent", AWS_PROFILE: "ci" },
            ),
            undefined,
        );
        fs.rmSync(bin, { recursive: true, force: true });
    });
});
