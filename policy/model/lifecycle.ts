/**
 * Lifecycle of replaceable instances, one shape for the three instance groups: AWS Auto Scaling groups
 * (max instance lifetime, instance refresh, launch template version), GCP managed instance groups (update
 * policy type) and Azure scale sets (upgrade policy mode); plus the state they keep on instances (data
 * disks on launch templates and scale sets, stateful MIG policies).
 */
import { T } from "./types";
import { isOneOf, list, memoByProps, num, record, str } from "./values";

/** How a group of instances is replaced. */
export interface Lifecycle {
    /** AWS: `maxInstanceLifetime` in seconds (0 or unset = instances live forever). */
    maxInstanceLifetimeSeconds?: number;
    /** True when a new release replaces the running instances by itself (ASG instance refresh, MIG
     *  PROACTIVE update, VMSS Rolling or Automatic upgrades). */
    replacesOnRelease: boolean;
    /** What is set instead, for the message: `updatePolicy.type OPPORTUNISTIC`, `upgradePolicy.mode Manual`. */
    replacement: string;
    /** AWS: launch template versions that float (`$Latest`, `$Default`), with where they were found. */
    floatingVersions: string[];
}

/** The resource types `lifecycle` reads. */
export const LIFECYCLE_TYPES: readonly string[] = [
    T.awsAutoscalingGroup,
    T.gcpInstanceGroupManager,
    T.gcpRegionInstanceGroupManager,
    T.azureVmss,
];

function floating(path: string, spec: unknown, out: string[]): void {
    const s = record(spec);
    if (!s) {
        return;
    }
    const v = str(s.version);
    // An unset version means the launch template's default version: it floats too.
    if (v === undefined || /^\$(latest|default)$/i.test(v.trim())) {
        out.push(`${path}.version ${v ?? "(unset: $Default)"}`);
    }
}

/** The lifecycle of an instance group, or undefined for other types. */
export const lifecycle = memoByProps(lifecycleOf);

function lifecycleOf(type: string, props: Record<string, any>): Lifecycle | undefined {
    switch (type) {
        case T.awsAutoscalingGroup: {
            const floatingVersions: string[] = [];
            floating("launchTemplate", props.launchTemplate, floatingVersions);
            const mixed = record(
                record(record(props.mixedInstancesPolicy)?.launchTemplate)?.launchTemplateSpecification,
            );
            floating("mixedInstancesPolicy.launchTemplate.launchTemplateSpecification", mixed, floatingVersions);
            const refresh = record(props.instanceRefresh);
            return {
                maxInstanceLifetimeSeconds: num(props.maxInstanceLifetime),
                replacesOnRelease: refresh !== undefined && str(refresh.strategy) !== undefined,
                replacement: refresh
                    ? `instanceRefresh.strategy ${str(refresh.strategy) ?? "(unset)"}`
                    : "no instanceRefresh",
                floatingVersions,
            };
        }
        case T.gcpInstanceGroupManager:
        case T.gcpRegionInstanceGroupManager: {
            const policy = record(props.updatePolicy);
            const kind = str(policy?.type);
            return {
                replacesOnRelease: isOneOf(kind, "PROACTIVE"),
                replacement: policy ? `updatePolicy.type ${kind ?? "(unset)"}` : "no updatePolicy (OPPORTUNISTIC)",
                floatingVersions: [],
            };
        }
        case T.azureVmss: {
            const mode = str(record(props.upgradePolicy)?.mode);
            return {
                replacesOnRelease: isOneOf(mode, "Rolling", "Automatic"),
                replacement: `upgradePolicy.mode ${mode ?? "(unset: Manual)"}`,
                floatingVersions: [],
            };
        }
        default:
            return undefined;
    }
}

/** The resource types `instanceState` reads. */
export const STATE_TYPES: readonly string[] = [
    T.awsLaunchTemplate,
    T.gcpInstanceGroupManager,
    T.gcpRegionInstanceGroupManager,
    T.azureVmss,
];

/** Root device names AWS AMIs use: a mapping for one of these resizes the root volume, it is not a data disk. */
const AWS_ROOT_DEVICES = ["/dev/xvda", "/dev/sda1", "/dev/sda", "/dev/nvme0n1", "xvda", "sda1"];

/** The state a replaceable instance keeps (data disks, stateful policies), as paths; empty when none. */
export function instanceState(type: string, props: Record<string, any>): string[] {
    switch (type) {
        case T.awsLaunchTemplate:
            return list(props.blockDeviceMappings)
                .map(record)
                .flatMap((m, i) => {
                    if (!m || m.noDevice || m.virtualName || !record(m.ebs)) {
                        return []; // suppressed device or instance store (ephemeral): no state survives
                    }
                    const device = str(m.deviceName) ?? "";
                    return AWS_ROOT_DEVICES.includes(device)
                        ? []
                        : [`blockDeviceMappings[${i}] (${device || "data disk"})`];
                });
        case T.gcpInstanceGroupManager:
        case T.gcpRegionInstanceGroupManager:
            return ["statefulDisks", "statefulInternalIps", "statefulExternalIps"].flatMap((k) =>
                list(props[k]).length > 0 ? [k] : [],
            );
        case T.azureVmss: {
            const disks = list(record(record(props.virtualMachineProfile)?.storageProfile)?.dataDisks);
            return disks.map((_, i) => `virtualMachineProfile.storageProfile.dataDisks[${i}]`);
        }
        default:
            return [];
    }
}
