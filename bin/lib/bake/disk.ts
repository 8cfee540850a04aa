/**
 * Assembles the raw disk from a customized root file system, without loop devices or mounts: a sparse file
 * partitioned by sfdisk (fixed GUIDs), the ESP made by mkfs.vfat --invariant and filled with mtools (the signed
 * shim as the removable-media loader, Debian's signed GRUB, a stub grub.cfg), the root made by mkfs.ext4 -d
 * (fixed UUID, hash seed and feature set, superblock times from E2FSPROGS_FAKE_TIME, then a debugfs pass for the
 * inode ctimes e2fsprogs 1.47.0 copies from the host), both copied into place, and GRUB's core.img / boot.img
 * written for BIOS exactly as grub-bios-setup would.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { StepError } from "../release/errors";
import {
    PartitionRole,
    SECTOR,
    partition,
    patchBootSector,
    patchCoreImage,
    sfdiskScript,
    type DiskLayout,
} from "./gpt";
import { copySparse, readAt, runWithInput, writeAt } from "./host";
import { buildEnv, grubStubConfig } from "./rootfs";
import { run, runChecked, tail } from "../release/process";

/** Pinned ext4 settings: the build host's /etc/mke2fs.conf does not decide the features (MKE2FS_CONFIG). */
export const MKE2FS_CONF = `[defaults]
	base_features = sparse_super,large_file,filetype,resize_inode,dir_index,ext_attr
	default_mntopts = acl,user_xattr
	blocksize = 4096
	inode_size = 256
	inode_ratio = 16384

[fs_types]
	ext4 = {
		features = has_journal,extent,huge_file,flex_bg,metadata_csum,64bit,dir_nlink,extra_isize
	}
`;

/** GRUB modules built into the BIOS core.img (grub-mkimage adds their dependencies). */
export const BIOS_CORE_MODULES = [
    "biosdisk",
    "part_gpt",
    "ext2",
    "search",
    "search_fs_uuid",
    "normal",
    "linux",
    "configfile",
    "echo",
    "test",
    "serial",
    "terminal",
    "gzio",
    "zstd",
];

/** Files copied from the image onto the ESP (source in the root file system -> path on the ESP). */
export const ESP_FILES: Array<[string, string]> = [
    ["usr/lib/shim/shimx64.efi.signed", "/EFI/BOOT/BOOTX64.EFI"],
    ["usr/lib/shim/mmx64.efi.signed", "/EFI/BOOT/mmx64.efi"],
    ["usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed", "/EFI/BOOT/grubx64.efi"],
];

/** Builds the FAT32 ESP image at `file`. */
export async function buildEsp(file: string, rootfs: string, layout: DiskLayout, epoch: number): Promise<void> {
    const esp = partition(layout, PartitionRole.Esp);
    fs.rmSync(file, { force: true });
    fs.writeFileSync(file, "");
    fs.truncateSync(file, esp.sizeSectors * SECTOR);
    const env = { ...buildEnv(epoch), MTOOLS_SKIP_CHECK: "1" };
    await runChecked("mkfs.vfat", ["--invariant", "-F", "32", "-i", layout.espVolumeId, "-n", "EFI", file], {
        timeoutMs: 60_000,
        env,
    });
    const stub = path.join(path.dirname(file), "grub-stub.cfg");
    fs.writeFileSync(stub, grubStubConfig(layout.rootFsUuid));
    fs.utimesSync(stub, epoch, epoch); // mcopy -m keeps the source's mtime
    await runChecked("mmd", ["-i", file, "::/EFI", "::/EFI/BOOT", "::/EFI/debian"], { timeoutMs: 60_000, env });
    const copies: Array<[string, string]> = [
        ...ESP_FILES.map(([src, dst]): [string, string] => [path.join(rootfs, src), dst]),
        [stub, "/EFI/BOOT/grub.cfg"],
        [stub, "/EFI/debian/grub.cfg"],
    ];
    for (const [src, dst] of copies) {
        if (!fs.existsSync(src)) {
            throw new StepError(
                "assemble",
                `${path.relative(rootfs, src)} is missing from the image (shim-signed, grub-efi-amd64-signed)`,
            );
        }
        await runChecked("mcopy", ["-i", file, "-m", src, `::${dst}`], { timeoutMs: 60_000, env });
    }
    fs.rmSync(stub);
}

/** Builds the ext4 root image at `file` from the directory `rootfs`. */
export async function buildRoot(
    file: string,
    rootfs: string,
    layout: DiskLayout,
    epoch: number,
    workDir: string,
): Promise<void> {
    const root = partition(layout, PartitionRole.Root);
    fs.rmSync(file, { force: true });
    fs.writeFileSync(file, "");
    fs.truncateSync(file, root.sizeSectors * SECTOR);
    const conf = path.join(workDir, "mke2fs.conf");
    fs.writeFileSync(conf, MKE2FS_CONF);
    const env = { ...buildEnv(epoch), MKE2FS_CONFIG: conf, E2FSPROGS_FAKE_TIME: String(epoch) };
    await runChecked(
        "mkfs.ext4",
        [
            "-q",
            "-F",
            "-t",
            "ext4",
            "-L",
            "root",
            "-U",
            layout.rootFsUuid,
            "-E",
            `hash_seed=${layout.rootFsUuid},nodiscard,lazy_itable_init=0,lazy_journal_init=0,root_owner=0:0`,
            "-d",
            rootfs,
            file,
        ],
        { timeoutMs: 600_000, env },
    );
    await resetInodeTimes(file, epoch, env, workDir);
    const fsck = await run("e2fsck", ["-fn", file], { timeoutMs: 300_000, env });
    if (fsck.code !== 0) {
        throw new StepError(
            "assemble",
            `e2fsck found problems in the root file system:\n${tail(fsck.stdout + fsck.stderr, 10)}`,
        );
    }
}

/** The allocated inode numbers, from dumpe2fs's per-group "Free inodes:" ranges. */
export function allocatedInodes(dumpe2fs: string): number[] {
    const inodesPerGroup = Number(/Inodes per group:\s+(\d+)/.exec(dumpe2fs)?.[1]);
    const inodeCount = Number(/Inode count:\s+(\d+)/.exec(dumpe2fs)?.[1]);
    if (!inodesPerGroup || !inodeCount) {
        throw new Error("dumpe2fs output has no inode count or inodes per group");
    }
    const free = new Set<number>();
    const groups = [...dumpe2fs.matchAll(/^Group (\d+):[\s\S]*?Free inodes: ([^\n]*)/gm)];
    if (groups.length === 0) {
        throw new Error("dumpe2fs output has no group descriptors");
    }
    for (const [, , ranges] of groups) {
        for (const r of ranges
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean)) {
            const [a, b] = r.split("-").map(Number);
            for (let i = a; i <= (b ?? a); i++) {
                free.add(i);
            }
        }
    }
    const used: number[] = [];
    for (let i = 1; i <= inodeCount; i++) {
        if (!free.has(i)) {
            used.push(i);
        }
    }
    return used;
}

/**
 * e2fsprogs 1.47.0 copies each source file's ctime (the time it was unpacked on the build host) into its inode,
 * and cannot be told otherwise (fixed in 1.47.1): set ctime, atime and crtime of every allocated inode to `epoch`.
 */
async function resetInodeTimes(
    file: string,
    epoch: number,
    env: Record<string, string>,
    workDir: string,
): Promise<void> {
    const dump = await runChecked("dumpe2fs", [file], { timeoutMs: 120_000, env });
    const commands = allocatedInodes(dump.stdout)
        .flatMap((ino) => ["ctime", "atime", "crtime"].map((field) => `sif <${ino}> ${field} @${epoch}`))
        .join("\n");
    const script = path.join(workDir, "debugfs.cmds");
    fs.writeFileSync(script, `${commands}\n`);
    const result = await run("debugfs", ["-w", "-f", script, file], { timeoutMs: 600_000, env });
    fs.rmSync(script);
    if (result.code !== 0 || /^sif: /m.test(result.stderr)) {
        throw new StepError("assemble", `debugfs could not reset inode times: ${tail(result.stderr, 4)}`);
    }
}

/** Builds GRUB's BIOS core.img at `file`: the image's own GRUB modules, the stub config embedded. */
export async function buildCoreImage(
    file: string,
    rootfs: string,
    layout: DiskLayout,
    workDir: string,
): Promise<Buffer> {
    const modules = path.join(rootfs, "usr/lib/grub/i386-pc");
    if (!fs.existsSync(path.join(modules, "boot.img"))) {
        throw new StepError("assemble", "usr/lib/grub/i386-pc is missing from the image (grub-pc-bin)");
    }
    const cfg = path.join(workDir, "core.cfg");
    fs.writeFileSync(cfg, grubStubConfig(layout.rootFsUuid));
    await runChecked(
        "grub-mkimage",
        ["-O", "i386-pc", "-d", modules, "-c", cfg, "-p", "/boot/grub", "-o", file, ...BIOS_CORE_MODULES],
        { timeoutMs: 60_000 },
    );
    const bios = partition(layout, PartitionRole.BiosBoot);
    const core = fs.readFileSync(file);
    if (core.length > bios.sizeSectors * SECTOR) {
        throw new StepError("assemble", `core.img (${core.length} bytes) does not fit the BIOS boot partition`);
    }
    return patchCoreImage(core, bios.startSector);
}

/** Assembles the raw disk at `raw` from the customized root file system. */
export async function assembleDisk(
    raw: string,
    rootfs: string,
    layout: DiskLayout,
    epoch: number,
    workDir: string,
): Promise<void> {
    fs.rmSync(raw, { force: true });
    fs.writeFileSync(raw, "");
    fs.truncateSync(raw, layout.sizeBytes);
    await runWithInput(
        "sfdisk",
        ["--no-reread", "--no-tell-kernel", "--quiet", "--wipe", "never", raw],
        sfdiskScript(layout),
        {
            timeoutMs: 60_000,
            env: buildEnv(epoch),
        },
    );
    const espImg = path.join(workDir, "esp.img");
    const rootImg = path.join(workDir, "root.img");
    await buildEsp(espImg, rootfs, layout, epoch);
    await buildRoot(rootImg, rootfs, layout, epoch, workDir);
    copySparse(espImg, raw, partition(layout, PartitionRole.Esp).startSector * SECTOR);
    copySparse(rootImg, raw, partition(layout, PartitionRole.Root).startSector * SECTOR);
    fs.rmSync(espImg);
    fs.rmSync(rootImg);
    const bios = partition(layout, PartitionRole.BiosBoot);
    const core = await buildCoreImage(path.join(workDir, "core.img"), rootfs, layout, workDir);
    writeAt(raw, core, bios.startSector * SECTOR);
    const bootImg = fs.readFileSync(path.join(rootfs, "usr/lib/grub/i386-pc/boot.img"));
    writeAt(raw, patchBootSector(bootImg, readAt(raw, 0, SECTOR), bios.startSector), 0);
}
