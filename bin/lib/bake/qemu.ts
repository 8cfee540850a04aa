/**
 * The boot test: the raw disk booted under QEMU (TCG, no KVM needed) in one firmware mode, the disk opened with
 * snapshot=on so the test never changes the image, the smoke unit woken by an SMBIOS asset tag with a fresh nonce,
 * and the serial console watched until the smoke line appears (then QEMU powers off, or is killed).
 */
import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { BootMode } from "../../../components/core/bakeManifest";
import { OVMF } from "./host";
import { SMOKE_TAG_PREFIX, findSmokeLine, type SmokeLine } from "./smoke";

/** One boot test's outcome. */
export interface BootResult {
    mode: BootMode;
    /** The smoke line, when it was printed. */
    smoke?: SmokeLine;
    /** From QEMU start to the smoke line (or to the end of the attempt). */
    ms: number;
    /** The serial console's last lines (for error messages). */
    serialTail: string;
    /** Why there is no smoke line: QEMU exited, or the timeout. */
    problem?: string;
}

/** Paths of one QEMU run. */
export interface QemuFiles {
    disk: string;
    serial: string;
    /** A writable copy of the UEFI variable store (UEFI modes). */
    vars: string;
}

/** QEMU's arguments for a boot mode. Accelerated with KVM when `kvm` is true, else TCG. */
export function qemuArgs(mode: BootMode, files: QemuFiles, nonce: string, kvm = false): string[] {
    const args = [
        "-accel",
        kvm ? "kvm" : "tcg",
        "-m",
        "1024",
        "-smp",
        "2",
        "-nographic",
        "-monitor",
        "none",
        "-serial",
        `file:${files.serial}`,
        "-no-reboot",
        "-drive",
        `file=${files.disk},format=raw,if=virtio,snapshot=on`,
        // A NIC for the DHCP client, with no route out of the test (restrict=on).
        "-netdev",
        "user,id=net0,restrict=on",
        "-device",
        "virtio-net-pci,netdev=net0",
        "-smbios",
        `type=3,asset=${SMOKE_TAG_PREFIX}${nonce}`,
    ];
    if (mode === BootMode.Bios) {
        return ["-machine", "pc", ...args];
    }
    const secure = mode === BootMode.UefiSecureBoot;
    return [
        "-machine",
        secure ? "q35,smm=on" : "q35",
        ...(secure ? ["-global", "driver=cfi.pflash01,property=secure,value=on"] : []),
        "-drive",
        `if=pflash,format=raw,unit=0,readonly=on,file=${secure ? OVMF.secureCode : OVMF.code}`,
        "-drive",
        `if=pflash,format=raw,unit=1,file=${files.vars}`,
        ...args,
    ];
}

/** What a smoke line must say for a mode to pass (the firmware the kernel saw, Secure Boot enforced or not). */
export function smokeProblems(mode: BootMode, line: SmokeLine): string[] {
    const problems: string[] = [];
    if (line.result !== "pass") {
        problems.push(
            `smoke result ${line.result} (state ${line.state}, failed units ${line.failed}, checks ${line.checks})`,
        );
    }
    const firmware = mode === BootMode.Bios ? "bios" : "uefi";
    if (line.firmware !== firmware) {
        problems.push(`booted with ${line.firmware} firmware, expected ${firmware}`);
    }
    if (mode === BootMode.UefiSecureBoot && line.secureboot !== "on") {
        problems.push("Secure Boot was not enforced");
    }
    return problems;
}

/** Serial output that means the boot will never reach the smoke line: stop at once instead of waiting. */
export const STUCK: Array<{ pattern: RegExp; problem: string }> = [
    { pattern: /^grub(?: rescue)?> /m, problem: "GRUB stopped at its prompt (no configuration or a missing module)" },
    { pattern: /Kernel panic - not syncing/, problem: "the kernel panicked" },
    {
        pattern: /You are in emergency mode|Give root password for maintenance/,
        problem: "systemd entered emergency mode",
    },
    {
        pattern: /Access Denied|Verification failed: \(0x1A\) Security Violation/,
        problem: "Secure Boot refused a boot loader or the kernel",
    },
];

function tailOf(file: string, lines = 25): string {
    try {
        return fs
            .readFileSync(file, "utf8")
            .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")
            .split(/\r?\n/)
            .filter((l) => l.trim() !== "")
            .slice(-lines)
            .join("\n");
    } catch {
        return "";
    }
}

/** Boots `disk` in `mode`; resolves when the smoke line appeared, QEMU exited, or `timeoutMs` passed. */
export async function bootTest(disk: string, mode: BootMode, workDir: string, timeoutMs: number): Promise<BootResult> {
    const nonce = randomBytes(8).toString("hex");
    const files: QemuFiles = {
        disk,
        serial: path.join(workDir, `serial-${mode}.log`),
        vars: path.join(workDir, `vars-${mode}.fd`),
    };
    fs.rmSync(files.serial, { force: true });
    if (mode !== BootMode.Bios) {
        fs.copyFileSync(mode === BootMode.UefiSecureBoot ? OVMF.secureVars : OVMF.vars, files.vars);
    }
    const kvm = process.env.IMMUTABLE_BAKE_KVM === "1" && fs.existsSync("/dev/kvm");
    const started = Date.now();
    const child = spawn("qemu-system-x86_64", qemuArgs(mode, files, nonce, kvm), {
        stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    let exited: number | null | undefined;
    const exit = new Promise<void>((resolve) =>
        child.on("close", (code) => {
            exited = code;
            resolve();
        }),
    );
    child.on("error", (e) => {
        stderr += `cannot run qemu-system-x86_64: ${e.message}`;
    });
    try {
        for (;;) {
            const serial = fs.existsSync(files.serial) ? fs.readFileSync(files.serial, "utf8") : "";
            const smoke = findSmokeLine(serial, nonce);
            if (smoke) {
                const ms = Date.now() - started;
                // The unit powers off right after the line; give it a moment, then stop QEMU anyway.
                await Promise.race([exit, new Promise((r) => setTimeout(r, 15_000))]);
                return { mode, smoke, ms, serialTail: tailOf(files.serial) };
            }
            const stuck = STUCK.find((p) => p.pattern.test(serial));
            if (stuck) {
                return { mode, ms: Date.now() - started, serialTail: tailOf(files.serial), problem: stuck.problem };
            }
            if (exited !== undefined) {
                return {
                    mode,
                    ms: Date.now() - started,
                    serialTail: tailOf(files.serial),
                    problem: `QEMU exited (status ${exited}) before the smoke line${stderr.trim() ? `: ${stderr.trim().split("\n").slice(-3).join(" ")}` : ""}`,
                };
            }
            if (Date.now() - started > timeoutMs) {
                return {
                    mode,
                    ms: Date.now() - started,
                    serialTail: tailOf(files.serial),
                    problem: `no smoke line within ${Math.round(timeoutMs / 1000)}s`,
                };
            }
            await new Promise((r) => setTimeout(r, 250));
        }
    } finally {
        if (exited === undefined) {
            child.kill("SIGKILL");
            await exit;
        }
        fs.rmSync(files.vars, { force: true });
    }
}
