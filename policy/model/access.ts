/**
 * Instance access, one shape for the ways into a running instance: AWS key pairs and the instance metadata
 * service, GCP metadata (`ssh-keys`, `block-project-ssh-keys`, `serial-port-enable`, `enable-oslogin`) on
 * instances, templates, project metadata and single project metadata items, Azure password authentication,
 * and ECS Exec. A field is undefined when the resource type has no such setting.
 */
import { T } from "./types";
import { isOneOf, memoByProps, record, str, truthy } from "./values";

/** GCP metadata keys that carry SSH keys (`sshKeys` is the legacy name). */
export const GCP_SSH_KEY_KEYS = ["ssh-keys", "sshKeys"];

/** What a resource says about access to its instances. */
export interface InstanceAccess {
    /** AWS: the key pair name an instance or launch template installs (or the KeyPair resource's name). */
    keyPair?: string;
    /** AWS: whether IMDSv2 session tokens are required (or the endpoint is disabled). */
    imdsTokensRequired?: boolean;
    /** GCP: the metadata entries the resource sets (a ProjectMetadataItem gives its one key). */
    metadata?: Record<string, string>;
    /** GCP: true for project-wide metadata (ProjectMetadata, ProjectMetadataItem). */
    projectWide?: boolean;
    /** Azure: true when a Linux VM or scale set accepts passwords over SSH. */
    passwordAuthentication?: boolean;
    /** ECS: whether ECS Exec (a shell into running containers) is enabled. */
    execEnabled?: boolean;
}

/** The resource types this normalizer reads. */
export const ACCESS_TYPES: readonly string[] = [
    T.awsInstance,
    T.awsLaunchTemplate,
    T.awsKeyPair,
    T.gcpInstance,
    T.gcpInstanceTemplate,
    T.gcpRegionInstanceTemplate,
    T.gcpProjectMetadata,
    T.gcpProjectMetadataItem,
    T.azureVm,
    T.azureVmss,
    T.awsEcsService,
];

function metadataOf(value: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(record(value) ?? {})) {
        out[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return out;
}

function imdsRequired(options: unknown): boolean {
    const o = record(options);
    return isOneOf(o?.httpTokens, "required") || isOneOf(o?.httpEndpoint, "disabled");
}

/** Azure Linux password authentication, from an osProfile. */
function azurePasswordAuth(osProfile: unknown): boolean | undefined {
    const os = record(osProfile);
    if (!os || record(os.windowsConfiguration)) {
        return undefined; // no OS profile (specialized disk) or Windows (a password is mandatory there)
    }
    const linux = record(os.linuxConfiguration);
    if (linux?.disablePasswordAuthentication === true) {
        return false;
    }
    return linux !== undefined || str(os.adminPassword) !== undefined;
}

/** The access shape of a resource. */
export const instanceAccess = memoByProps(instanceAccessOf);

function instanceAccessOf(type: string, props: Record<string, any>): InstanceAccess {
    switch (type) {
        case T.awsInstance:
        case T.awsLaunchTemplate: {
            // An instance launched from a template without its own metadataOptions inherits the template's
            // (judged on the template).
            const inherits =
                type === T.awsInstance &&
                record(props.launchTemplate) !== undefined &&
                record(props.metadataOptions) === undefined;
            return {
                keyPair: str(props.keyName) || undefined,
                imdsTokensRequired: inherits ? undefined : imdsRequired(props.metadataOptions),
            };
        }
        case T.awsKeyPair:
            return { keyPair: str(props.keyName) ?? "(key pair)" };
        case T.gcpInstance:
        case T.gcpInstanceTemplate:
        case T.gcpRegionInstanceTemplate:
            return { metadata: metadataOf(props.metadata), projectWide: false };
        case T.gcpProjectMetadata:
            return { metadata: metadataOf(props.metadata), projectWide: true };
        case T.gcpProjectMetadataItem: {
            const key = str(props.key);
            return { metadata: key === undefined ? {} : { [key]: str(props.value) ?? "" }, projectWide: true };
        }
        case T.azureVm:
            return { passwordAuthentication: azurePasswordAuth(props.osProfile) };
        case T.azureVmss:
            return { passwordAuthentication: azurePasswordAuth(record(props.virtualMachineProfile)?.osProfile) };
        case T.awsEcsService:
            return { execEnabled: truthy(props.enableExecuteCommand) };
        default:
            return {};
    }
}

/** The GCP metadata keys that carry SSH keys, among `metadata`. */
export function sshKeyEntries(metadata: Record<string, string>): string[] {
    return Object.keys(metadata).filter((k) => GCP_SSH_KEY_KEYS.includes(k) && metadata[k].trim().length > 0);
}
