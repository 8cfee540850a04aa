/**
 * The root file system: bootstrapped by mmdebstrap from the definition's mirror (optionally pinned to an exact
 * package set, and cached by its inputs), then customized without booting it (files, the application, units,
 * networking, cloud-init, the boot loader configuration, the smoke unit) and normalized so that two builds give
 * the same bytes (machine-id, caches and logs removed, every mtime clamped to SOURCE_DATE_EPOCH).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import type { BakedPackage } from "../../../components/core/bakeManifest";
import { packageSet, sshServers, type LoadedDefinition } from "./definition";
import { StepError } from "../release/errors";
import { SMOKE_COMMAND, SMOKE_SCRIPT, SMOKE_UNIT, smokeScript, smokeUnit } from "./smoke";
import { run, runChecked, tail } from "../release/process";

/** The default security archive. */
export const DEFAULT_SECURITY_MIRROR = "http://deb.debian.org/debian-security";

/** Inputs of one bootstrap; everything that changes its output is in here (and in the cache key). */
export interface BootstrapRequest {
    release: string;
    mirror: string;
    securityMirror: string;
    /** Packages on top of minbase. */
    packages: string[];
    /** An exact package set to reproduce (from an earlier manifest), or undefined for the archive's current versions. */
    pins?: BakedPackage[];
    /** SOURCE_DATE_EPOCH. */
    epoch: number;
}

/** The apt sources of the image: the release, its updates and its security suite. */
export function aptSources(req: BootstrapRequest): string[] {
    const mirror = req.mirror.replace(/\/+$/, "");
    const security = req.securityMirror.replace(/\/+$/, "");
    return [
        `deb ${mirror} ${req.release} main`,
        `deb ${mirror} ${req.release}-updates main`,
        `deb ${security} ${req.release}-security main`,
    ];
}

/** The bootstrap request of a definition. */
export function bootstrapRequest(loaded: LoadedDefinition, epoch: number, pins?: BakedPackage[]): BootstrapRequest {
    const def = loaded.definition;
    return {
        release: def.base.release,
        mirror: def.base.mirror,
        securityMirror: def.base.securityMirror ?? DEFAULT_SECURITY_MIRROR,
        packages: packageSet(def),
        pins,
        epoch,
    };
}

/** apt preferences that select exactly the pinned versions (priority 1001 also allows going back). */
export function pinPreferences(pins: BakedPackage[]): string {
    return pins.map((p) => `Package: ${p.name}\nPin: version ${p.version}\nPin-Priority: 1001\n`).join("\n");
}

/** The name of the preferences file the pins travel in (removed from the image after the bootstrap). */
export const PINS_FILE = "immutable-pins";

/** The mmdebstrap command line writing a tarball to `out`; `pinsFile` is a host file named {@link PINS_FILE}. */
export function mmdebstrapArgs(req: BootstrapRequest, out: string, pinsFile?: string): string[] {
    const args = [
        "--variant=minbase",
        "--mode=root",
        "--format=tar",
        "--architectures=amd64",
        "--components=main",
        `--include=${req.packages.join(",")}`,
        '--aptopt=Acquire::Retries "3"',
        // Documentation, manuals and translations are not needed on a server; the copyright files stay.
        "--dpkgopt=path-exclude=/usr/share/man/*",
        "--dpkgopt=path-exclude=/usr/share/locale/*",
        "--dpkgopt=path-exclude=/usr/share/doc/*",
        "--dpkgopt=path-include=/usr/share/doc/*/copyright",
    ];
    if (pinsFile) {
        args.push(`--setup-hook=copy-in ${pinsFile} /etc/apt/preferences.d`);
    }
    args.push(req.release, out, ...aptSources(req));
    return args;
}

/** The environment every build tool runs with. */
export function buildEnv(epoch: number): Record<string, string> {
    return {
        SOURCE_DATE_EPOCH: String(epoch),
        LC_ALL: "C",
        TZ: "UTC",
        // py3compile byte-compiles cloud-init's modules at install: no hash randomization in the .pyc files.
        PYTHONHASHSEED: "0",
    };
}

/** The cache key of a bootstrap: its inputs and the mmdebstrap version. */
export function bootstrapKey(req: BootstrapRequest, mmdebstrapVersion: string): string {
    return createHash("sha256")
        .update(
            JSON.stringify({
                req,
                args: mmdebstrapArgs(req, "OUT", req.pins ? PINS_FILE : undefined),
                mmdebstrapVersion,
            }),
        )
        .digest("hex")
        .slice(0, 32);
}

/**
 * Bootstraps into `<workDir>/rootfs.tar`, or takes the tarball from `cacheDir` when an identical bootstrap is
 * there (and stores it there otherwise). Resolves with the tarball and whether it came from the cache.
 */
export async function bootstrap(
    req: BootstrapRequest,
    workDir: string,
    options: { cacheDir?: string; timeoutMs: number; mmdebstrapVersion: string },
): Promise<{ tar: string; cached: boolean }> {
    const key = bootstrapKey(req, options.mmdebstrapVersion);
    const cached = options.cacheDir ? path.join(options.cacheDir, `rootfs-${key}.tar`) : undefined;
    if (cached && fs.existsSync(cached)) {
        return { tar: cached, cached: true };
    }
    const tar = path.join(workDir, "rootfs.tar");
    let pinsFile: string | undefined;
    if (req.pins) {
        pinsFile = path.join(workDir, PINS_FILE);
        fs.writeFileSync(pinsFile, pinPreferences(req.pins));
    }
    const result = await run("mmdebstrap", mmdebstrapArgs(req, tar, pinsFile), {
        timeoutMs: options.timeoutMs,
        env: { ...buildEnv(req.epoch), TMPDIR: workDir },
    });
    if (result.code !== 0 || result.timedOut) {
        throw new StepError("bootstrap", explainBootstrapFailure(result.stderr + result.stdout, result.timedOut));
    }
    if (cached) {
        fs.mkdirSync(path.dirname(cached), { recursive: true });
        fs.copyFileSync(tar, `${cached}.tmp`);
        fs.renameSync(`${cached}.tmp`, cached);
    }
    return { tar, cached: false };
}

/** mmdebstrap's failure in words: apt's own errors first. */
export function explainBootstrapFailure(log: string, timedOut: boolean): string {
    if (timedOut) {
        return `mmdebstrap timed out (--bootstrap-timeout); last output:\n${tail(log, 8)}`;
    }
    const unable = [...log.matchAll(/E: Unable to locate package (\S+)/g)].map((m) => m[1]);
    if (unable.length > 0) {
        return `the mirror has no package ${[...new Set(unable)].join(", ")}`;
    }
    const apt = log
        .split(/\r?\n/)
        .filter((l) => /^E: |^W: Failed to fetch|Could not resolve|404\s+Not Found/.test(l.trim()))
        .slice(0, 6);
    return `mmdebstrap failed:\n${(apt.length > 0 ? apt.join("\n") : tail(log, 12)).trim()}`;
}

/** Unpacks the bootstrap tarball into `dir` (owners, modes and extended attributes such as capabilities kept). */
export async function extract(tar: string, dir: string): Promise<void> {
    fs.mkdirSync(dir, { recursive: true });
    await runChecked("tar", ["--numeric-owner", "--xattrs", "--xattrs-include=*", "-xpf", tar, "-C", dir], {
        timeoutMs: 600_000,
    });
}

/** The installed packages, sorted by name (dpkg's own database in the image). */
export async function installedPackages(rootfs: string): Promise<BakedPackage[]> {
    const result = await runChecked(
        "dpkg-query",
        [
            `--admindir=${path.join(rootfs, "var/lib/dpkg")}`,
            "-W",
            "-f",
            "${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\n",
        ],
        { timeoutMs: 60_000 },
    );
    return result.stdout
        .split("\n")
        .map((l) => l.split("\t"))
        .filter((f) => f.length === 4 && f[0].startsWith("ii"))
        .map(([, name, version, arch]) => ({ name, version, arch }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Differences between a pinned package set and the installed one (empty when identical). */
export function pinDifferences(pins: BakedPackage[], installed: BakedPackage[]): string[] {
    const want = new Map(pins.map((p) => [`${p.name}:${p.arch}`, p.version]));
    const have = new Map(installed.map((p) => [`${p.name}:${p.arch}`, p.version]));
    const diffs: string[] = [];
    for (const [key, version] of want) {
        const got = have.get(key);
        if (got === undefined) {
            diffs.push(`${key} ${version} is not installed`);
        } else if (got !== version) {
            diffs.push(`${key} is ${got}, pinned ${version}`);
        }
    }
    for (const [key, version] of have) {
        if (!want.has(key)) {
            diffs.push(`${key} ${version} is installed but not pinned`);
        }
    }
    return diffs;
}

/** Everything the customization writes besides the definition's own files. */
export interface CustomizeContext {
    loaded: LoadedDefinition;
    version: string;
    /** The ext4 root UUID (fstab, GRUB, the kernel command line). */
    rootFsUuid: string;
}

/** Writes a file into the image (root-owned); refuses a directory that resolves outside it (an absolute symlink). */
function write(rootfs: string, file: string, content: string | Buffer, mode = 0o644): void {
    const target = path.join(rootfs, file);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    const real = fs.realpathSync(path.dirname(target));
    const root = fs.realpathSync(rootfs);
    if (real !== root && !real.startsWith(`${root}/`)) {
        throw new StepError("customize", `${file}: its directory resolves to ${real}, outside the image (a symlink)`);
    }
    fs.rmSync(target, { force: true });
    fs.writeFileSync(target, content, { mode });
    fs.chmodSync(target, mode);
    fs.chownSync(target, 0, 0);
}

/** The kernel version installed in /boot (exactly one). */
export function kernelVersion(rootfs: string): string {
    const kernels = fs
        .readdirSync(path.join(rootfs, "boot"))
        .filter((f) => f.startsWith("vmlinuz-"))
        .map((f) => f.slice("vmlinuz-".length));
    if (kernels.length !== 1) {
        throw new StepError(
            "customize",
            `expected one kernel in /boot, found ${kernels.length} (${kernels.join(", ")})`,
        );
    }
    return kernels[0];
}

/** The kernel command line: root by UUID, console on tty0 and the first serial port (all three clouds log it). */
export function kernelCommandLine(rootFsUuid: string): string {
    return `root=UUID=${rootFsUuid} ro console=tty0 console=ttyS0,115200n8`;
}

/** /boot/grub/grub.cfg, read by both boot chains (BIOS core.img and the ESP's signed GRUB). */
export function grubConfig(name: string, version: string, kernel: string, rootFsUuid: string): string {
    return `# Written by bin/immutable bake: image ${name} ${version}. Never edited on a running machine.
set default=0
set timeout=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
menuentry "Debian GNU/Linux (${name} ${version})" {
    search --no-floppy --fs-uuid --set=root ${rootFsUuid}
    linux /boot/vmlinuz-${kernel} ${kernelCommandLine(rootFsUuid)}
    initrd /boot/initrd.img-${kernel}
}
`;
}

/** The small config both boot loaders start with: find the root file system and read its grub.cfg. */
export function grubStubConfig(rootFsUuid: string): string {
    return `search --no-floppy --fs-uuid --set=root ${rootFsUuid}
set prefix=($root)/boot/grub
configfile ($root)/boot/grub/grub.cfg
`;
}

/** cloud-init modules that install or upgrade software, or configure package sources: never run by our images. */
export const CLOUD_INIT_MODULES = {
    init: [
        "seed_random",
        "bootcmd",
        "write_files",
        "growpart",
        "resizefs",
        "disk_setup",
        "mounts",
        "set_hostname",
        "update_hostname",
        "update_etc_hosts",
        "ca_certs",
        "users_groups",
        "ssh",
    ],
    config: ["locale", "timezone", "runcmd"],
    final: [
        "write_files_deferred",
        "scripts_vendor",
        "scripts_per_once",
        "scripts_per_boot",
        "scripts_per_instance",
        "scripts_user",
        "ssh_authkey_fingerprints",
        "final_message",
        "power_state_change",
    ],
};

/**
 * /etc/cloud/cloud.cfg.d/90-image.cfg: the datasources of the clouds, networking left to systemd-networkd, the
 * module lists without any package module, then the definition's own cloud-config.
 */
export function cloudInitConfig(datasources: string[], config: Record<string, unknown> | undefined): string {
    const doc = {
        datasource_list: datasources,
        network: { config: "disabled" },
        cloud_init_modules: CLOUD_INIT_MODULES.init,
        cloud_config_modules: CLOUD_INIT_MODULES.config,
        cloud_final_modules: CLOUD_INIT_MODULES.final,
        ...(config ?? {}),
    };
    return `# Written by bin/immutable bake: boot-time configuration fetches configuration and secrets only;\n# no module that installs packages runs.\n${stringify(doc)}`;
}

/** A catch-all DHCP network for systemd-networkd (the clouds' first NIC: ens5, ens4, eth0, ...). */
export const DHCP_NETWORK = `[Match]
Name=en* eth*

[Network]
DHCP=yes
`;

async function enableUnits(rootfs: string, units: string[]): Promise<void> {
    if (units.length === 0) {
        return;
    }
    for (const unit of units) {
        const found = ["etc/systemd/system", "usr/lib/systemd/system", "lib/systemd/system"].some((d) =>
            fs.existsSync(path.join(rootfs, d, unit.replace(/@[^.]+\./, "@."))),
        );
        if (!found) {
            throw new StepError("customize", `enable: unit ${unit} is neither in units nor installed by a package`);
        }
    }
    // The image's own systemctl, offline (it detects the chroot and only writes the [Install] symlinks).
    const result = await run("chroot", [rootfs, "systemctl", "enable", ...units], { timeoutMs: 60_000 });
    if (result.code !== 0) {
        throw new StepError("customize", `systemctl enable ${units.join(" ")} failed: ${tail(result.stderr, 4)}`);
    }
}

/** Applies the definition and the bake's own configuration to an extracted root file system. */
export async function customize(rootfs: string, ctx: CustomizeContext): Promise<void> {
    const { loaded, version, rootFsUuid } = ctx;
    const def = loaded.definition;
    // What mmdebstrap copied from the build host, and what a first boot must create itself.
    fs.rmSync(path.join(rootfs, "etc/hostname"), { force: true });
    fs.rmSync(path.join(rootfs, "etc/resolv.conf"), { force: true });
    fs.symlinkSync("../run/systemd/resolve/stub-resolv.conf", path.join(rootfs, "etc/resolv.conf"));
    fs.rmSync(path.join(rootfs, "etc/apt/preferences.d", PINS_FILE), { force: true });
    write(rootfs, "etc/fstab", `UUID=${rootFsUuid} / ext4 defaults,errors=remount-ro 0 1\n`);
    write(rootfs, "etc/systemd/network/80-immutable-dhcp.network", DHCP_NETWORK);
    const kernel = kernelVersion(rootfs);
    write(rootfs, "boot/grub/grub.cfg", grubConfig(def.name, version, kernel, rootFsUuid));
    write(
        rootfs,
        "etc/immutable/image.json",
        `${JSON.stringify({ name: def.name, version, definitionSha256: loaded.sha256 }, null, 2)}\n`,
    );
    for (const f of def.files ?? []) {
        const mode = parseInt(f.mode ?? "0644", 8);
        write(rootfs, f.path, f.content ?? fs.readFileSync(path.resolve(loaded.dir, f.source!)), mode);
    }
    const app = def.application;
    if (app?.binary) {
        write(rootfs, app.path, fs.readFileSync(path.resolve(loaded.dir, app.binary)), 0o755);
    } else if (app?.tarball) {
        const target = path.join(rootfs, app.path);
        fs.mkdirSync(target, { recursive: true, mode: 0o755 });
        await runChecked("tar", ["-xf", path.resolve(loaded.dir, app.tarball), "-C", target, "--no-same-owner"], {
            timeoutMs: 300_000,
        });
    }
    for (const u of def.units ?? []) {
        write(
            rootfs,
            `etc/systemd/system/${u.name}`,
            u.content ?? fs.readFileSync(path.resolve(loaded.dir, u.source!)),
        );
    }
    if (def.cloudInit) {
        write(
            rootfs,
            "etc/cloud/cloud.cfg.d/90-image.cfg",
            cloudInitConfig(def.cloudInit.datasources, def.cloudInit.config),
        );
    }
    write(rootfs, SMOKE_SCRIPT.slice(1), smokeScript(def.smoke), 0o755);
    if (def.smoke?.command) {
        write(rootfs, SMOKE_COMMAND.slice(1), `${def.smoke.command}\n`, 0o755);
    }
    write(rootfs, `etc/systemd/system/${SMOKE_UNIT}`, smokeUnit());
    if (def.sshServer) {
        // Host keys made at package install would be shared by every machine: each machine makes its own.
        for (const f of fs
            .readdirSync(path.join(rootfs, "etc/ssh"), { withFileTypes: true })
            .filter((e) => e.name.startsWith("ssh_host_"))) {
            fs.rmSync(path.join(rootfs, "etc/ssh", f.name));
        }
        write(
            rootfs,
            "etc/systemd/system/ssh.service.d/10-host-keys.conf",
            "[Service]\nExecStartPre=/usr/bin/ssh-keygen -A\n",
        );
    }
    await enableUnits(rootfs, [
        "systemd-networkd.service",
        "systemd-resolved.service",
        SMOKE_UNIT,
        ...(def.enable ?? []),
    ]);
}

/** Refuses an SSH server the definition did not ask for, even one pulled in as a dependency. */
export function checkSshServer(installed: BakedPackage[], allowed: boolean): boolean {
    const servers = sshServers(installed.map((p) => p.name));
    if (servers.length > 0 && !allowed) {
        throw new StepError(
            "customize",
            `the image would run an SSH server (${servers.join(", ")} installed as a dependency) without sshServer: true in the definition`,
        );
    }
    return servers.length > 0;
}

/** Files whose content differs between two otherwise identical builds, removed (or emptied) before the image is made. */
export const VOLATILE = {
    /** Emptied: systemd makes a new machine-id at first boot (an empty file marks "not yet initialized"). */
    empty: ["etc/machine-id"],
    /** Removed outright. */
    remove: [
        "var/lib/dbus/machine-id",
        "var/cache/ldconfig/aux-cache",
        "var/lib/systemd/random-seed",
        "var/cache/debconf/config.dat-old",
        "var/cache/debconf/templates.dat-old",
        "var/lib/dpkg/status-old",
        "var/lib/dpkg/diversions-old",
        "etc/apt/apt.conf.d/99mmdebstrap",
    ],
    /** Emptied of their contents (the directories stay). */
    clear: ["var/cache/apt", "var/lib/apt/lists", "var/log", "tmp", "var/tmp"],
};

/** Removes what makes two builds differ, then clamps every mtime (and atime) to `epoch`. */
export function normalize(rootfs: string, epoch: number): void {
    for (const f of VOLATILE.empty) {
        write(rootfs, f, "", 0o444);
    }
    for (const f of VOLATILE.remove) {
        fs.rmSync(path.join(rootfs, f), { force: true });
    }
    for (const d of VOLATILE.clear) {
        const dir = path.join(rootfs, d);
        for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
            // apt's lists/partial and archives/partial directories are kept, empty.
            const full = path.join(dir, entry);
            if (entry === "partial" || entry === "archives") {
                for (const inner of fs.readdirSync(full)) {
                    if (inner !== "partial") {
                        fs.rmSync(path.join(full, inner), { recursive: true, force: true });
                    }
                }
                continue;
            }
            fs.rmSync(full, { recursive: true, force: true });
        }
    }
    clampTimes(rootfs, epoch);
}

/** Sets mtime and atime of everything under `dir` (symlinks themselves, not their targets) to at most `epoch`. */
export function clampTimes(dir: string, epoch: number): void {
    const visit = (p: string) => {
        const st = fs.lstatSync(p);
        if (st.isDirectory()) {
            for (const entry of fs.readdirSync(p)) {
                visit(path.join(p, entry));
            }
        }
        const mtime = Math.min(Math.floor(st.mtimeMs / 1000), epoch);
        fs.lutimesSync(p, mtime, mtime);
    };
    visit(dir);
}
