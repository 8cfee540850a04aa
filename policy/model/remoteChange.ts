/**
 * Changes to running servers, one shape for the ways a program reaches into an instance after it boots:
 * `@pulumi/command`'s remote commands and file copies (`command:remote:Command`, `CopyFile`, `CopyToRemote`),
 * local commands that connect to a host (`ssh`, `scp`, `rsync`, `ansible-playbook`, `gcloud compute ssh`,
 * `az vm run-command`, `aws ssm send-command`...: a provisioner in all but name), Azure Run Command, AWS Systems
 * Manager associations that run documents on instances, and GCP OS Config patch deployments and enforced OS
 * policies. Each comes with what it runs, and what of that installs packages (the boot-script analyzers).
 */
import { scriptInstalls } from "./boot";
import { commandName, unwrap, type BootInstall, type Word } from "./script/commands";
import { analyzeShell } from "./script/shell";
import { RESOURCE_TYPE } from "./types";
import type { Unreadable } from "./unreadable";
import { isOneOf, list, memoByProps, record, str } from "./values";

/** One change to a running server. */
export interface RemoteChange {
    /** What it does, for messages: `runs "sudo apt-get install -y nginx" on 10.0.0.5 over SSH`. */
    what: string;
    /** The installs among what it runs. */
    installs: BootInstall[];
}

/** The remote changes of a resource and the fields that cannot be read. */
export interface RemoteChanges {
    changes: RemoteChange[];
    unreadable: Unreadable[];
}

/** The resource types this normalizer reads. */
export const REMOTE_CHANGE_TYPES: readonly string[] = [
    RESOURCE_TYPE.commandRemote,
    RESOURCE_TYPE.commandCopyFile,
    RESOURCE_TYPE.commandCopyToRemote,
    RESOURCE_TYPE.commandLocal,
    RESOURCE_TYPE.azureVmRunCommand,
    RESOURCE_TYPE.azureVmssVmRunCommand,
    RESOURCE_TYPE.awsSsmAssociation,
    RESOURCE_TYPE.gcpPatchDeployment,
    RESOURCE_TYPE.gcpOsPolicyAssignment,
];

/** SSM documents that only read an instance (inventory, compliance scans). */
const READ_ONLY_SSM =
    /^(AWS-GatherSoftwareInventory|AWSEC2-GatherSoftwareInventory|AWS-RunInspecChecks|AWS-RefreshAssociation)$/;

/** Commands that connect to another host and run or copy something there. */
function connects(argv: Word[]): boolean {
    const args = unwrap(argv);
    const name = args[0] === undefined ? "" : commandName(args[0]);
    const rest = args.slice(1).filter((a): a is string => a !== undefined);
    switch (name) {
        case "ssh":
        case "scp":
        case "sftp":
        case "ansible":
        case "ansible-playbook":
        case "salt-ssh":
        case "pssh":
        case "parallel-ssh":
        case "fab":
        case "mssh":
            return true;
        case "rsync":
            return rest.some((a) => /^[^/\s]+:/.test(a) || a === "-e" || a.startsWith("--rsh"));
        case "knife":
            return rest[0] === "ssh" || rest[0] === "bootstrap";
        case "gcloud":
            return rest[0] === "compute" && ["ssh", "scp"].includes(rest[1] ?? "");
        case "az":
            return ["vm", "vmss"].includes(rest[0] ?? "") && rest[1] === "run-command";
        case "aws":
            return rest[0] === "ssm" && ["send-command", "start-session"].includes(rest[1] ?? "");
        default:
            return false;
    }
}

/** The command an `ssh` invocation runs on the remote host (the words after the host), if any. */
function sshRemoteCommand(argv: Word[]): string | undefined {
    const args = unwrap(argv);
    if (args[0] === undefined || commandName(args[0]) !== "ssh") {
        return undefined;
    }
    let i = 1;
    while (i < args.length && args[i]?.startsWith("-")) {
        i += /^-[oipFlJLRDbcEemOQSWwB]$/.test(args[i]!) ? 2 : 1;
    }
    const rest = args.slice(i + 1);
    return rest.length > 0 && rest.every((w) => w !== undefined) ? rest.join(" ") : undefined;
}

function quoted(text: string): string {
    const one = text.trim().replace(/\s+/g, " ");
    return `"${one.length > 60 ? `${one.slice(0, 57)}...` : one}"`;
}

/** The remote changes of a resource. */
export const remoteChanges = memoByProps(remoteChangesOf);

function remoteChangesOf(type: string, props: Record<string, any>): RemoteChanges {
    const changes: RemoteChange[] = [];
    const unreadable: Unreadable[] = [];
    const script = (field: string, value: unknown): string | undefined => {
        if (value === undefined || value === null || value === "") {
            return undefined;
        }
        const text = str(value);
        if (text === undefined) {
            unreadable.push({ field, raw: value, why: "not a command text" });
        }
        return text;
    };
    switch (type) {
        case RESOURCE_TYPE.commandRemote: {
            const host = str(record(props.connection)?.host) ?? "(host)";
            for (const field of ["create", "update", "delete"]) {
                const text = script(field, props[field]);
                if (text !== undefined) {
                    const found = scriptInstalls(text);
                    unreadable.push(...found.unreadable.map((u) => ({ ...u, field })));
                    changes.push({
                        what: `${field} runs ${quoted(text)} on ${host} over SSH`,
                        installs: found.installs,
                    });
                }
            }
            break;
        }
        case RESOURCE_TYPE.commandCopyFile:
        case RESOURCE_TYPE.commandCopyToRemote: {
            const host = str(record(props.connection)?.host) ?? "(host)";
            const source = str(props.localPath) ?? str(record(props.source)?.path) ?? "files";
            changes.push({
                what: `copies ${source} to ${host}:${str(props.remotePath) ?? "(path)"} over SSH`,
                installs: [],
            });
            break;
        }
        case RESOURCE_TYPE.commandLocal:
            for (const field of ["create", "update"]) {
                const text = script(field, props[field]);
                if (text === undefined) {
                    continue;
                }
                const found = analyzeShell(text, () => []);
                if (found.unreadable) {
                    unreadable.push({ field, raw: text, why: found.unreadable });
                }
                for (const argv of found.commands.filter(connects)) {
                    const line = argv.map((w) => w ?? "$…").join(" ");
                    const remote = sshRemoteCommand(argv);
                    changes.push({
                        what: `${field} connects to a server: ${quoted(line)}`,
                        installs: remote === undefined ? [] : scriptInstalls(remote).installs,
                    });
                }
            }
            break;
        case RESOURCE_TYPE.azureVmRunCommand:
        case RESOURCE_TYPE.azureVmssVmRunCommand: {
            const source = record(props.source);
            const what = str(source?.script) ?? str(source?.scriptUri) ?? str(source?.commandId) ?? "a command";
            changes.push({
                what: `Run Command runs ${quoted(what)} on a running VM`,
                installs: str(source?.script) ? scriptInstalls(str(source?.script)!).installs : [],
            });
            break;
        }
        case RESOURCE_TYPE.awsSsmAssociation: {
            const doc = str(props.name);
            if (doc === undefined) {
                unreadable.push({ field: "name", raw: props.name, why: "not an SSM document name" });
                break;
            }
            const operation =
                list(record(props.parameters)?.Operation).map(str)[0] ?? str(record(props.parameters)?.Operation);
            const scanOnly = /^AWS-RunPatchBaseline/.test(doc) && isOneOf(operation, "Scan");
            if (!READ_ONLY_SSM.test(doc) && !scanOnly) {
                changes.push({ what: `runs SSM document "${doc}" on running instances`, installs: [] });
            }
            break;
        }
        case RESOURCE_TYPE.gcpPatchDeployment:
            changes.push({ what: "patches running VMs in place (OS Config patch deployment)", installs: [] });
            break;
        case RESOURCE_TYPE.gcpOsPolicyAssignment:
            list(props.osPolicies).forEach((p, i) => {
                const mode = record(p)?.mode;
                if (!isOneOf(mode, "VALIDATION")) {
                    changes.push({
                        what: `osPolicies[${i}] enforces an OS policy on running VMs (mode ${str(mode) ?? "(unset)"})`,
                        installs: [],
                    });
                }
            });
            break;
        default:
            break;
    }
    return { changes, unreadable };
}
