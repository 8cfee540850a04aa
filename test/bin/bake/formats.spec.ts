/**
 * The three clouds' formats on small disks: the VHD footer we write (fields, geometry, checksum) read by our
 * reader and by qemu-img, GCP's oldgnu tar.gz read back to the raw bytes, the VMDK's CID made reproducible.
 * The tool-backed cases skip with the reason when qemu-img, tar or pigz is missing.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    FILES,
    patchVmdkCid,
    rawFromGcpTarball,
    rawFromVhd,
    rawFromVmdk,
    vmdkCid,
    writeAwsVmdk,
    writeAzureVhd,
    writeGcpTarball,
} from "../../../bin/lib/bake/formats";
import { onPath, sha256File } from "../../../bin/lib/bake/host";
import { VHD_FIXED, readVhdFooter, vhdChecksum, vhdFooter, vhdGeometry } from "../../../bin/lib/bake/vhd";

const MIB = 1024 * 1024;
const EPOCH = 1_700_000_000;

/** A sparse 4 MiB "disk" with some data in it. */
function smallDisk(dir: string): string {
    const raw = path.join(dir, FILES.raw);
    fs.writeFileSync(raw, "");
    fs.truncateSync(raw, 4 * MIB);
    const fd = fs.openSync(raw, "r+");
    fs.writeSync(fd, randomBytes(70_000), 0, 70_000, 512);
    fs.writeSync(fd, Buffer.from("the end"), 0, 7, 4 * MIB - 7);
    fs.closeSync(fd);
    return raw;
}

function needs(ctx: Mocha.Context, ...tools: string[]): void {
    const missing = tools.filter((t) => !onPath(t));
    if (missing.length > 0) {
        console.log(`      skipped: ${missing.join(", ")} not installed (apt-get install qemu-utils tar pigz)`);
        ctx.skip();
    }
}

describe("bake: Azure fixed VHD footer", () => {
    it("computes the specification's CHS geometry", () => {
        assert.deepEqual(vhdGeometry(2 * 1024 * MIB), { cylinders: 4161, heads: 16, sectorsPerTrack: 63 });
        assert.deepEqual(vhdGeometry(4 * MIB), { cylinders: 120, heads: 4, sectorsPerTrack: 17 });
        assert.deepEqual(vhdGeometry(200 * 1024 * MIB), { cylinders: 65535, heads: 16, sectorsPerTrack: 255 });
    });

    it("writes a fixed-disk footer that reads back with its fields and a valid checksum", () => {
        const id = "00112233445566778899aabbccddeeff";
        const footer = vhdFooter(2 * 1024 * MIB, EPOCH, id);
        assert.equal(footer.length, 512);
        assert.equal(footer.toString("latin1", 0, 8), "conectix");
        assert.equal(footer.readBigUInt64BE(16), 0xffffffffffffffffn, "a fixed disk has no data offset");
        const read = readVhdFooter(footer);
        assert.equal(read.sizeBytes, 2 * 1024 * MIB);
        assert.equal(read.timestamp, EPOCH);
        assert.equal(read.uniqueId, id);
        assert.equal(read.diskType, VHD_FIXED);
        assert.equal(footer.readUInt32BE(64), vhdChecksum(footer));
    });

    it("is the same bytes for the same inputs", () => {
        assert.deepEqual(vhdFooter(8 * MIB, EPOCH, "ab".repeat(16)), vhdFooter(8 * MIB, EPOCH, "ab".repeat(16)));
    });

    it("refuses a virtual size Azure would reject, and a footer whose checksum does not match", () => {
        assert.throws(() => vhdFooter(8 * MIB + 512, EPOCH, "ab".repeat(16)), /multiple of 1 MiB/);
        const footer = vhdFooter(8 * MIB, EPOCH, "ab".repeat(16));
        footer[100] ^= 1;
        assert.throws(() => readVhdFooter(footer), /checksum .* does not match/);
        assert.throws(() => readVhdFooter(Buffer.alloc(512)), /not a VHD footer/);
    });
});

describe("bake: formats from one raw disk", () => {
    let dir = "";
    let rawSha = "";
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-formats-"));
        rawSha = sha256File(smallDisk(dir));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("makes a VHD that is the raw disk plus the footer, read back to the raw sha256", () => {
        writeAzureVhd(dir, rawSha, EPOCH);
        const vhd = path.join(dir, FILES.azure);
        assert.equal(fs.statSync(vhd).size, 4 * MIB + 512);
        const back = rawFromVhd(vhd);
        assert.equal(back.raw, rawSha);
        assert.equal(back.file, sha256File(vhd));
    });

    it("makes a VHD qemu-img reads as a fixed vpc disk of the raw size", function () {
        needs(this, "qemu-img");
        writeAzureVhd(dir, rawSha, EPOCH);
        const info = JSON.parse(
            execFileSync("qemu-img", ["info", "-f", "vpc", "--output=json", path.join(dir, FILES.azure)]).toString(),
        );
        assert.equal(info.format, "vpc");
        assert.equal(info["virtual-size"], 4 * MIB);
        const back = path.join(dir, "back.raw");
        execFileSync("qemu-img", ["convert", "-f", "vpc", "-O", "raw", path.join(dir, FILES.azure), back]);
        assert.equal(sha256File(back), rawSha);
    });

    it("makes GCP's oldgnu tar.gz of exactly disk.raw, the same bytes twice, read back to the raw sha256", async function () {
        needs(this, "tar", "pigz");
        await writeGcpTarball(dir, EPOCH);
        const first = sha256File(path.join(dir, FILES.gcp));
        assert.equal(await rawFromGcpTarball(path.join(dir, FILES.gcp)), rawSha);
        const listing = execFileSync("tar", ["-tvzf", path.join(dir, FILES.gcp)])
            .toString()
            .trim()
            .split("\n");
        assert.equal(listing.length, 1);
        assert.match(listing[0], /0\/0 .* disk\.raw$/);
        fs.utimesSync(path.join(dir, FILES.raw), new Date(), new Date());
        await writeGcpTarball(dir, EPOCH);
        assert.equal(
            sha256File(path.join(dir, FILES.gcp)),
            first,
            "mtime, owner and gzip header do not depend on the build",
        );
    });

    it("refuses a tarball GCP would not import: another format, another name, a second member", async function () {
        needs(this, "tar", "pigz");
        const posix = path.join(dir, "posix.tar.gz");
        execFileSync("tar", ["--format=posix", "-czf", posix, "-C", dir, FILES.raw]);
        await assert.rejects(rawFromGcpTarball(posix), /the tar format is not oldgnu/);
        fs.copyFileSync(path.join(dir, FILES.raw), path.join(dir, "other.raw"));
        const renamed = path.join(dir, "renamed.tar.gz");
        execFileSync("tar", ["--format=oldgnu", "-czf", renamed, "-C", dir, "other.raw"]);
        await assert.rejects(rawFromGcpTarball(renamed), /the first member is "other.raw", GCP needs disk.raw/);
        const two = path.join(dir, "two.tar.gz");
        execFileSync("tar", ["--format=oldgnu", "-czf", two, "-C", dir, FILES.raw, "other.raw"]);
        await assert.rejects(rawFromGcpTarball(two), /holds more than disk.raw/);
    });

    it("makes a stream-optimized VMDK whose CID comes from the raw sha256, the same bytes twice, converted back to the raw disk", async function () {
        needs(this, "qemu-img");
        await writeAwsVmdk(dir, rawSha);
        const vmdk = path.join(dir, FILES.aws);
        const first = sha256File(vmdk);
        const info = JSON.parse(execFileSync("qemu-img", ["info", "--output=json", vmdk]).toString());
        assert.equal(info.format, "vmdk");
        assert.equal(info["format-specific"].data["create-type"], "streamOptimized");
        assert.match(fs.readFileSync(vmdk).toString("latin1", 0, 4096), new RegExp(`\nCID=${vmdkCid(rawSha)}\n`));
        await writeAwsVmdk(dir, rawSha);
        assert.equal(sha256File(vmdk), first, "qemu-img's random CID is replaced");
        assert.equal(await rawFromVmdk(vmdk, dir), rawSha);
    });
});

describe("bake: VMDK descriptor CID", () => {
    it("replaces the CID in place, keeping every other byte", () => {
        const header = Buffer.from(
            'KDMV....# Disk DescriptorFile\nversion=1\nCID=1a2b3c4d\nparentCID=ffffffff\ncreateType="streamOptimized"\n',
        );
        const out = patchVmdkCid(header, "0badcafe");
        assert.equal(out.length, header.length);
        assert.match(out.toString(), /\nCID=0badcafe\nparentCID=ffffffff\n/);
        assert.throws(() => patchVmdkCid(Buffer.from("no descriptor"), "0badcafe"), /no CID=<8 hex> line/);
    });

    it("derives an 8-hex CID per raw disk", () => {
        const a = vmdkCid(`sha256:${"a".repeat(64)}`);
        assert.match(a, /^[0-9a-f]{8}$/);
        assert.notEqual(a, vmdkCid(`sha256:${"b".repeat(64)}`));
        assert.equal(
            a,
            createHash("sha256")
                .update(`vmdk\0sha256:${"a".repeat(64)}`)
                .digest("hex")
                .slice(0, 8),
        );
    });
});
