/**
 * Lifecycle of replaceable instances, one shape for the three instance groups: AWS Auto Scaling groups
 * (max instance lifetime, instance refresh, launch template version), GCP managed instance groups (update
 * policy type) and Azure scale sets (upgrade policy mode); plus the state they keep on instances (data
 * disks on launch templates and scale sets, stateful MIG policies).
 */
import { RESOURCE_TYPE } from "./types";
import type { Unreadable } from "./unreadable";
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
    /** Fields the pack cannot read; `aspect` is `lifetime`, `replacement` or `version`. */
    unreadable: Unreadable[];
}

/** The AWS fleets whose launch template versions must not float. */
export const FLEET_TYPES: readonly string[] = [
    RESOURCE_TYPE.awsAutoscalingGroup,
    RESOURCE_TYPE.awsEc2Fleet,
    RESOURCE_TYPE.awsSpotFleetRequest,
];

/** The resource types `lifecycle` reads (instance groups). */
export const LIFECYCLE_TYPES: readonly string[] = [
    RESOURCE_TYPE.awsAutoscalingGroup,
    RESOURCE_TYPE.gcpInstanceGroupManager,
    RESOURCE_TYPE.gcpRegionInstanceGroupManager,
    RESOURCE_TYPE.azureVmss,
];

function floating(path: string, spec: unknown, out: string[], unreadable: Unreadable[] = []): void {
    const s = record(spec);
    if (!s) {
        return;
    }
    const v = str(s.version);
    const notText = v === undefined && s.version !== undefined && s.version !== null;
    if (notText || (v !== undefined && !/^\s*(\d+|\$latest|\$default)\s*$/i.test(v))) {
        unreadable.push({
            field: `${path}.version`,
            raw: s.version,
            why: notText ? "not a version number or $Latest/$Default" : "not a version number, $Latest or $Default",
            aspect: "version",
        });
        return;
    }
    // An unset version means the launch template's default version: it floats too.
    if (v === undefined || /^\$(latest|default)$/i.test(v.trim())) {
        out.push(`${path}.version ${v ?? "(unset: $Default)"}`);
    }
}

/** The lifecycle of an instance group, or undefined for other types. */
export const lifecycle = memoByProps(lifecycleOf);

function lifecycleOf(type: string, props: Record<string, any>): Lifecycle | undefined {
    switch (type) {
        case RESOURCE_TYPE.awsAutoscalingGroup: {
            const floatingVersions: string[] = [];
            const unreadable: Unreadable[] = [];
            floating("launchTemplate", props.launchTemplate, floatingVersions, unreadable);
            const mixed = record(
                record(record(props.mixedInstancesPolicy)?.launchTemplate)?.launchTemplateSpecification,
            );
            floating(
                "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification",
                mixed,
                floatingVersions,
                unreadable,
            );
            const refresh = record(props.instanceRefresh);
            const lifetime = props.maxInstanceLifetime;
            if (lifetime !== undefined && lifetime !== null && num(lifetime) === undefined) {
                unreadable.push({
                    field: "maxInstanceLifetime",
                    raw: lifetime,
                    why: "not a number of seconds",
                    aspect: "lifetime",
                });
            }
            if (props.instanceRefresh !== undefined && props.instanceRefresh !== null && !refresh) {
                unreadable.push({
                    field: "instanceRefresh",
                    raw: props.instanceRefresh,
                    why: "not an instanceRefresh object",
                    aspect: "replacement",
                });
            }
            return {
                unreadable,
                maxInstanceLifetimeSeconds: num(lifetime),
                replacesOnRelease: refresh !== undefined && str(refresh.strategy) !== undefined,
                replacement: refresh
                    ? `instanceRefresh.strategy ${str(refresh.strategy) ?? "(unset)"}`
                    : "no instanceRefresh",
                floatingVersions,
            };
        }
        case RESOURCE_TYPE.gcpInstanceGroupManager:
        case RESOURCE_TYPE.gcpRegionInstanceGroupManager: {
            const policy = record(props.updatePolicy);
            const kind = str(policy?.type);
            const unreadable: Unreadable[] = [];
            if (kind !== undefined && !isOneOf(kind, "PROACTIVE", "OPPORTUNISTIC")) {
                unreadable.push({
                    field: "updatePolicy.type",
                    raw: policy?.type,
                    why: "not PROACTIVE or OPPORTUNISTIC",
                    aspect: "replacement",
                });
            }
            return {
                unreadable,
                replacesOnRelease: isOneOf(kind, "PROACTIVE"),
                replacement: policy ? `updatePolicy.type ${kind ?? "(unset)"}` : "no updatePolicy (OPPORTUNISTIC)",
                floatingVersions: [],
            };
        }
        case RESOURCE_TYPE.azureVmss: {
            const mode = str(record(props.upgradePolicy)?.mode);
            const unreadable: Unreadable[] = [];
            if (mode !== undefined && !isOneOf(mode, "Rolling", "Automatic", "Manual")) {
                unreadable.push({
                    field: "upgradePolicy.mode",
                    raw: mode,
                    why: "not Rolling, Automatic or Manual",
                    aspect: "replacement",
                });
            }
            return {
                unreadable,
                replacesOnRelease: isOneOf(mode, "Rolling", "Automatic"),
                replacement: `upgradePolicy.mode ${mode ?? "(unset: Manual)"}`,
                floatingVersions: [],
            };
        }
        case RESOURCE_TYPE.awsEc2Fleet:
        case RESOURCE_TYPE.awsSpotFleetRequest: {
            const floatingVersions: string[] = [];
            const unreadable: Unreadable[] = [];
            list(props.launchTemplateConfigs).forEach((c, i) => {
                const path = `launchTemplateConfigs[${i}].launchTemplateSpecification`;
                floating(path, record(c)?.launchTemplateSpecification, floatingVersions, unreadable);
            });
            return { replacesOnRelease: true, replacement: "", floatingVersions, unreadable };
        }
        default:
            return undefined;
    }
}

/** The resource types `instanceState` reads. */
export const STATE_TYPES: readonly string[] = [
    RESOURCE_TYPE.awsLaunchTemplate,
    RESOURCE_TYPE.gcpInstanceGroupManager,
    RESOURCE_TYPE.gcpRegionInstanceGroupManager,
    RESOURCE_TYPE.gcpPerInstanceConfig,
    RESOURCE_TYPE.gcpRegionPerInstanceConfig,
    RESOURCE_TYPE.azureVmss,
];

/** Root device names AWS AMIs use: a mapping for one of these resizes the root volume, it is not a data disk. */
const AWS_ROOT_DEVICES = ["/dev/xvda", "/dev/sda1", "/dev/sda", "/dev/nvme0n1", "xvda", "sda1"];

/** The state a replaceable instance keeps (data disks, stateful policies), as paths; empty when none. */
export function instanceState(type: string, props: Record<string, any>): string[] {
    switch (type) {
        case RESOURCE_TYPE.awsLaunchTemplate:
            return list(props.blockDeviceMappings)
                .map(record)
                .flatMap((m, i) => {
                    if (!m) {
                        return [`blockDeviceMappings[${i}] (unreadable: not a mapping object)`];
                    }
                    if (m.ebs !== undefined && m.ebs !== null && !record(m.ebs)) {
                        return [`blockDeviceMappings[${i}] (unreadable ebs)`];
                    }
                    if (m.noDevice || m.virtualName || !record(m.ebs)) {
                        return []; // suppressed device or instance store (ephemeral): no state survives
                    }
                    const device = str(m.deviceName) ?? "";
                    return AWS_ROOT_DEVICES.includes(device)
                        ? []
                        : [`blockDeviceMappings[${i}] (${device || "data disk"})`];
                });
        case RESOURCE_TYPE.gcpInstanceGroupManager:
        case RESOURCE_TYPE.gcpRegionInstanceGroupManager:
            return ["statefulDisks", "statefulInternalIps", "statefulExternalIps"].flatMap((k) =>
                list(props[k]).length > 0 ? [k] : [],
            );
        case RESOURCE_TYPE.gcpPerInstanceConfig:
        case RESOURCE_TYPE.gcpRegionPerInstanceConfig: {
            const state = record(props.preservedState);
            return ["disks", "internalIps", "externalIps"].flatMap((k) =>
                list(state?.[k]).length > 0 ? [`preservedState.${k}`] : [],
            );
        }
        case RESOURCE_TYPE.azureVmss: {
            const disks = list(record(record(props.virtualMachineProfile)?.storageProfile)?.dataDisks);
            return disks.map((_, i) => `virtualMachineProfile.storageProfile.dataDisks[${i}]`);
        }
        default:
            return [];
    }
}
