/**
 * Boot scripts, one shape for what runs when an instance starts: AWS user data (plain `userData`,
 * `userDataBase64`, launch template `userData` which the API wants in base64), GCP `metadataStartupScript`
 * and the `startup-script` / `user-data` metadata keys, Azure `customData` and `userData` (base64) on VMs
 * and scale sets. Base64 is decoded where the API wants it; binary (gzip) content is left as it is.
 */
import { T, VM_TYPES } from "./types";
import { decodeBase64, memoByProps, record, str } from "./values";

/** One boot script, decoded. */
export interface BootScript {
    /** Where it was found: `userData`, `metadata.startup-script`. */
    path: string;
    text: string;
}

/** The resource types this normalizer reads. */
export const BOOT_TYPES: readonly string[] = VM_TYPES;

/** GCP metadata keys that the guest runs or hands to cloud-init at boot. */
const GCP_BOOT_KEY =
    /^(startup-script|windows-startup-script-(ps1|cmd|bat)|sysprep-specialize-script-(ps1|cmd|bat)|user-data)$/;

function add(out: BootScript[], path: string, value: unknown, base64: boolean): void {
    const text = str(value);
    if (text !== undefined && text.length > 0) {
        out.push({ path, text: base64 ? decodeBase64(text) : text });
    }
}

/** The boot scripts of a resource (empty for other types). */
export const bootScripts = memoByProps(bootScriptsOf);

function bootScriptsOf(type: string, props: Record<string, any>): BootScript[] {
    const out: BootScript[] = [];
    switch (type) {
        case T.awsInstance:
            add(out, "userData", props.userData, false);
            add(out, "userDataBase64", props.userDataBase64, true);
            break;
        case T.awsLaunchTemplate:
            add(out, "userData", props.userData, true);
            break;
        case T.gcpInstance:
        case T.gcpInstanceTemplate:
        case T.gcpRegionInstanceTemplate: {
            add(out, "metadataStartupScript", props.metadataStartupScript, false);
            for (const [k, v] of Object.entries(record(props.metadata) ?? {})) {
                if (GCP_BOOT_KEY.test(k)) {
                    add(out, `metadata.${k}`, v, false);
                }
            }
            break;
        }
        case T.azureVm:
            add(out, "osProfile.customData", record(props.osProfile)?.customData, true);
            add(out, "userData", props.userData, true);
            break;
        case T.azureVmss: {
            const profile = record(props.virtualMachineProfile);
            add(out, "virtualMachineProfile.osProfile.customData", record(profile?.osProfile)?.customData, true);
            add(out, "virtualMachineProfile.userData", profile?.userData, true);
            break;
        }
        default:
            break;
    }
    return out;
}

/** One install or download found in a boot script. */
export interface BootInstall {
    /** The matched command, trimmed: `apt-get install -y nginx`. */
    command: string;
    /** What kind: "package install", "remote script". */
    kind: string;
}

const INSTALLS: Array<{ kind: string; re: RegExp }> = [
    {
        kind: "package install",
        re: /\b(apt-get|apt|aptitude)\s+(-\S+\s+)*(install|upgrade|dist-upgrade|full-upgrade)\b[^\n;&|]*/g,
    },
    {
        kind: "package install",
        re: /\b(yum|dnf|microdnf|tdnf)\s+(-\S+\s+)*(install|update|upgrade|groupinstall)\b[^\n;&|]*/g,
    },
    { kind: "package install", re: /\bapk\s+(-\S+\s+)*(add|upgrade)\b[^\n;&|]*/g },
    { kind: "package install", re: /\bzypper\s+(-\S+\s+)*(install|in|update|up|dist-upgrade|dup)\b[^\n;&|]*/g },
    { kind: "package install", re: /\b(pip3?|pipx|python3?\s+-m\s+pip)\s+(-\S+\s+)*install\b[^\n;&|]*/g },
    { kind: "package install", re: /\b(npm|pnpm|yarn)\s+(-\S+\s+)*(install|i|add|ci)\b[^\n;&|]*/g },
    { kind: "package install", re: /\b(gem|snap|choco|brew)\s+(-\S+\s+)*install\b[^\n;&|]*/g },
    { kind: "package install", re: /\b(Install-Package|Install-Module|Install-WindowsFeature)\b[^\n;&|]*/gi },
    { kind: "remote script", re: /\b(curl|wget)\b[^\n|;]*\|\s*(sudo\s+(-\S+\s+)*)?(ba|z|da|k)?sh\b/g },
    { kind: "remote script", re: /\b(curl|wget)\b[^\n|;]*\|\s*(sudo\s+)?(python3?|perl|ruby|node)\b/g },
    { kind: "remote script", re: /\b(ba)?sh\s+(-c\s+)?["']?\$\(\s*(curl|wget)\b[^\n]*/g },
    {
        kind: "remote script",
        re: /\b(iex|Invoke-Expression)\b[^\n]*\b(DownloadString|Invoke-WebRequest|iwr)\b[^\n]*/gi,
    },
    {
        kind: "package install",
        re: /^\s*(packages|package_update|package_upgrade)\s*:(?!\s*(false|\[\s*\])\s*$)[^\n]*/gm,
    },
];

/** The installs and remote scripts a boot script runs (cloud-config `packages:` included). */
export function findInstalls(text: string): BootInstall[] {
    const found: BootInstall[] = [];
    for (const { kind, re } of INSTALLS) {
        re.lastIndex = 0;
        for (const m of text.matchAll(re)) {
            found.push({ kind, command: m[0].trim().replace(/\s+/g, " ").slice(0, 80) });
        }
    }
    return found;
}
