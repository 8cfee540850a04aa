/**
 * The build host: which tools the bake runs (each from a Debian package, so `.ci/run` and a developer install
 * the same), what is missing (with the apt-get line that fixes it), their exact versions for the manifest, and
 * the few process helpers the release pipeline's `run` does not cover (standard input, file hashing, sparse copy).
 */
import { spawn } from "node:child_process";
import { createHash, type Hash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { ProcessError, run, type ProcessResult } from "../release/process";

/** A host tool and the Debian package that provides it. */
export interface HostTool {
    /** The command (or a file, for firmware). */
    command: string;
    /** The Debian package (`apt-get install <package>`). */
    package: string;
    /** Only needed for these boot modes (firmware). */
    forUefi?: boolean;
}

/** OVMF firmware: code and variable stores, plain and with Microsoft's Secure Boot keys enrolled. */
export const OVMF = {
    code: "/usr/share/OVMF/OVMF_CODE_4M.fd",
    vars: "/usr/share/OVMF/OVMF_VARS_4M.fd",
    secureCode: "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
    secureVars: "/usr/share/OVMF/OVMF_VARS_4M.ms.fd",
} as const;

/** Every tool a bake runs. */
export const HOST_TOOLS: HostTool[] = [
    { command: "mmdebstrap", package: "mmdebstrap" },
    { command: "sfdisk", package: "fdisk" },
    { command: "mkfs.vfat", package: "dosfstools" },
    { command: "mcopy", package: "mtools" },
    { command: "mkfs.ext4", package: "e2fsprogs" },
    { command: "debugfs", package: "e2fsprogs" },
    { command: "grub-mkimage", package: "grub-common" },
    { command: "qemu-system-x86_64", package: "qemu-system-x86" },
    { command: "qemu-img", package: "qemu-utils" },
    { command: "pigz", package: "pigz" },
    { command: "tar", package: "tar" },
    { command: "xz", package: "xz-utils" },
    { command: "dpkg-query", package: "dpkg" },
    { command: OVMF.code, package: "ovmf", forUefi: true },
];

/** The Debian packages of the host tools, one each (for `apt-get install`, and the manifest's `tools`). */
export function hostPackages(): string[] {
    return [...new Set(HOST_TOOLS.map((t) => t.package))].sort();
}

/** Whether a command is on PATH (or an existing absolute path). */
export function onPath(command: string, env: NodeJS.ProcessEnv = process.env): boolean {
    if (command.startsWith("/")) {
        return fs.existsSync(command);
    }
    const dirs = (env.PATH ?? "").split(":").concat(["/usr/sbin", "/sbin"]);
    return dirs.some((d) => d !== "" && fs.existsSync(path.join(d, command)));
}

/**
 * Why this host cannot bake, or undefined: not root (mmdebstrap's root mode, and ownership in mkfs.ext4 -d),
 * or tools missing (with the packages to install).
 */
export function hostProblem(needUefi: boolean, env: NodeJS.ProcessEnv = process.env): string | undefined {
    const problems: string[] = [];
    if (typeof process.getuid === "function" && process.getuid() !== 0) {
        problems.push("bake runs as root (mmdebstrap's root mode; mkfs.ext4 -d copies file ownership)");
    }
    const missing = HOST_TOOLS.filter((t) => (needUefi || !t.forUefi) && !onPath(t.command, env));
    if (missing.length > 0) {
        const packages = [...new Set(missing.map((t) => t.package))];
        problems.push(`missing ${missing.map((t) => t.command).join(", ")} (apt-get install ${packages.join(" ")})`);
    }
    return problems.length > 0 ? problems.join("; ") : undefined;
}

/** The installed version of each host package (`dpkg-query`), for the manifest. */
export async function hostToolVersions(): Promise<Record<string, string>> {
    const packages = hostPackages();
    const result = await run("dpkg-query", ["-W", "-f", "${Package}\\t${Version}\\n", ...packages], {
        timeoutMs: 30_000,
    });
    const versions: Record<string, string> = {};
    for (const line of result.stdout.split("\n")) {
        const [name, version] = line.split("\t");
        if (name && version) {
            versions[name] = version;
        }
    }
    versions.node = process.version;
    return versions;
}

/** Runs a tool with `input` on its standard input; throws a {@link ProcessError} unless it exits 0. */
export function runWithInput(
    command: string,
    args: string[],
    input: string | Buffer,
    options: { timeoutMs: number; env?: Record<string, string> },
): Promise<ProcessResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, {
            env: options.env ? { ...process.env, ...options.env } : process.env,
            stdio: ["pipe", "pipe", "pipe"],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let timedOut = false;
        const timer = setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
        }, options.timeoutMs);
        child.stdout.on("data", (b: Buffer) => out.push(b));
        child.stderr.on("data", (b: Buffer) => err.push(b));
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(new Error(`cannot run ${command}: ${e.message}`));
        });
        child.on("close", (code) => {
            clearTimeout(timer);
            const bytes = Buffer.concat(out);
            const result: ProcessResult = {
                code,
                stdout: bytes.toString("utf8"),
                stdoutBytes: bytes,
                stderr: Buffer.concat(err).toString("utf8"),
                ms: Date.now() - started,
                timedOut,
            };
            if (code !== 0 || timedOut) {
                reject(new ProcessError(command, result));
            } else {
                resolve(result);
            }
        });
        child.stdin.end(input);
    });
}

const CHUNK = 4 * 1024 * 1024;

/** Feeds `length` bytes of a file from `offset` into a hash (or the whole file). */
export function hashInto(hash: Hash, file: string, offset = 0, length?: number): Hash {
    const fd = fs.openSync(file, "r");
    try {
        const end = length === undefined ? fs.fstatSync(fd).size : offset + length;
        const buf = Buffer.allocUnsafe(CHUNK);
        for (let at = offset; at < end;) {
            const n = fs.readSync(fd, buf, 0, Math.min(CHUNK, end - at), at);
            if (n <= 0) {
                throw new Error(`${file} ends at ${at}, expected ${end} bytes`);
            }
            hash.update(buf.subarray(0, n));
            at += n;
        }
        return hash;
    } finally {
        fs.closeSync(fd);
    }
}

/** `sha256:<hex>` of a file (or of `length` bytes from `offset`). */
export function sha256File(file: string, offset = 0, length?: number): string {
    return `sha256:${hashInto(createHash("sha256"), file, offset, length).digest("hex")}`;
}

/**
 * Copies `source` into `target` at byte `at`, leaving all-zero chunks unwritten (the target is a sparse file
 * whose unwritten ranges read as zeros, so the bytes are the same and the file stays small).
 */
export function copySparse(source: string, target: string, at: number): void {
    const src = fs.openSync(source, "r");
    const dst = fs.openSync(target, "r+");
    try {
        const size = fs.fstatSync(src).size;
        const buf = Buffer.allocUnsafe(CHUNK);
        for (let off = 0; off < size;) {
            const n = fs.readSync(src, buf, 0, Math.min(CHUNK, size - off), off);
            const chunk = buf.subarray(0, n);
            if (!isZero(chunk)) {
                fs.writeSync(dst, chunk, 0, n, at + off);
            }
            off += n;
        }
    } finally {
        fs.closeSync(src);
        fs.closeSync(dst);
    }
}

const ZERO = Buffer.alloc(64 * 1024);

function isZero(chunk: Buffer): boolean {
    for (let i = 0; i < chunk.length; i += ZERO.length) {
        const part = chunk.subarray(i, Math.min(i + ZERO.length, chunk.length));
        if (!part.equals(ZERO.subarray(0, part.length))) {
            return false;
        }
    }
    return true;
}

/** Writes `bytes` into `file` at `at`. */
export function writeAt(file: string, bytes: Buffer, at: number): void {
    const fd = fs.openSync(file, "r+");
    try {
        fs.writeSync(fd, bytes, 0, bytes.length, at);
    } finally {
        fs.closeSync(fd);
    }
}

/** Reads `length` bytes of `file` at `at`. */
export function readAt(file: string, at: number, length: number): Buffer {
    const fd = fs.openSync(file, "r");
    try {
        const buf = Buffer.alloc(length);
        const n = fs.readSync(fd, buf, 0, length, at);
        if (n !== length) {
            throw new Error(`${file}: expected ${length} bytes at ${at}, read ${n}`);
        }
        return buf;
    } finally {
        fs.closeSync(fd);
    }
}
