/**
 * The Azure format: a fixed VHD is the raw disk followed by a 512-byte footer (Microsoft's "Virtual Hard Disk
 * Image Format Specification" 1.0, Appendix "Hard Disk Footer Format"). We write the footer ourselves rather than
 * through qemu-img: its time stamp and unique id are then derived from the image (qemu-img writes the current
 * time and a random id), so two bakes give the same bytes. Azure requires a fixed VHD whose virtual size is a
 * multiple of 1 MiB (https://learn.microsoft.com/azure/virtual-machines/linux/create-upload-generic).
 */

/** The footer's size. */
export const VHD_FOOTER_BYTES = 512;
/** VHD time stamps count seconds from 2000-01-01T00:00:00Z. */
const VHD_EPOCH = Date.UTC(2000, 0, 1) / 1000;
/** Disk type 2: fixed hard disk. */
export const VHD_FIXED = 2;

/** The fields of a footer. */
export interface VhdFooter {
    /** Virtual size in bytes (original and current size are equal for a new disk). */
    sizeBytes: number;
    /** Seconds since the Unix epoch (stored relative to 2000-01-01). */
    timestamp: number;
    /** 16-byte unique id, as 32 hex digits. */
    uniqueId: string;
    /** cylinders, heads, sectors per track, by the specification's algorithm. */
    geometry: { cylinders: number; heads: number; sectorsPerTrack: number };
    diskType: number;
    creatorApplication: string;
}

/** CHS geometry for a size, exactly as the specification's Appendix computes it. */
export function vhdGeometry(sizeBytes: number): { cylinders: number; heads: number; sectorsPerTrack: number } {
    let totalSectors = Math.floor(sizeBytes / 512);
    if (totalSectors > 65535 * 16 * 255) {
        totalSectors = 65535 * 16 * 255;
    }
    let sectorsPerTrack: number;
    let heads: number;
    let cylinderTimesHeads: number;
    if (totalSectors >= 65535 * 16 * 63) {
        sectorsPerTrack = 255;
        heads = 16;
        cylinderTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
    } else {
        sectorsPerTrack = 17;
        cylinderTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
        heads = Math.max(4, Math.floor((cylinderTimesHeads + 1023) / 1024));
        if (cylinderTimesHeads >= heads * 1024 || heads > 16) {
            sectorsPerTrack = 31;
            heads = 16;
            cylinderTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
        }
        if (cylinderTimesHeads >= heads * 1024) {
            sectorsPerTrack = 63;
            heads = 16;
            cylinderTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
        }
    }
    return { cylinders: Math.floor(cylinderTimesHeads / heads), heads, sectorsPerTrack };
}

/** One's complement of the byte sum, the checksum field (offset 64) counted as zero. */
export function vhdChecksum(footer: Buffer): number {
    let sum = 0;
    for (let i = 0; i < VHD_FOOTER_BYTES; i++) {
        if (i < 64 || i >= 68) {
            sum += footer[i];
        }
    }
    return ~sum >>> 0;
}

/** Writes the footer of a fixed VHD of `sizeBytes` (a multiple of 1 MiB). */
export function vhdFooter(sizeBytes: number, timestamp: number, uniqueIdHex: string): Buffer {
    if (!Number.isInteger(sizeBytes) || sizeBytes <= 0 || sizeBytes % (1024 * 1024) !== 0) {
        throw new Error(`a fixed VHD for Azure needs a virtual size that is a multiple of 1 MiB, got ${sizeBytes}`);
    }
    if (!/^[0-9a-f]{32}$/.test(uniqueIdHex)) {
        throw new Error(`the VHD unique id must be 32 hex digits, got ${JSON.stringify(uniqueIdHex)}`);
    }
    const f = Buffer.alloc(VHD_FOOTER_BYTES);
    f.write("conectix", 0, "latin1");
    f.writeUInt32BE(0x00000002, 8); // features: reserved bit, always set
    f.writeUInt32BE(0x00010000, 12); // file format version 1.0
    f.writeBigUInt64BE(0xffffffffffffffffn, 16); // data offset: none for a fixed disk
    f.writeUInt32BE(Math.max(0, Math.floor(timestamp - VHD_EPOCH)) >>> 0, 24);
    // Creator application "win " (Hyper-V): readers then take the current size below as the disk size, not the
    // CHS geometry (which rounds it down); qemu's block/vpc.c documents this table of creators.
    f.write("win ", 28, "latin1");
    f.writeUInt32BE(0x00010000, 32); // creator version
    f.write("Wi2k", 36, "latin1"); // creator host OS
    f.writeBigUInt64BE(BigInt(sizeBytes), 40); // original size
    f.writeBigUInt64BE(BigInt(sizeBytes), 48); // current size
    const g = vhdGeometry(sizeBytes);
    f.writeUInt16BE(g.cylinders, 56);
    f.writeUInt8(g.heads, 58);
    f.writeUInt8(g.sectorsPerTrack, 59);
    f.writeUInt32BE(VHD_FIXED, 60);
    Buffer.from(uniqueIdHex, "hex").copy(f, 68);
    f.writeUInt32BE(vhdChecksum(f), 64); // saved state (84) and the reserved bytes stay 0
    return f;
}

/** Reads and checks a footer: cookie, checksum, fixed type. Throws with what is wrong. */
export function readVhdFooter(footer: Buffer): VhdFooter {
    if (footer.length !== VHD_FOOTER_BYTES) {
        throw new Error(`a VHD footer is ${VHD_FOOTER_BYTES} bytes, got ${footer.length}`);
    }
    if (footer.toString("latin1", 0, 8) !== "conectix") {
        throw new Error(`not a VHD footer (cookie ${JSON.stringify(footer.toString("latin1", 0, 8))})`);
    }
    const stored = footer.readUInt32BE(64);
    const computed = vhdChecksum(footer);
    if (stored !== computed) {
        throw new Error(
            `VHD footer checksum ${stored.toString(16)} does not match its bytes (${computed.toString(16)})`,
        );
    }
    const current = Number(footer.readBigUInt64BE(48));
    return {
        sizeBytes: current,
        timestamp: footer.readUInt32BE(24) + VHD_EPOCH,
        uniqueId: footer.subarray(68, 84).toString("hex"),
        geometry: {
            cylinders: footer.readUInt16BE(56),
            heads: footer.readUInt8(58),
            sectorsPerTrack: footer.readUInt8(59),
        },
        diskType: footer.readUInt32BE(60),
        creatorApplication: footer.toString("latin1", 28, 32),
    };
}
