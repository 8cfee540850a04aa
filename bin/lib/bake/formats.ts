/**
 * The three clouds' import formats, each made from the one raw disk and each converted back to it before the
 * bake publishes anything: GCP's oldgnu tar.gz holding exactly `disk.raw`, Azure's fixed VHD (the raw disk plus
 * a footer), AWS's stream-optimized VMDK. Non-determinism is removed where the tools add it (tar: mtime, owner,
 * `pigz -n`; VHD: our own footer; VMDK: the random CID in the descriptor).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { createGunzip } from "node:zlib";
import type { BakeFile } from "../../../components/core/bakeManifest";
import { StepError } from "../release/errors";
import { copySparse, hashInto, readAt, sha256File, writeAt } from "./host";
import { buildEnv } from "./rootfs";
import { VHD_FOOTER_BYTES, readVhdFooter, vhdFooter } from "./vhd";
import { runChecked } from "../release/process";

/** File names in the output directory. */
export const FILES = {
    raw: "disk.raw",
    gcp: "disk.raw.tar.gz",
    azure: "disk.vhd",
    aws: "disk.vmdk",
} as const;

/** One file's record for the manifest. */
export function bakeFile(dir: string, file: string, sha256?: string): BakeFile {
    const full = path.join(dir, file);
    return { file, sha256: sha256 ?? sha256File(full), sizeBytes: fs.statSync(full).size };
}

/** The GCP tar.gz: `tar --format=oldgnu` of exactly `disk.raw`, reproducible (mtime, owner, mode, `pigz -n`). */
export async function writeGcpTarball(dir: string, epoch: number): Promise<void> {
    await runChecked(
        "tar",
        [
            "--format=oldgnu",
            `--mtime=@${epoch}`,
            "--owner=0",
            "--group=0",
            "--numeric-owner",
            "--mode=0644",
            "--use-compress-program=pigz -n",
            "-cf",
            path.join(dir, FILES.gcp),
            "-C",
            dir,
            FILES.raw,
        ],
        { timeoutMs: 900_000, env: buildEnv(epoch) },
    );
}

/** The VHD unique id and time stamp, derived from the raw disk's sha256 and SOURCE_DATE_EPOCH. */
export function writeAzureVhd(dir: string, rawSha256: string, epoch: number): void {
    const raw = path.join(dir, FILES.raw);
    const vhd = path.join(dir, FILES.azure);
    const size = fs.statSync(raw).size;
    fs.rmSync(vhd, { force: true });
    fs.writeFileSync(vhd, "");
    fs.truncateSync(vhd, size);
    copySparse(raw, vhd, 0);
    const uniqueId = createHash("sha256").update(`vhd\0${rawSha256}`).digest("hex").slice(0, 32);
    writeAt(vhd, vhdFooter(size, epoch, uniqueId), size);
}

/** The VMDK descriptor's content id, derived from the raw disk's sha256 (qemu-img writes a random one). */
export function vmdkCid(rawSha256: string): string {
    return createHash("sha256").update(`vmdk\0${rawSha256}`).digest("hex").slice(0, 8);
}

/** Replaces `CID=<8 hex>` in a VMDK's embedded descriptor (same length, so nothing moves). */
export function patchVmdkCid(header: Buffer, cid: string): Buffer {
    const text = header.toString("latin1");
    const match = /\nCID=([0-9a-f]{8})\n/.exec(text);
    if (!match) {
        throw new Error("no CID=<8 hex> line in the VMDK descriptor");
    }
    const out = Buffer.from(header);
    out.write(cid, match.index + "\nCID=".length, "latin1");
    return out;
}

/** The AWS stream-optimized VMDK, its CID made reproducible. */
export async function writeAwsVmdk(dir: string, rawSha256: string): Promise<void> {
    const vmdk = path.join(dir, FILES.aws);
    fs.rmSync(vmdk, { force: true });
    await runChecked(
        "qemu-img",
        [
            "convert",
            "-q",
            "-f",
            "raw",
            "-O",
            "vmdk",
            "-o",
            "subformat=streamOptimized",
            path.join(dir, FILES.raw),
            vmdk,
        ],
        { timeoutMs: 900_000 },
    );
    const head = readAt(vmdk, 0, 4096);
    writeAt(vmdk, patchVmdkCid(head, vmdkCid(rawSha256)), 0);
}

/** The raw disk's sha256 read back out of the GCP tarball, which must hold exactly one oldgnu member `disk.raw`. */
export function rawFromGcpTarball(file: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const hash = createHash("sha256");
        let header: Buffer | undefined;
        let pending = Buffer.alloc(0);
        let remaining = -1;
        let trailer = Buffer.alloc(0);
        const fail = (why: string) => {
            stream.destroy();
            reject(new Error(`${path.basename(file)}: ${why}`));
        };
        const stream = fs.createReadStream(file).pipe(createGunzip());
        stream.on("data", (chunk: Buffer) => {
            if (!header) {
                pending = Buffer.concat([pending, chunk]);
                if (pending.length < 512) {
                    return;
                }
                header = pending.subarray(0, 512);
                const name = header.toString("latin1", 0, 100).replace(/\0.*$/s, "");
                const magic = header.toString("latin1", 257, 265);
                if (magic !== "ustar  \0") {
                    return fail(`the tar format is not oldgnu (magic ${JSON.stringify(magic)})`);
                }
                if (name !== FILES.raw) {
                    return fail(`the first member is ${JSON.stringify(name)}, GCP needs ${FILES.raw}`);
                }
                remaining = parseInt(header.toString("latin1", 124, 136).replace(/\0.*$/s, "").trim(), 8);
                chunk = pending.subarray(512);
            }
            if (remaining > 0) {
                const take = chunk.subarray(0, Math.min(remaining, chunk.length));
                hash.update(take);
                remaining -= take.length;
                chunk = chunk.subarray(take.length);
            }
            if (chunk.length > 0 && trailer.length < 4096) {
                trailer = Buffer.concat([trailer, chunk.subarray(0, 4096)]);
            }
        });
        stream.on("error", (e) => reject(e));
        stream.on("end", () => {
            if (remaining !== 0) {
                return reject(new Error(`${path.basename(file)}: ${FILES.raw} is truncated`));
            }
            // After the member's padding, only the end-of-archive zero blocks: no second member.
            if (trailer.some((b) => b !== 0)) {
                return reject(new Error(`${path.basename(file)} holds more than ${FILES.raw}`));
            }
            resolve(`sha256:${hash.digest("hex")}`);
        });
    });
}

/** The VHD's footer checked and the raw disk's sha256 read back out of it, with the VHD file's own sha256. */
export function rawFromVhd(file: string): { raw: string; file: string } {
    const size = fs.statSync(file).size;
    const footer = readVhdFooter(readAt(file, size - VHD_FOOTER_BYTES, VHD_FOOTER_BYTES));
    if (footer.diskType !== 2) {
        throw new Error(`${path.basename(file)} is not a fixed VHD (disk type ${footer.diskType})`);
    }
    if (footer.sizeBytes !== size - VHD_FOOTER_BYTES) {
        throw new Error(
            `${path.basename(file)}: the footer says ${footer.sizeBytes} bytes, the file holds ${size - VHD_FOOTER_BYTES}`,
        );
    }
    const hash = hashInto(createHash("sha256"), file, 0, footer.sizeBytes);
    const whole = hash.copy().update(readAt(file, footer.sizeBytes, VHD_FOOTER_BYTES));
    return { raw: `sha256:${hash.digest("hex")}`, file: `sha256:${whole.digest("hex")}` };
}

/** The VMDK converted back to raw (qemu-img) in `workDir`, hashed, removed. */
export async function rawFromVmdk(file: string, workDir: string): Promise<string> {
    const back = path.join(workDir, "roundtrip.raw");
    try {
        await runChecked("qemu-img", ["convert", "-q", "-f", "vmdk", "-O", "raw", file, back], { timeoutMs: 900_000 });
        return sha256File(back);
    } finally {
        fs.rmSync(back, { force: true });
    }
}

/** Checks that each format gives back exactly the raw disk; throws a StepError naming the one that does not. */
export async function verifyRoundTrips(
    dir: string,
    rawSha256: string,
    workDir: string,
): Promise<Record<string, string>> {
    const found: Record<string, string> = {
        gcp: await rawFromGcpTarball(path.join(dir, FILES.gcp)),
        azure: rawFromVhd(path.join(dir, FILES.azure)).raw,
        aws: await rawFromVmdk(path.join(dir, FILES.aws), workDir),
    };
    for (const [cloud, sha] of Object.entries(found)) {
        if (sha !== rawSha256) {
            throw new StepError("verify", `the ${cloud} format converts back to ${sha}, not the raw disk ${rawSha256}`);
        }
    }
    return found;
}
