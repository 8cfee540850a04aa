/**
 * cloud-config read as cloud-init reads it (YAML, with the `yaml` package): the modules that install
 * (`packages`, `package_upgrade`, `snap.commands`), configuration management agents (`ansible`, `chef`,
 * `puppet`, `salt_minion`), the commands it runs (`bootcmd` and `runcmd`, each entry a shell line or an argv
 * list), and `write_files` that are then executed (named by a command, or written to cloud-init's script
 * directories), their content decoded (`b64`, `gzip`, `gz+b64`).
 * https://cloudinit.readthedocs.io/en/latest/reference/modules.html
 */
import { gunzipSync } from "node:zlib";
import type * as Yaml from "yaml";
import { ActionKind, type BootInstall } from "./commands";

/** The yaml package's parse, loaded on first use: most resources hold no YAML, and loading it costs about 35 ms. */
function parseYaml(text: string): any {
    return (require("yaml") as typeof Yaml).parse(text);
}

/** What a cloud-config installs, and why it cannot be read when it cannot. */
export interface CloudConfigFindings {
    installs: BootInstall[];
    unreadable?: string;
}

const SCRIPT_DIRS = /^\/var\/lib\/cloud\/scripts\/(per-boot|per-instance|per-once)\//;

/** A shell line from an argv list entry (`["apt-get", "install", "-y", "x"]`), quoted as the shell would need. */
function argvLine(argv: unknown[]): string {
    return argv.map((a) => `'${String(a).replace(/'/g, `'\\''`)}'`).join(" ");
}

function commandLines(value: unknown): string[] {
    if (!Array.isArray(value)) {
        return typeof value === "string" ? [value] : [];
    }
    return value.map((entry) => (Array.isArray(entry) ? argvLine(entry) : String(entry ?? "")));
}

function fileContent(file: Record<string, unknown>): string | undefined {
    const content = typeof file.content === "string" ? file.content : undefined;
    if (content === undefined) {
        return undefined;
    }
    const encoding = typeof file.encoding === "string" ? file.encoding.toLowerCase() : "";
    let bytes = /b64|base64/.test(encoding) ? Buffer.from(content, "base64") : Buffer.from(content, "utf8");
    if (/gz/.test(encoding)) {
        try {
            bytes = gunzipSync(bytes);
        } catch {
            return undefined;
        }
    }
    return bytes.toString("utf8");
}

function truthy(v: unknown): boolean {
    return v === true || (typeof v === "string" && /^(true|yes|on|1)$/i.test(v.trim()));
}

/**
 * Judges one cloud-config document. `shell` analyzes shell text (runcmd lines, executed files) and returns
 * what it installs.
 */
export function analyzeCloudConfig(text: string, shell: (text: string) => BootInstall[]): CloudConfigFindings {
    let config: unknown;
    try {
        config = parseYaml(text);
    } catch (err) {
        return { installs: [], unreadable: `cloud-config is not YAML (${(err as Error).message.split("\n")[0]})` };
    }
    if (config === null || config === undefined) {
        return { installs: [] };
    }
    if (typeof config !== "object" || Array.isArray(config)) {
        return { installs: [], unreadable: "cloud-config is not a YAML map of modules" };
    }
    const c = config as Record<string, unknown>;
    const installs: BootInstall[] = [];
    const packages = Array.isArray(c.packages) ? c.packages : c.packages ? [c.packages] : [];
    if (packages.length > 0) {
        const names = packages.map((p) => (Array.isArray(p) ? p.join("=") : String(p))).join(", ");
        installs.push({ kind: ActionKind.PackageInstall, command: `packages: ${names}`.slice(0, 80) });
    }
    for (const key of ["package_upgrade", "package_reboot_if_required"]) {
        if (key === "package_upgrade" && truthy(c[key])) {
            installs.push({ kind: ActionKind.PackageInstall, command: `${key}: true` });
        }
    }
    for (const agent of ["ansible", "chef", "puppet", "salt_minion"]) {
        if (c[agent] !== undefined && c[agent] !== null && c[agent] !== false) {
            installs.push({ kind: ActionKind.ConfigurationManagement, command: `${agent}: (cloud-config module)` });
        }
    }
    const snap = c.snap as Record<string, unknown> | undefined;
    const lines = [
        ...commandLines(c.bootcmd),
        ...commandLines(c.runcmd),
        ...commandLines(snap && typeof snap === "object" ? snap.commands : undefined),
    ];
    const script = lines.join("\n");
    for (const line of lines) {
        installs.push(...shell(line));
    }
    for (const f of Array.isArray(c.write_files) ? c.write_files : []) {
        const file = (f ?? {}) as Record<string, unknown>;
        const path = typeof file.path === "string" ? file.path : undefined;
        if (!path) {
            continue;
        }
        const executed = SCRIPT_DIRS.test(path) || script.includes(path);
        const content = executed ? fileContent(file) : undefined;
        if (content !== undefined) {
            installs.push(...shell(content));
        }
    }
    return { installs };
}
