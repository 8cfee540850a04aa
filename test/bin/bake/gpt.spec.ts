/**
 * The disk layout as pure math (hybrid GPT: BIOS boot, ESP, root last), the identifiers derived from name and
 * version, and what grub-bios-setup would write (boot.img in sector 0, core.img's block list), checked against
 * GRUB's own offsets; sfdisk itself, when installed, reads the layout back.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    BOOT_IMG,
    MIB,
    PARTITION_TYPES,
    PartitionRole,
    SECTOR,
    derivedGuid,
    diskLayout,
    layoutSeed,
    partition,
    patchBootSector,
    patchCoreImage,
    sfdiskScript,
} from "../../../bin/lib/bake/gpt";
import { allocatedInodes } from "../../../bin/lib/bake/disk";
import { onPath } from "../../../bin/lib/bake/host";

const GIB = 1024 * MIB;
const seed = layoutSeed("sample-service", "v1");

describe("bake: GPT layout", () => {
    it("lays out BIOS boot (1-4 MiB), ESP (4-128 MiB) and root to 1 MiB before the end, all MiB-aligned", () => {
        const layout = diskLayout(2 * GIB, seed);
        const [bios, esp, root] = layout.partitions;
        assert.deepEqual(
            layout.partitions.map((p) => [p.role, p.number, p.typeGuid]),
            [
                [PartitionRole.BiosBoot, 1, PARTITION_TYPES.biosBoot],
                [PartitionRole.Esp, 2, PARTITION_TYPES.esp],
                [PartitionRole.Root, 3, PARTITION_TYPES.rootX86_64],
            ],
        );
        assert.equal(bios.startSector * SECTOR, 1 * MIB);
        assert.equal(esp.startSector, bios.startSector + bios.sizeSectors);
        assert.equal(root.startSector, esp.startSector + esp.sizeSectors);
        assert.equal((esp.startSector + esp.sizeSectors) * SECTOR, 128 * MIB);
        assert.equal(
            (root.startSector + root.sizeSectors) * SECTOR,
            2 * GIB - MIB,
            "the last MiB holds the backup GPT",
        );
        for (const p of layout.partitions) {
            assert.equal((p.startSector * SECTOR) % MIB, 0, `${p.role} starts on a MiB boundary`);
            assert.equal((p.sizeSectors * SECTOR) % MIB, 0, `${p.role} is whole MiB`);
        }
    });

    it("derives every identifier from name and version: the same twice, another for another version", () => {
        const a = diskLayout(2 * GIB, seed);
        assert.deepEqual(diskLayout(2 * GIB, seed), a);
        const b = diskLayout(2 * GIB, layoutSeed("sample-service", "v2"));
        assert.notEqual(a.diskGuid, b.diskGuid);
        assert.notEqual(a.rootFsUuid, b.rootFsUuid);
        assert.notEqual(a.espVolumeId, b.espVolumeId);
        const ids = [a.diskGuid, a.rootFsUuid, ...a.partitions.map((p) => p.guid)];
        assert.equal(new Set(ids).size, ids.length, "no identifier is used twice");
        assert.match(a.espVolumeId, /^[0-9A-F]{8}$/);
    });

    it("formats derived GUIDs as RFC 9562 version 8 UUIDs", () => {
        const g = derivedGuid("x", "disk");
        assert.match(g, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });

    it("refuses sizes that are not whole MiB or leave root too small", () => {
        assert.throws(() => diskLayout(2 * GIB + 512, seed), /whole number of MiB/);
        assert.throws(() => diskLayout(256 * MIB, seed), /leaves 127 MiB for root, less than 256 MiB/);
    });

    it("writes an sfdisk script with the fixed GUIDs in sectors", () => {
        const layout = diskLayout(2 * GIB, seed);
        const script = sfdiskScript(layout);
        assert.match(script, /^label: gpt\nlabel-id: [0-9A-F-]{36}\nunit: sectors\n/);
        assert.match(
            script,
            new RegExp(`start=2048, size=6144, type=${PARTITION_TYPES.biosBoot}, uuid=[0-9A-F-]{36}, name="bios"`),
        );
        assert.match(
            script,
            new RegExp(`start=262144, size=${(2 * GIB - 129 * MIB) / SECTOR}, type=${PARTITION_TYPES.rootX86_64}`),
        );
    });

    it("is what sfdisk writes and reads back (when sfdisk is installed)", function () {
        if (!onPath("sfdisk")) {
            console.log("      skipped: sfdisk is not installed (apt-get install fdisk)");
            return this.skip();
        }
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-gpt-"));
        const file = path.join(dir, "disk.raw");
        const layout = diskLayout(512 * MIB, seed);
        fs.writeFileSync(file, "");
        fs.truncateSync(file, layout.sizeBytes);
        const r = spawnSync("sfdisk", ["--no-reread", "--no-tell-kernel", "--quiet", file], {
            input: sfdiskScript(layout),
        });
        assert.equal(r.status, 0, r.stderr.toString());
        const table = JSON.parse(execFileSync("sfdisk", ["--json", file]).toString()).partitiontable;
        assert.equal(table.id.toLowerCase(), layout.diskGuid);
        assert.deepEqual(
            table.partitions.map((p: any) => [p.start, p.size, p.type, p.uuid.toLowerCase(), p.name]),
            layout.partitions.map((p) => [p.startSector, p.sizeSectors, p.typeGuid, p.guid, p.name]),
        );
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("finds partitions by role", () => {
        const layout = diskLayout(2 * GIB, seed);
        assert.equal(partition(layout, PartitionRole.Esp).number, 2);
        assert.throws(() => partition({ ...layout, partitions: [] }, PartitionRole.Root), /no root partition/);
    });
});

describe("bake: BIOS boot code without grub-bios-setup", () => {
    const bootImg = Buffer.alloc(SECTOR, 0xaa);
    bootImg.writeBigUInt64LE(1n, BOOT_IMG.kernelSector);
    bootImg[BOOT_IMG.driveCheck] = 0xeb;
    bootImg[BOOT_IMG.driveCheck + 1] = 0x05;
    const sector0 = Buffer.alloc(SECTOR);
    sector0.fill(0x11, BOOT_IMG.partitionTableStart); // the protective MBR
    sector0[510] = 0x55;
    sector0[511] = 0xaa;

    it("keeps the disk's partition table and BPB area, takes boot.img's code, points it at core.img, disables the drive check", () => {
        const out = patchBootSector(bootImg, sector0, 2048);
        assert.equal(out.readBigUInt64LE(BOOT_IMG.kernelSector), 2048n);
        assert.deepEqual([...out.subarray(BOOT_IMG.driveCheck, BOOT_IMG.driveCheck + 2)], [0x90, 0x90]);
        assert.deepEqual(out.subarray(BOOT_IMG.partitionTableStart), sector0.subarray(BOOT_IMG.partitionTableStart));
        assert.deepEqual(
            out.subarray(BOOT_IMG.bpbStart, BOOT_IMG.bpbEnd),
            sector0.subarray(BOOT_IMG.bpbStart, BOOT_IMG.bpbEnd),
        );
        assert.equal(out[0], 0xaa);
        assert.equal(out[BOOT_IMG.kernelSector + 8], 0xaa, "the boot drive byte stays boot.img's");
    });

    it("refuses buffers that are not one sector", () => {
        assert.throws(() => patchBootSector(Buffer.alloc(440), sector0, 2048), /must be 512 bytes/);
    });

    it("points core.img's block list at the sector after its first, padded to whole sectors", () => {
        const core = Buffer.alloc(3 * SECTOR + 100);
        core.writeBigUInt64LE(2n, SECTOR - 12); // diskboot.img's default start
        core.writeUInt16LE(3, SECTOR - 4); // what grub-mkimage writes: the sectors after the first
        core.writeUInt16LE(0x820, SECTOR - 2);
        const out = patchCoreImage(core, 2048);
        assert.equal(out.length, 4 * SECTOR);
        assert.equal(out.readBigUInt64LE(SECTOR - 12), 2049n);
        assert.equal(out.readUInt16LE(SECTOR - 4), 3);
        assert.equal(out.readUInt16LE(SECTOR - 2), 0x820);
    });

    it("refuses a core.img whose block list disagrees with its length", () => {
        const core = Buffer.alloc(4 * SECTOR);
        core.writeUInt16LE(9, SECTOR - 4);
        assert.throws(() => patchCoreImage(core, 2048), /block list says 9 sectors follow, but the image has 3/);
    });

    it("reads GRUB's real boot.img offsets (when grub-pc-bin is installed)", function () {
        const real = "/usr/lib/grub/i386-pc/boot.img";
        if (!fs.existsSync(real)) {
            console.log("      skipped: /usr/lib/grub/i386-pc/boot.img is not installed (apt-get install grub-pc-bin)");
            return this.skip();
        }
        const img = fs.readFileSync(real);
        assert.equal(img.readBigUInt64LE(BOOT_IMG.kernelSector), 1n, "boot.img's default kernel sector");
        assert.deepEqual(
            [...img.subarray(BOOT_IMG.driveCheck, BOOT_IMG.driveCheck + 2)],
            [0xeb, 0x05],
            "the jump over the drive check",
        );
        const diskboot = fs.readFileSync("/usr/lib/grub/i386-pc/diskboot.img");
        assert.equal(diskboot.readBigUInt64LE(SECTOR - 12), 2n, "diskboot.img's default block list start");
        assert.equal(diskboot.readUInt16LE(SECTOR - 2), 0x820, "and its load segment");
    });
});

describe("bake: the inodes the ctime pass resets", () => {
    it("are every inode outside dumpe2fs's free ranges", () => {
        const dump = [
            "Inode count:              16",
            "Inodes per group:         8",
            "Group 0: (Blocks 0-32767) csum 0x1234",
            "  Free inodes: 6-8",
            "Group 1: (Blocks 32768-65535) csum 0x5678",
            "  Free inodes: 9, 11-16",
        ].join("\n");
        assert.deepEqual(allocatedInodes(dump), [1, 2, 3, 4, 5, 10]);
    });

    it("refuses output it cannot read", () => {
        assert.throws(() => allocatedInodes("nothing"), /no inode count/);
    });
});
