/**
 * The hybrid GPT layout of every baked disk, as pure math: a BIOS boot partition (GRUB's core.img, for legacy
 * BIOS), an EFI system partition (signed shim + GRUB, for UEFI and Secure Boot) and the root file system last
 * (so a cloud can grow it). Every identifier (disk and partition GUIDs, the ext4 UUID and hash seed, the FAT
 * volume id) is derived from the image name and version, so two bakes of one definition write the same bytes.
 */
import { createHash } from "node:crypto";

/** Bytes per logical sector (all three clouds import 512-byte-sector disks). */
export const SECTOR = 512;
/** Partitions start on 1 MiB boundaries. */
export const MIB = 1024 * 1024;

/** GPT partition type GUIDs (UEFI spec 2.10 §5.3.3; the Discoverable Partitions Specification for root). */
export const PARTITION_TYPES = {
    /** GRUB's BIOS boot partition ("Hah!IdontNeedEFI"). */
    biosBoot: "21686148-6449-6E6F-744E-656564454649",
    /** EFI system partition. */
    esp: "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
    /** Linux root (x86-64). */
    rootX86_64: "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709",
} as const;

/** What a partition holds. */
export enum PartitionRole {
    BiosBoot = "bios-boot",
    Esp = "esp",
    Root = "root",
}

/** One partition, in sectors. */
export interface Partition {
    role: PartitionRole;
    /** 1-based partition number. */
    number: number;
    /** The GPT partition name. */
    name: string;
    startSector: number;
    sizeSectors: number;
    typeGuid: string;
    /** The partition's unique GUID. */
    guid: string;
}

/** The whole disk. */
export interface DiskLayout {
    sizeBytes: number;
    diskGuid: string;
    partitions: Partition[];
    /** The ext4 root file system's UUID (also its directory hash seed). */
    rootFsUuid: string;
    /** The FAT volume id of the ESP (8 hex digits). */
    espVolumeId: string;
}

/** BIOS boot partition: 1 MiB to 4 MiB. */
const BIOS_BOOT = { start: 1 * MIB, end: 4 * MIB };
/** ESP: 4 MiB to 128 MiB (FAT32 needs at least ~33 MiB). */
const ESP = { start: 4 * MIB, end: 128 * MIB };
/** Room left after root: the backup GPT (33 sectors) in the last MiB, keeping root's end aligned. */
const TAIL = 1 * MIB;
/** The smallest root partition accepted. */
const MIN_ROOT = 256 * MIB;

/** A GUID derived from a seed and a purpose: sha256, formatted as an RFC 9562 version 8 (custom) UUID. */
export function derivedGuid(seed: string, purpose: string): string {
    const h = createHash("sha256").update(`immutable.bake/v1\0${seed}\0${purpose}`).digest();
    h[6] = (h[6] & 0x0f) | 0x80; // version 8
    h[8] = (h[8] & 0x3f) | 0x80; // RFC variant
    const hex = h.subarray(0, 16).toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The seed every identifier of one image derives from. */
export function layoutSeed(name: string, version: string): string {
    return `${name}\0${version}`;
}

/** Lays out a disk of `sizeBytes` (a whole number of MiB, at least 128 MiB + 256 MiB of root + 1 MiB). */
export function diskLayout(sizeBytes: number, seed: string): DiskLayout {
    if (!Number.isInteger(sizeBytes) || sizeBytes % MIB !== 0) {
        throw new Error(`disk size must be a whole number of MiB, got ${sizeBytes} bytes`);
    }
    const rootBytes = sizeBytes - ESP.end - TAIL;
    if (rootBytes < MIN_ROOT) {
        throw new Error(
            `disk size ${sizeBytes / MIB} MiB leaves ${Math.max(rootBytes, 0) / MIB} MiB for root, less than ${MIN_ROOT / MIB} MiB`,
        );
    }
    const part = (
        role: PartitionRole,
        number: number,
        name: string,
        start: number,
        bytes: number,
        typeGuid: string,
    ): Partition => ({
        role,
        number,
        name,
        startSector: start / SECTOR,
        sizeSectors: bytes / SECTOR,
        typeGuid,
        guid: derivedGuid(seed, `partition ${role}`),
    });
    const volume = createHash("sha256").update(`immutable.bake/v1\0${seed}\0esp volume id`).digest("hex");
    return {
        sizeBytes,
        diskGuid: derivedGuid(seed, "disk"),
        partitions: [
            part(
                PartitionRole.BiosBoot,
                1,
                "bios",
                BIOS_BOOT.start,
                BIOS_BOOT.end - BIOS_BOOT.start,
                PARTITION_TYPES.biosBoot,
            ),
            part(PartitionRole.Esp, 2, "esp", ESP.start, ESP.end - ESP.start, PARTITION_TYPES.esp),
            part(PartitionRole.Root, 3, "root", ESP.end, rootBytes, PARTITION_TYPES.rootX86_64),
        ],
        rootFsUuid: derivedGuid(seed, "root file system"),
        espVolumeId: volume.slice(0, 8).toUpperCase(),
    };
}

/** The partition with a role. */
export function partition(layout: DiskLayout, role: PartitionRole): Partition {
    const p = layout.partitions.find((x) => x.role === role);
    if (!p) {
        throw new Error(`the layout has no ${role} partition`);
    }
    return p;
}

/** The `sfdisk` script that writes exactly this GPT (fixed GUIDs, sector units). */
export function sfdiskScript(layout: DiskLayout): string {
    const lines = ["label: gpt", `label-id: ${layout.diskGuid.toUpperCase()}`, "unit: sectors", "sector-size: 512", ""];
    for (const p of layout.partitions) {
        lines.push(
            `start=${p.startSector}, size=${p.sizeSectors}, type=${p.typeGuid}, uuid=${p.guid.toUpperCase()}, name="${p.name}"`,
        );
    }
    return `${lines.join("\n")}\n`;
}

/** Offsets in GRUB's boot.img (grub-core/boot/i386/pc/boot.S, include/grub/i386/pc/boot.h). */
export const BOOT_IMG = {
    /** The DOS BIOS parameter block kept from the disk: [0x3, 0x5a). */
    bpbStart: 0x3,
    bpbEnd: 0x5a,
    /** 64-bit LBA of core.img's first sector. */
    kernelSector: 0x5c,
    /** The jump over the boot-drive check, replaced by two NOPs for hard disks. */
    driveCheck: 0x66,
    /** From here to the end of the sector: the disk signature and the (protective) MBR partition table. */
    partitionTableStart: 0x1b8,
} as const;

/**
 * What grub-bios-setup writes into sector 0, without grub-bios-setup (which looks for the host's root device
 * and fails on a plain file): boot.img's code, the disk's own BPB area and partition table, the LBA of core.img
 * and the boot-drive check disabled (as for any hard disk).
 */
export function patchBootSector(bootImg: Buffer, sector0: Buffer, coreSector: number): Buffer {
    if (bootImg.length !== SECTOR || sector0.length !== SECTOR) {
        throw new Error(`boot.img and sector 0 must be ${SECTOR} bytes (got ${bootImg.length} and ${sector0.length})`);
    }
    const out = Buffer.from(bootImg);
    sector0.copy(out, BOOT_IMG.bpbStart, BOOT_IMG.bpbStart, BOOT_IMG.bpbEnd);
    sector0.copy(out, BOOT_IMG.partitionTableStart, BOOT_IMG.partitionTableStart);
    out.writeBigUInt64LE(BigInt(coreSector), BOOT_IMG.kernelSector);
    out[BOOT_IMG.driveCheck] = 0x90;
    out[BOOT_IMG.driveCheck + 1] = 0x90;
    return out;
}

/**
 * core.img starts with diskboot.img, whose last 12 bytes are a block list {start: u64, length: u16, segment:
 * u16}: where the rest of core.img is. grub-mkimage sets the length; the start (sector 2 by default) becomes
 * the sector after core.img's first, i.e. inside the BIOS boot partition.
 */
export function patchCoreImage(coreImg: Buffer, coreSector: number): Buffer {
    if (coreImg.length < SECTOR) {
        throw new Error(`core.img must be at least one sector, got ${coreImg.length} bytes`);
    }
    // Padded to whole sectors, as it lies on the disk.
    const out = Buffer.alloc(Math.ceil(coreImg.length / SECTOR) * SECTOR);
    coreImg.copy(out);
    const blocklist = SECTOR - 12;
    const length = out.readUInt16LE(blocklist + 8);
    if (length !== out.length / SECTOR - 1) {
        throw new Error(
            `core.img's block list says ${length} sectors follow, but the image has ${out.length / SECTOR - 1}`,
        );
    }
    out.writeBigUInt64LE(BigInt(coreSector + 1), blocklist);
    return out;
}
