/**
 * Instance access, one shape for the ways into a running instance: AWS key pairs (instances, spot requests,
 * launch templates and configurations, spot fleets, Lightsail) and the instance metadata service, GCP metadata
 * (`ssh-keys`, `block-project-ssh-keys`, `serial-port-enable`, `enable-oslogin`) on instances (standalone, from
 * a template or a machine image), templates, per-instance configs, zone instance settings, project metadata and
 * single project metadata items, Azure logins by OS (Linux password authentication, Windows WinRM listeners) on
 * VMs, scale sets and scale-set VMs, and ECS Exec. A field is undefined when the resource type has no such
 * setting; a field the pack cannot read is in `unreadable`, its `aspect` naming the setting.
 */
import { AWS_INSTANCE_TYPES, AZURE_VM_TYPES, GCP_METADATA_TYPES, RESOURCE_TYPE } from "./types";
import type { Unreadable } from "./unreadable";
import { bool, isOneOf, list, memoByProps, metadataBool, record, str } from "./values";

/** GCP metadata keys that carry SSH keys (`sshKeys` is the legacy name). */
export const GCP_SSH_KEY_KEYS = ["ssh-keys", "sshKeys"];

/** The GCP metadata keys the access rules read. */
export const GCP_ACCESS_KEYS = [...GCP_SSH_KEY_KEYS, "block-project-ssh-keys", "serial-port-enable", "enable-oslogin"];

/** The operating system of an Azure VM, as far as its inputs say. */
export enum VmOs {
    Linux = "linux",
    Windows = "windows",
    /** Neither linuxConfiguration, windowsConfiguration, an osType nor a Windows image. */
    Unknown = "unknown",
}

/** What a resource says about access to its instances. */
export interface InstanceAccess {
    /** AWS: the key pair an instance, template or spot fleet installs (or the KeyPair resource's name). */
    keyPair?: string;
    /** Where the key pair is set, for messages (`keyName`, `launchSpecifications[0].keyName`). */
    keyPairField?: string;
    /** AWS: whether IMDSv2 session tokens are required (or the endpoint is disabled); undefined: not judged here. */
    imdsTokensRequired?: boolean;
    /** Why IMDSv1 stays reachable, for messages. */
    imdsWhy?: string;
    /** GCP: the metadata entries the resource sets, as text (a ProjectMetadataItem gives its one key). */
    metadata?: Record<string, string>;
    /** GCP: where the metadata map is in the inputs (`metadata`, `metadata.items`; "" for a metadata item's `value`). */
    metadataPath?: string;
    /** GCP: true for project-wide metadata (ProjectMetadata, ProjectMetadataItem). */
    projectWide?: boolean;
    /** GCP: true for zone-wide defaults (InstanceSettings). */
    zoneWide?: boolean;
    /** GCP: true when an instance takes its metadata from its template or machine image (judged there). */
    inheritsMetadata?: boolean;
    /** GCP: true for the instance and template types that accept project-wide keys unless they block them. */
    acceptsProjectKeys?: boolean;
    /** Azure: the VM's operating system. */
    os?: VmOs;
    /** Azure Linux: why password authentication is on; undefined when it is off (or on Windows). */
    passwordLogin?: string;
    /** Azure Windows: the WinRM listeners the VM opens (`Http`, `Https`). */
    winRmListeners?: string[];
    /** ECS: whether ECS Exec (a shell into running containers) is enabled. */
    execEnabled?: boolean;
    /**
     * Fields the pack cannot read; `aspect` is `keyPair`, `imds`, `metadata` (the whole map), `metadata:<key>`,
     * `password` or `exec`.
     */
    unreadable: Unreadable[];
}

/** AWS resources that install an SSH key pair (instances, spot requests and fleets, templates, Lightsail), and key pairs. */
export const AWS_KEY_PAIR_TYPES: readonly string[] = [
    ...AWS_INSTANCE_TYPES,
    RESOURCE_TYPE.awsLaunchTemplate,
    RESOURCE_TYPE.awsLaunchConfiguration,
    RESOURCE_TYPE.awsSpotFleetRequest,
    RESOURCE_TYPE.awsKeyPair,
    RESOURCE_TYPE.awsLightsailInstance,
    RESOURCE_TYPE.awsLightsailKeyPair,
];

/** The resource types this normalizer reads. */
export const ACCESS_TYPES: readonly string[] = [
    ...AWS_KEY_PAIR_TYPES,
    ...GCP_METADATA_TYPES,
    ...AZURE_VM_TYPES,
    RESOURCE_TYPE.awsEcsService,
];

/** GCP metadata as text; a judged key with a value that is not text is unreadable. */
function metadataOf(value: unknown, field: string, unreadable: Unreadable[]): Record<string, string> {
    const out: Record<string, string> = {};
    if (value === undefined || value === null) {
        return out;
    }
    const r = record(value);
    if (!r) {
        unreadable.push({ field, raw: value, why: "not a map of metadata keys to text", aspect: "metadata" });
        return out;
    }
    for (const [k, v] of Object.entries(r)) {
        const s = str(v) ?? (typeof v === "boolean" ? String(v) : undefined);
        if (s !== undefined) {
            out[k] = s;
        } else if (GCP_ACCESS_KEYS.includes(k) && v !== null && v !== undefined) {
            unreadable.push({ field: `${field}.${k}`, raw: v, why: "not text", aspect: `metadata:${k}` });
        }
    }
    return out;
}

/** IMDS of one metadataOptions block: required, or why not. */
function imds(options: unknown, field: string, unreadable: Unreadable[]): { required: boolean; why?: string } {
    if (options === undefined || options === null) {
        return {
            required: false,
            why: `${field}.httpTokens is not "required" (${field} is not set): IMDSv1 is reachable`,
        };
    }
    const o = record(options);
    if (!o) {
        unreadable.push({ field, raw: options, why: "not a metadataOptions object", aspect: "imds" });
        return { required: false };
    }
    const cannotRead = (key: string, why: string) => {
        unreadable.push({ field: `${field}.${key}`, raw: o[key], why, aspect: "imds" });
        return { required: false };
    };
    if (isOneOf(o.httpEndpoint, "disabled")) {
        return { required: true };
    }
    if (o.httpEndpoint !== undefined && o.httpEndpoint !== null && !isOneOf(o.httpEndpoint, "enabled")) {
        return cannotRead("httpEndpoint", 'not "enabled" or "disabled"');
    }
    if (isOneOf(o.httpTokens, "required")) {
        return { required: true };
    }
    if (o.httpTokens === undefined || o.httpTokens === null || isOneOf(o.httpTokens, "optional")) {
        return { required: false, why: `${field}.httpTokens is not "required": IMDSv1 is reachable` };
    }
    return cannotRead("httpTokens", 'not "required" or "optional"');
}

function keyName(value: unknown, field: string, unreadable: Unreadable[]): string | undefined {
    if (value === undefined || value === null || value === "") {
        return undefined;
    }
    const s = str(value);
    if (s === undefined) {
        unreadable.push({ field, raw: value, why: "not a key pair name", aspect: "keyPair" });
    }
    return s || undefined;
}

/** The OS of an Azure VM profile (osProfile + storageProfile). */
export function azureOs(osProfile: Record<string, any> | undefined, storageProfile: unknown): VmOs {
    if (record(osProfile?.windowsConfiguration)) {
        return VmOs.Windows;
    }
    if (record(osProfile?.linuxConfiguration)) {
        return VmOs.Linux;
    }
    const storage = record(storageProfile);
    const osType = record(storage?.osDisk)?.osType;
    if (isOneOf(osType, "Windows")) {
        return VmOs.Windows;
    }
    if (isOneOf(osType, "Linux")) {
        return VmOs.Linux;
    }
    const image = record(storage?.imageReference);
    if (/windows/i.test(`${str(image?.publisher) ?? ""} ${str(image?.offer) ?? ""}`)) {
        return VmOs.Windows;
    }
    return VmOs.Unknown;
}

/** Azure logins of one VM profile. */
function azureAccess(profile: Record<string, any> | undefined, prefix: string): InstanceAccess {
    const unreadable: Unreadable[] = [];
    const osProfile = record(profile?.osProfile);
    if (!osProfile && profile?.osProfile !== undefined && profile?.osProfile !== null) {
        unreadable.push({
            field: `${prefix}osProfile`,
            raw: profile.osProfile,
            why: "not an OS profile object",
            aspect: "password",
        });
        return { unreadable };
    }
    if (!osProfile) {
        return { unreadable }; // no OS profile: a specialized disk keeps its own logins
    }
    const os = azureOs(osProfile, profile?.storageProfile);
    const p = `${prefix}osProfile`;
    if (os === VmOs.Windows) {
        const winrm = record(record(osProfile.windowsConfiguration)?.winRM);
        const listeners = list(winrm?.listeners).map((l) => str(record(l)?.protocol) ?? "(listener)");
        return { os, winRmListeners: listeners, unreadable };
    }
    const linux = record(osProfile.linuxConfiguration);
    if (!linux) {
        return {
            os,
            passwordLogin:
                os === VmOs.Linux
                    ? `${p}.linuxConfiguration is not set: password authentication is on by default`
                    : `${p} sets neither linuxConfiguration nor windowsConfiguration: on Linux, password authentication is on by default`,
            unreadable,
        };
    }
    const disabled = linux.disablePasswordAuthentication;
    const b = bool(disabled);
    if (b === true) {
        return { os, unreadable };
    }
    if (disabled !== undefined && disabled !== null && b === undefined) {
        unreadable.push({
            field: `${p}.linuxConfiguration.disablePasswordAuthentication`,
            raw: disabled,
            why: "not a boolean",
            aspect: "password",
        });
        return { os, unreadable };
    }
    return {
        os,
        passwordLogin: `password authentication is enabled (${p}.linuxConfiguration.disablePasswordAuthentication is not true)`,
        unreadable,
    };
}

/** The access shape of a resource. */
export const instanceAccess = memoByProps(instanceAccessOf);

function awsInstanceAccess(type: string, props: Record<string, any>, unreadable: Unreadable[]): InstanceAccess {
    // An instance launched from a template without its own metadataOptions inherits the template's (judged there).
    const inherits =
        AWS_INSTANCE_TYPES.includes(type) &&
        record(props.launchTemplate) !== undefined &&
        (props.metadataOptions === undefined || props.metadataOptions === null);
    const m = inherits ? undefined : imds(props.metadataOptions, "metadataOptions", unreadable);
    return {
        keyPair: keyName(props.keyName, "keyName", unreadable),
        keyPairField: "keyName",
        imdsTokensRequired: m?.required,
        imdsWhy: m?.why,
        unreadable,
    };
}

function spotFleetAccess(props: Record<string, any>, unreadable: Unreadable[]): InstanceAccess {
    const specs = list(props.launchSpecifications);
    let keyPair: string | undefined;
    let keyPairField: string | undefined;
    specs.forEach((s, i) => {
        const k = keyName(record(s)?.keyName, `launchSpecifications[${i}].keyName`, unreadable);
        if (k && !keyPair) {
            keyPair = k;
            keyPairField = `launchSpecifications[${i}].keyName`;
        }
    });
    return {
        keyPair,
        keyPairField,
        // Launch specifications have no metadataOptions: only launch templates can require session tokens.
        imdsTokensRequired: specs.length > 0 ? false : undefined,
        imdsWhy:
            specs.length > 0
                ? "launchSpecifications cannot require IMDSv2 session tokens: use launchTemplateConfigs with a launch template that does"
                : undefined,
        unreadable,
    };
}

function gcpAccess(type: string, props: Record<string, any>, unreadable: Unreadable[]): InstanceAccess {
    const fromSource =
        type === RESOURCE_TYPE.gcpInstanceFromTemplate || type === RESOURCE_TYPE.gcpInstanceFromMachineImage;
    if (fromSource && (props.metadata === undefined || props.metadata === null)) {
        return { metadata: {}, inheritsMetadata: true, projectWide: false, unreadable };
    }
    return metadataAt(props.metadata, "metadata", unreadable, { projectWide: false, acceptsProjectKeys: true });
}

/** The access shape of GCP metadata at `path` of the inputs; `reach` says how far it applies. */
function metadataAt(
    value: unknown,
    path: string,
    unreadable: Unreadable[],
    reach: Pick<InstanceAccess, "projectWide" | "zoneWide" | "acceptsProjectKeys">,
): InstanceAccess {
    return { metadata: metadataOf(value, path, unreadable), metadataPath: path, ...reach, unreadable };
}

function instanceAccessOf(type: string, props: Record<string, any>): InstanceAccess {
    const unreadable: Unreadable[] = [];
    switch (type) {
        case RESOURCE_TYPE.awsInstance:
        case RESOURCE_TYPE.awsSpotInstanceRequest:
        case RESOURCE_TYPE.awsLaunchTemplate:
        case RESOURCE_TYPE.awsLaunchConfiguration:
            return awsInstanceAccess(type, props, unreadable);
        case RESOURCE_TYPE.awsSpotFleetRequest:
            return spotFleetAccess(props, unreadable);
        case RESOURCE_TYPE.awsKeyPair:
            return { keyPair: str(props.keyName) ?? str(props.keyNamePrefix) ?? "(key pair)", unreadable };
        case RESOURCE_TYPE.awsLightsailKeyPair:
            return { keyPair: str(props.name) ?? str(props.namePrefix) ?? "(key pair)", unreadable };
        case RESOURCE_TYPE.awsLightsailInstance:
            return {
                keyPair: keyName(props.keyPairName, "keyPairName", unreadable) ?? "(the region's default key pair)",
                keyPairField: "keyPairName",
                unreadable,
            };
        case RESOURCE_TYPE.gcpInstance:
        case RESOURCE_TYPE.gcpInstanceFromTemplate:
        case RESOURCE_TYPE.gcpInstanceFromMachineImage:
        case RESOURCE_TYPE.gcpInstanceTemplate:
        case RESOURCE_TYPE.gcpRegionInstanceTemplate:
            return gcpAccess(type, props, unreadable);
        case RESOURCE_TYPE.gcpPerInstanceConfig:
        case RESOURCE_TYPE.gcpRegionPerInstanceConfig:
            return metadataAt(record(props.preservedState)?.metadata, "preservedState.metadata", unreadable, {
                projectWide: false,
            });
        case RESOURCE_TYPE.gcpInstanceSettings:
            return metadataAt(record(props.metadata)?.items, "metadata.items", unreadable, { zoneWide: true });
        case RESOURCE_TYPE.gcpProjectMetadata:
            return metadataAt(props.metadata, "metadata", unreadable, { projectWide: true });
        case RESOURCE_TYPE.gcpProjectMetadataItem: {
            const key = str(props.key);
            if (key === undefined) {
                unreadable.push({ field: "key", raw: props.key, why: "not a metadata key", aspect: "metadata" });
            }
            const value = str(props.value);
            if (key !== undefined && GCP_ACCESS_KEYS.includes(key) && value === undefined && props.value != null) {
                unreadable.push({ field: "value", raw: props.value, why: "not text", aspect: `metadata:${key}` });
            }
            return {
                metadata: key === undefined ? {} : { [key]: value ?? "" },
                metadataPath: "",
                projectWide: true,
                unreadable,
            };
        }
        case RESOURCE_TYPE.azureVm:
        case RESOURCE_TYPE.azureVmssVm:
            return azureAccess(props, "");
        case RESOURCE_TYPE.azureVmss:
            return azureAccess(record(props.virtualMachineProfile), "virtualMachineProfile.");
        case RESOURCE_TYPE.awsEcsService: {
            const v = props.enableExecuteCommand;
            const b = bool(v);
            if (v !== undefined && v !== null && b === undefined) {
                unreadable.push({ field: "enableExecuteCommand", raw: v, why: "not a boolean", aspect: "exec" });
            }
            return { execEnabled: b === true, unreadable };
        }
        default:
            return { unreadable };
    }
}

/** How far GCP metadata reaches beyond one instance, for messages ("every instance of the project"), or undefined. */
export function metadataReach(access: InstanceAccess): string | undefined {
    return access.projectWide
        ? "every instance of the project"
        : access.zoneWide
          ? "every instance of the zone"
          : undefined;
}

/** The GCP metadata keys that carry SSH keys, among `metadata`. */
export function sshKeyEntries(metadata: Record<string, string>): string[] {
    return Object.keys(metadata).filter((k) => GCP_SSH_KEY_KEYS.includes(k) && metadata[k].trim().length > 0);
}

/** A GCP metadata boolean of the shape: its value, or an unreadable entry when it is set to something else. */
export function metadataFlag(access: InstanceAccess, key: string): { value?: boolean; unreadable?: Unreadable } {
    const raw = access.metadata?.[key];
    if (raw === undefined) {
        return {};
    }
    const value = metadataBool(raw);
    if (value === undefined) {
        const field = access.metadataPath === "" ? "value" : `${access.metadataPath ?? "metadata"}.${key}`;
        return {
            unreadable: {
                field,
                raw,
                why: "not a boolean the guest reads (TRUE/FALSE, 1/0)",
                aspect: `metadata:${key}`,
            },
        };
    }
    return { value };
}
