/**
 * The image definition (`image.yaml`): parsed with `yaml`, checked against `image.schema.json` with ajv, then
 * against the rules a schema cannot say: every referenced file exists, an SSH server needs `sshServer: true`,
 * and boot-time configuration never installs packages (cloud-init package modules, install commands in
 * bootcmd/runcmd or in a unit's Exec lines). Pure apart from reading the definition and stat-ing its files.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ErrorObject } from "ajv";
import { parseDocument, stringify } from "yaml";
import { BootMode } from "../../../components/core/bakeManifest";
import { findInstalls } from "../../../policy/model/boot";
import { StepError } from "../release/errors";

/** The definition's JSON schema (also for editors: `# yaml-language-server: $schema=.../image.schema.json`). */
import schemaDocument = require("./image.schema.json");

/** A file written into the image: from the definition's directory (`source`) or inline (`content`). */
export interface ImageFile {
    path: string;
    source?: string;
    content?: string;
    mode?: string;
}

/** A systemd unit file written to /etc/systemd/system. */
export interface ImageUnit {
    name: string;
    source?: string;
    content?: string;
}

/** The definition as written (after the schema check). */
export interface ImageDefinition {
    name: string;
    description?: string;
    base: { release: string; mirror: string; securityMirror?: string };
    diskSizeGiB?: number;
    packages?: string[];
    sshServer?: boolean;
    files?: ImageFile[];
    application?: { binary?: string; tarball?: string; path: string };
    units?: ImageUnit[];
    enable?: string[];
    bootModes: BootMode[];
    cloudInit?: { datasources: string[]; config?: Record<string, unknown> };
    smoke?: { units?: string[]; http?: string; command?: string; timeoutSeconds?: number };
}

/** A loaded, checked definition and where it came from. */
export interface LoadedDefinition {
    definition: ImageDefinition;
    /** The definition file (absolute). */
    file: string;
    /** Its directory: `source`, `binary` and `tarball` paths are relative to it. */
    dir: string;
    /** sha256 of the definition file's bytes, `sha256:<hex>`. */
    sha256: string;
}

/** Packages that run an SSH server: any of them needs `sshServer: true`. */
export const SSH_SERVER_PACKAGES = [
    "openssh-server",
    "ssh",
    "dropbear",
    "dropbear-bin",
    "dropbear-run",
    "tinysshd",
    "lsh-server",
];

/** cloud-config keys of the cloud-init modules that install software or configure package sources: the image never runs them. */
export const BOOT_INSTALL_KEYS = [
    "packages",
    "package_update",
    "package_upgrade",
    "package_reboot_if_required",
    "apt",
    "apt_update",
    "apt_upgrade",
    "apt_reboot_if_required",
    "snap",
    "yum_repos",
    "zypper",
    "apk_repos",
    "ansible",
    "puppet",
    "chef",
    "salt_minion",
    "ubuntu_advantage",
    "ubuntu_pro",
    "drivers",
];

/** Paths a definition may not write: kernel and runtime file systems, and what the bake itself owns. */
const RESERVED_PATHS = ["/proc", "/sys", "/dev", "/run", "/boot", "/usr/lib/immutable", "/etc/fstab"];

/** The default disk size, GiB. */
export const DEFAULT_DISK_GIB = 2;

let compiled: ReturnType<Ajv["compile"]> | undefined;

function schemaValidator(): ReturnType<Ajv["compile"]> {
    if (!compiled) {
        const schema = structuredClone(schemaDocument) as object;
        compiled = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
    }
    return compiled;
}

/** One schema error as a sentence: `/base/release must be one of: bookworm (got "jammy")`. */
export function describeSchemaError(error: ErrorObject, value: unknown): string {
    const at = error.instancePath === "" ? "the definition" : error.instancePath;
    const got = (() => {
        let v: unknown = value;
        for (const part of error.instancePath.split("/").slice(1)) {
            v = (v as Record<string, unknown> | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
        }
        return JSON.stringify(v);
    })();
    switch (error.keyword) {
        case "additionalProperties":
            return `${at} has an unknown field "${(error.params as { additionalProperty: string }).additionalProperty}"`;
        case "required":
            return `${at} is missing "${(error.params as { missingProperty: string }).missingProperty}"`;
        case "enum":
            return `${at} must be one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")} (got ${got})`;
        case "oneOf":
            return `${at} must have exactly one of ${error.instancePath.startsWith("/application") ? "binary or tarball" : "source or content"}`;
        default:
            return `${at} ${error.message}${error.keyword === "type" || error.keyword === "pattern" ? ` (got ${got})` : ""}`;
    }
}

/** Schema errors minus the noise ajv adds under a failed oneOf (the branches' own "required"). */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
    const oneOfPaths = new Set(errors.filter((e) => e.keyword === "oneOf").map((e) => e.instancePath));
    return errors.filter(
        (e) => !(e.keyword === "required" && oneOfPaths.has(e.instancePath) && e.schemaPath.includes("/oneOf/")),
    );
}

/**
 * Every boot-time install a cloud-config asks for: keys of the cloud-init modules the image never runs (they
 * would be silently ignored), then what the policy pack's boot-install detector finds (the one truth of "installs
 * at boot": a shell parser over bootcmd, runcmd, executed write_files...).
 */
export function bootInstalls(config: Record<string, unknown>): string[] {
    const keys = Object.keys(config).filter((k) => BOOT_INSTALL_KEYS.includes(k));
    const problems = keys.map(
        (k) => `cloudInit.config.${k} installs software at boot (this image never runs cloud-init's package modules)`,
    );
    for (const found of findInstalls(`#cloud-config\n${stringify(config)}`)) {
        if (!keys.some((k) => found.command.startsWith(`${k}:`))) {
            problems.push(`cloudInit.config runs a ${found.kind} at boot: ${JSON.stringify(found.command)}`);
        }
    }
    return problems;
}

/** The Exec lines of a unit that install software at boot (the same detector, each line read as shell). */
export function unitBootInstalls(unit: string, text: string): string[] {
    return text
        .split(/\r?\n/)
        .filter((l) => /^\s*Exec[A-Za-z]*\s*=/.test(l))
        .flatMap((l) => findInstalls(l.replace(/^\s*Exec[A-Za-z]*\s*=\s*[-@:+!]*/, "")))
        .map((f) => `unit ${unit} runs a ${f.kind} at boot: ${JSON.stringify(f.command)}`);
}

/** The SSH server packages a package list holds. */
export function sshServers(packages: string[]): string[] {
    return packages.filter((p) => SSH_SERVER_PACKAGES.includes(p));
}

function checkImagePath(field: string, p: string): string | undefined {
    const normal = path.posix.normalize(p);
    if (normal !== p || p.endsWith("/")) {
        return `${field} ${JSON.stringify(p)} must be a normalized absolute path (no "..", "//" or trailing "/")`;
    }
    const reserved = RESERVED_PATHS.find((r) => p === r || p.startsWith(`${r}/`));
    if (reserved) {
        return `${field} ${JSON.stringify(p)} is under ${reserved}, which the bake owns or the kernel provides`;
    }
    return undefined;
}

function checkSource(dir: string, field: string, source: string, kind: "file" | "executable"): string | undefined {
    const full = path.resolve(dir, source);
    let stat: fs.Stats;
    try {
        stat = fs.statSync(full);
    } catch {
        return `${field} ${JSON.stringify(source)} does not exist (looked for ${full})`;
    }
    if (!stat.isFile()) {
        return `${field} ${JSON.stringify(source)} is not a regular file (${full})`;
    }
    if (kind === "executable" && (stat.mode & 0o111) === 0) {
        return `${field} ${JSON.stringify(source)} is not executable (${full})`;
    }
    return undefined;
}

/**
 * Checks a parsed definition. `where` names it in messages (`stacks/app/image.yaml`), `dir` resolves its
 * relative paths. Throws a {@link StepError} at step `check` listing every problem found.
 */
export function validateDefinition(value: unknown, where: string, dir: string): ImageDefinition {
    const validate = schemaValidator();
    if (!validate(value)) {
        const problems = relevantErrors(validate.errors ?? []).map((e) => describeSchemaError(e, value));
        throw new StepError("check", `${where}: ${[...new Set(problems)].join("; ")}`);
    }
    const def = value as ImageDefinition;
    const problems: string[] = [];
    const servers = sshServers(def.packages ?? []);
    if (servers.length > 0 && def.sshServer !== true) {
        problems.push(
            `packages ${servers.join(", ")} run an SSH server: an immutable image is not logged into; set sshServer: true to ship one deliberately (the policy pack then knows)`,
        );
    }
    if (def.cloudInit?.config) {
        problems.push(
            ...bootInstalls(def.cloudInit.config).map(
                (p) =>
                    `${p}: bake the package into the image (packages:) instead; boot-time configuration only fetches configuration and secrets`,
            ),
        );
    }
    const written = new Set<string>();
    for (const [i, f] of (def.files ?? []).entries()) {
        const bad = checkImagePath(`files[${i}].path`, f.path);
        if (bad) {
            problems.push(bad);
        }
        if (written.has(f.path)) {
            problems.push(`files[${i}].path ${JSON.stringify(f.path)} is written twice`);
        }
        written.add(f.path);
        const missing = f.source === undefined ? undefined : checkSource(dir, `files[${i}].source`, f.source, "file");
        if (missing) {
            problems.push(missing);
        }
    }
    const app = def.application;
    if (app) {
        const bad = checkImagePath("application.path", app.path);
        if (bad) {
            problems.push(bad);
        }
        if (written.has(app.path)) {
            problems.push(`application.path ${JSON.stringify(app.path)} is also written by files`);
        }
        const missing = app.binary
            ? checkSource(dir, "application.binary", app.binary, "executable")
            : checkSource(dir, "application.tarball", app.tarball!, "file");
        if (missing) {
            problems.push(`${missing}: build the application first`);
        }
    }
    const unitNames = new Set<string>();
    for (const [i, u] of (def.units ?? []).entries()) {
        if (unitNames.has(u.name)) {
            problems.push(`units[${i}].name ${u.name} is defined twice`);
        }
        unitNames.add(u.name);
        if (u.source !== undefined) {
            const missing = checkSource(dir, `units[${i}].source`, u.source, "file");
            if (missing) {
                problems.push(missing);
                continue;
            }
        }
        const text = u.content ?? fs.readFileSync(path.resolve(dir, u.source!), "utf8");
        problems.push(...unitBootInstalls(u.name, text));
    }
    for (const unit of def.smoke?.units ?? []) {
        if (!unitNames.has(unit) && !(def.enable ?? []).includes(unit)) {
            problems.push(`smoke.units names ${unit}, which is neither defined in units nor enabled`);
        }
    }
    if (problems.length > 0) {
        throw new StepError("check", `${where}: ${problems.join("; ")}`);
    }
    return def;
}

/** Reads, parses and checks a definition file. */
export function loadDefinition(file: string): LoadedDefinition {
    const full = path.resolve(file);
    let bytes: Buffer;
    try {
        bytes = fs.readFileSync(full);
    } catch (err: any) {
        throw new StepError("check", `cannot read the image definition ${file} (${err.code ?? err.message})`);
    }
    const doc = parseDocument(bytes.toString("utf8"), { prettyErrors: false });
    if (doc.errors.length > 0) {
        throw new StepError("check", `${file} is not valid YAML: ${doc.errors[0].message}`);
    }
    const dir = path.dirname(full);
    return {
        definition: validateDefinition(doc.toJS(), file, dir),
        file: full,
        dir,
        sha256: `sha256:${createHash("sha256").update(bytes).digest("hex")}`,
    };
}

/** The base set: the cloud kernel, systemd with networkd and resolved, both boot chains. */
export const BASE_PACKAGES = [
    "linux-image-cloud-amd64",
    "systemd-sysv",
    "systemd-resolved",
    "udev",
    "initramfs-tools",
    "zstd",
    "grub-pc-bin",
    "grub-efi-amd64-signed",
    "shim-signed",
];

/** The packages every image gets for its boot modes and boot-time configuration, then the definition's own. */
export function packageSet(def: ImageDefinition): string[] {
    // Every disk is hybrid (BIOS boot partition + ESP with the signed shim), whatever modes are declared and tested.
    const base = [...BASE_PACKAGES];
    if (def.cloudInit) {
        base.push("cloud-init", "cloud-guest-utils");
    }
    return [...new Set([...base, ...(def.packages ?? [])])];
}

/** The disk size in bytes. */
export function diskBytes(def: ImageDefinition): number {
    return (def.diskSizeGiB ?? DEFAULT_DISK_GIB) * 1024 ** 3;
}
