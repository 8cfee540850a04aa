/**
 * Boot scripts, one shape for what runs when an instance starts: AWS user data (instances, spot requests and
 * fleets, launch templates and configurations, Lightsail), GCP startup scripts (`metadataStartupScript`,
 * the `startup-script`, Windows and sysprep script keys, cloud-init `user-data`, and the remote
 * `*-script-url` keys) on instances, templates, per-instance configs, zone settings and project metadata,
 * Azure custom data and user data (VMs, scale sets, scale-set VMs) and Custom Script extensions. Each field is
 * decoded as the guest decodes it (script/decode.ts), then read by language: shell (script/shell.ts, a real
 * shell parser), cloud-config (script/cloudConfig.ts), PowerShell and cmd (script/powershell.ts).
 */
import { analyzeCloudConfig } from "./script/cloudConfig";
import { ActionKind, type BootInstall } from "./script/commands";
import { decodeUserData, ScriptLanguage, type ScriptDocument } from "./script/decode";
import { analyzeWindowsScript } from "./script/powershell";
import { analyzeShell } from "./script/shell";
import { azureOs, VmOs } from "./access";
import {
    AWS_INSTANCE_TYPES,
    AZURE_VM_TYPES,
    GCP_INSTANCE_TYPES,
    GCP_METADATA_ONLY_TYPES,
    GCP_TEMPLATE_TYPES,
    RESOURCE_TYPE,
    VM_TYPES,
} from "./types";
import type { Unreadable } from "./unreadable";
import { isOneOf, list, memoByProps, record, str } from "./values";

export { ActionKind, type BootInstall };

/** One boot script field, decoded. */
export interface BootScript {
    /** Where it was found: `userData`, `metadata.startup-script`. */
    path: string;
    /** The decoded text of every document in the field (what secrets are searched in). */
    text: string;
    /** The field's documents by language (MIME parts, EC2Launch blocks...). */
    documents: ScriptDocument[];
    /** Parts of the field the pack cannot read. */
    unreadable: Unreadable[];
    /** Remote scripts the field names rather than holds (GCP `startup-script-url`, extension fileUris). */
    remote: BootInstall[];
}

/** The Azure extensions that run scripts: Custom Script for Linux and for Windows. */
export const AZURE_EXTENSION_TYPES: readonly string[] = [
    RESOURCE_TYPE.azureVmExtension,
    RESOURCE_TYPE.azureVmssExtension,
    RESOURCE_TYPE.azureVmssVmExtension,
];

/** The resource types this normalizer reads. */
export const BOOT_TYPES: readonly string[] = [
    ...VM_TYPES,
    RESOURCE_TYPE.awsLightsailInstance,
    ...GCP_METADATA_ONLY_TYPES,
    ...AZURE_EXTENSION_TYPES,
];

/** GCP metadata keys the guest runs (or hands to cloud-init) at boot, with their language. */
const GCP_BOOT_KEYS: Record<string, ScriptLanguage | undefined> = {
    "startup-script": undefined,
    "user-data": undefined,
    "windows-startup-script-ps1": ScriptLanguage.PowerShell,
    "windows-startup-script-cmd": ScriptLanguage.Cmd,
    "windows-startup-script-bat": ScriptLanguage.Cmd,
    "sysprep-specialize-script-ps1": ScriptLanguage.PowerShell,
    "sysprep-specialize-script-cmd": ScriptLanguage.Cmd,
    "sysprep-specialize-script-bat": ScriptLanguage.Cmd,
};
/** GCP metadata keys naming a script the guest downloads and runs at boot. */
const GCP_REMOTE_KEYS = /^(startup-script-url|windows-startup-script-url|sysprep-specialize-script-url)$/;

class Collector {
    readonly out: BootScript[] = [];

    add(path: string, value: unknown, base64: boolean, hint?: ScriptLanguage): void {
        if (value === undefined || value === null || value === "") {
            return;
        }
        const text = str(value);
        if (text === undefined) {
            this.unreadable(path, value, "not text");
            return;
        }
        const decoded = decodeUserData(text, base64, path, hint);
        this.out.push({
            path,
            text: decoded.documents.map((d) => d.text).join("\n") || text,
            documents: decoded.documents,
            remote: [],
            unreadable: decoded.unreadable.map((u) => ({ field: u.where, raw: text, why: u.why })),
        });
    }

    unreadable(path: string, raw: unknown, why: string): void {
        this.out.push({ path, text: "", documents: [], remote: [], unreadable: [{ field: path, raw, why }] });
    }

    remote(path: string, value: unknown): void {
        const url = str(value);
        if (url === undefined || url.trim() === "") {
            if (value !== undefined && value !== null) {
                this.unreadable(path, value, "not text");
            }
            return;
        }
        this.out.push({
            path,
            text: "",
            documents: [],
            unreadable: [],
            remote: [{ kind: ActionKind.RemoteStartupScript, command: `${path}: ${url}`.slice(0, 80) }],
        });
    }

    metadata(prefix: string, metadata: unknown): void {
        if (metadata !== undefined && metadata !== null && !record(metadata)) {
            this.unreadable(prefix, metadata, "not a map of metadata keys to text");
            return;
        }
        for (const [k, v] of Object.entries(record(metadata) ?? {})) {
            if (k in GCP_BOOT_KEYS) {
                this.add(`${prefix}.${k}`, v, false, GCP_BOOT_KEYS[k]);
            } else if (GCP_REMOTE_KEYS.test(k)) {
                this.remote(`${prefix}.${k}`, v);
            }
        }
    }

    /** A Custom Script extension's settings: commandToExecute, script (base64, maybe gzip), fileUris. */
    extension(prefix: string, ext: Record<string, any> | undefined): void {
        if (!ext) {
            return;
        }
        if (ext.type !== undefined && ext.type !== null && str(ext.type) === undefined) {
            this.unreadable(`${prefix}type`, ext.type, "not an extension type");
            return;
        }
        const type = str(ext.type);
        if (!/^customscript(extension)?$/i.test(type ?? "")) {
            return;
        }
        const windows = /^customscriptextension$/i.test(type ?? "") || isOneOf(ext.publisher, "Microsoft.Compute");
        if (ext.settings !== undefined && ext.settings !== null && !record(ext.settings)) {
            this.unreadable(`${prefix}settings`, ext.settings, "not a settings object");
            return;
        }
        const settings = record(ext.settings) ?? {};
        const command = str(settings.commandToExecute);
        this.add(
            `${prefix}settings.commandToExecute`,
            settings.commandToExecute,
            false,
            windows ? ScriptLanguage.Cmd : undefined,
        );
        this.add(`${prefix}settings.script`, settings.script, true);
        list(settings.fileUris).forEach((u, i) => {
            const url = str(u) ?? "";
            const base =
                url
                    .replace(/[?#].*$/, "")
                    .split("/")
                    .pop() ?? "";
            if ((base && command?.includes(base)) || /\.(sh|ps1|py|bat|cmd)$/i.test(base)) {
                this.remote(`${prefix}settings.fileUris[${i}]`, url);
            }
        });
    }
}

/** The boot scripts of a resource, decoded (empty for other types). */
export const bootScripts = memoByProps(bootScriptsOf);

function bootScriptsOf(type: string, props: Record<string, any>): BootScript[] {
    const c = new Collector();
    if (AWS_INSTANCE_TYPES.includes(type) || type === RESOURCE_TYPE.awsLaunchConfiguration) {
        c.add("userData", props.userData, false);
        c.add("userDataBase64", props.userDataBase64, true);
    } else if (GCP_INSTANCE_TYPES.includes(type) || GCP_TEMPLATE_TYPES.includes(type)) {
        c.add("metadataStartupScript", props.metadataStartupScript, false);
        c.metadata("metadata", props.metadata);
    } else if (AZURE_VM_TYPES.includes(type)) {
        const vmss = type === RESOURCE_TYPE.azureVmss;
        const profile = vmss ? record(props.virtualMachineProfile) : props;
        const prefix = vmss ? "virtualMachineProfile." : "";
        const os = azureOs(record(profile?.osProfile), profile?.storageProfile);
        const hint = os === VmOs.Windows ? ScriptLanguage.PowerShell : undefined;
        c.add(`${prefix}osProfile.customData`, record(profile?.osProfile)?.customData, true, hint);
        c.add(`${prefix}userData`, profile?.userData, true, hint);
        list(record(profile?.extensionProfile)?.extensions).forEach((e, i) =>
            c.extension(`${prefix}extensionProfile.extensions[${i}].`, record(e)),
        );
    } else {
        switch (type) {
            case RESOURCE_TYPE.awsLaunchTemplate:
                c.add("userData", props.userData, true);
                break;
            case RESOURCE_TYPE.awsSpotFleetRequest:
                list(props.launchSpecifications).forEach((s, i) =>
                    c.add(`launchSpecifications[${i}].userData`, record(s)?.userData, false),
                );
                break;
            case RESOURCE_TYPE.awsLightsailInstance:
                c.add("userData", props.userData, false);
                break;
            case RESOURCE_TYPE.gcpPerInstanceConfig:
            case RESOURCE_TYPE.gcpRegionPerInstanceConfig:
                c.metadata("preservedState.metadata", record(props.preservedState)?.metadata);
                break;
            case RESOURCE_TYPE.gcpInstanceSettings:
                c.metadata("metadata.items", record(props.metadata)?.items);
                break;
            case RESOURCE_TYPE.gcpProjectMetadata:
                c.metadata("metadata", props.metadata);
                break;
            case RESOURCE_TYPE.gcpProjectMetadataItem: {
                const key = str(props.key);
                if (key === undefined && props.key !== undefined && props.key !== null) {
                    c.unreadable("key", props.key, "not a metadata key");
                }
                if (key !== undefined) {
                    c.metadata("value", { [key]: props.value });
                    c.out.forEach((s) => (s.path = `${key} (value)`));
                }
                break;
            }
            default:
                if (AZURE_EXTENSION_TYPES.includes(type)) {
                    c.extension("", props);
                }
        }
    }
    return c.out;
}

/** What one boot script installs or runs from the network, and what of it cannot be read. */
export interface BootFindings {
    installs: BootInstall[];
    unreadable: Unreadable[];
}

function shellInstalls(text: string): BootInstall[] {
    return analyzeShell(text, (ps) => analyzeWindowsScript(ps, false, shellInstalls)).installs;
}

/** Judges one document. */
function documentFindings(doc: ScriptDocument, raw: unknown): BootFindings {
    switch (doc.language) {
        case ScriptLanguage.CloudConfig: {
            const found = analyzeCloudConfig(doc.text, shellInstalls);
            return {
                installs: found.installs,
                unreadable: found.unreadable ? [{ field: doc.where, raw, why: found.unreadable }] : [],
            };
        }
        case ScriptLanguage.PowerShell:
        case ScriptLanguage.Cmd:
            return {
                installs: analyzeWindowsScript(doc.text, doc.language === ScriptLanguage.Cmd, shellInstalls),
                unreadable: [],
            };
        case ScriptLanguage.IncludeUrl: {
            const urls = doc.text
                .split("\n")
                .map((l) => l.trim())
                .filter((l) => l && !l.startsWith("#"));
            return {
                installs: urls.map((u) => ({ kind: ActionKind.IncludedUrl, command: `#include ${u}`.slice(0, 80) })),
                unreadable: [],
            };
        }
        default: {
            const found = analyzeShell(doc.text, (ps) => analyzeWindowsScript(ps, false, shellInstalls));
            return {
                installs: found.installs,
                unreadable: found.unreadable ? [{ field: doc.where, raw, why: found.unreadable }] : [],
            };
        }
    }
}

/** What a boot script installs, downloads and runs, or runs remotely; and what of it cannot be read. */
export function bootFindings(script: BootScript): BootFindings {
    const installs = [...script.remote];
    const unreadable = [...script.unreadable];
    for (const doc of script.documents) {
        const found = documentFindings(doc, script.text);
        installs.push(...found.installs);
        unreadable.push(...found.unreadable);
    }
    return { installs, unreadable };
}

/** The installs and remote scripts of a script's text (user data as written: cloud-config, MIME, shell...). */
export function findInstalls(text: string): BootInstall[] {
    const decoded = decodeUserData(text, false, "script");
    return decoded.documents.flatMap((d) => documentFindings(d, text).installs);
}

/** What a script text run on a server (a remote command) installs: shell unless it says otherwise. */
export function scriptInstalls(text: string): BootFindings {
    const decoded = decodeUserData(text, false, "script");
    const found = decoded.documents.map((d) => documentFindings(d, text));
    return {
        installs: found.flatMap((f) => f.installs),
        unreadable: [
            ...decoded.unreadable.map((u) => ({ field: u.where, raw: text, why: u.why })),
            ...found.flatMap((f) => f.unreadable),
        ],
    };
}
