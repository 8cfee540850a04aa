import { table } from "./support";

const ASG = "aws:autoscaling/group:Group";
const MIG = "gcp:compute/instanceGroupManager:InstanceGroupManager";
const RMIG = "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager";
const VMSS = "azure-native:compute:VirtualMachineScaleSet";
const H = 3600;
const asg = (extra: Record<string, unknown>) => ({
    minSize: 2,
    maxSize: 4,
    launchTemplate: { id: "lt-1", version: "3" },
    instanceRefresh: { strategy: "Rolling" },
    maxInstanceLifetime: 48 * H,
    ...extra,
});

describe("instance-lifetime-require", () => {
    table("instance-lifetime-require", [
        {
            it: "rejects an Auto Scaling group without maxInstanceLifetime",
            type: ASG,
            inputs: asg({ maxInstanceLifetime: undefined }),
            expect: ["maxInstanceLifetime is not set"],
        },
        {
            it: "rejects maxInstanceLifetime 0 (no limit)",
            type: ASG,
            inputs: asg({ maxInstanceLifetime: 0 }),
            expect: ["is not set"],
        },
        {
            it: "rejects a lifetime longer than 48 h (7 days)",
            type: ASG,
            inputs: asg({ maxInstanceLifetime: 7 * 24 * H }),
            expect: ["604800 s (168 h) is outside 24-48 h"],
        },
        {
            it: "accepts 24 h and 48 h (the bounds)",
            type: ASG,
            inputs: asg({ maxInstanceLifetime: 24 * H }),
            expect: [],
        },
        {
            it: "accepts a week when the team widens maxHours",
            type: ASG,
            inputs: asg({ maxInstanceLifetime: 7 * 24 * H }),
            config: { maxHours: 168 },
            expect: [],
        },
        {
            it: "rejects a lifetime shorter than the team's minHours",
            type: ASG,
            inputs: asg({ maxInstanceLifetime: 24 * H }),
            config: { minHours: 36 },
            expect: ["outside 36-48 h"],
        },
    ]);
});

describe("rolling-replacement-require", () => {
    table("rolling-replacement-require", [
        {
            it: "rejects an Auto Scaling group without instanceRefresh",
            type: ASG,
            inputs: asg({ instanceRefresh: undefined }),
            expect: ["no instanceRefresh"],
        },
        { it: "accepts an Auto Scaling group with a Rolling instance refresh", type: ASG, inputs: asg({}), expect: [] },
        {
            it: "rejects a MIG without updatePolicy (OPPORTUNISTIC)",
            type: MIG,
            inputs: { baseInstanceName: "app", versions: [{ instanceTemplate: "t" }] },
            expect: ["OPPORTUNISTIC"],
        },
        {
            it: "rejects a regional MIG with an OPPORTUNISTIC update policy",
            type: RMIG,
            inputs: { updatePolicy: { type: "OPPORTUNISTIC", minimalAction: "REPLACE" } },
            expect: ["updatePolicy.type OPPORTUNISTIC"],
        },
        {
            it: "accepts a MIG with a PROACTIVE update policy",
            type: MIG,
            inputs: { updatePolicy: { type: "PROACTIVE", minimalAction: "REPLACE" } },
            expect: [],
        },
        {
            it: "rejects a scale set with a Manual upgrade policy",
            type: VMSS,
            inputs: { upgradePolicy: { mode: "Manual" } },
            expect: ["upgradePolicy.mode Manual"],
        },
        {
            it: "rejects a scale set without an upgrade policy (Manual)",
            type: VMSS,
            inputs: {},
            expect: ["(unset: Manual)"],
        },
        {
            it: "accepts a scale set with Rolling upgrades",
            type: VMSS,
            inputs: { upgradePolicy: { mode: "Rolling" } },
            expect: [],
        },
        {
            it: "accepts a scale set with Automatic upgrades",
            type: VMSS,
            inputs: { upgradePolicy: { mode: "Automatic" } },
            expect: [],
        },
    ]);
});

describe("floating-launch-template-forbid", () => {
    table("floating-launch-template-forbid", [
        {
            it: "rejects $Latest",
            type: ASG,
            inputs: asg({ launchTemplate: { id: "lt-1", version: "$Latest" } }),
            expect: ["launchTemplate.version $Latest floats"],
        },
        {
            it: "rejects $Default",
            type: ASG,
            inputs: asg({ launchTemplate: { id: "lt-1", version: "$Default" } }),
            expect: ["$Default"],
        },
        {
            it: "rejects an unset version (the default version)",
            type: ASG,
            inputs: asg({ launchTemplate: { id: "lt-1" } }),
            expect: ["(unset: $Default)"],
        },
        {
            it: "rejects $Latest in a mixed instances policy",
            type: ASG,
            inputs: asg({
                launchTemplate: undefined,
                mixedInstancesPolicy: {
                    launchTemplate: { launchTemplateSpecification: { launchTemplateId: "lt-1", version: "$Latest" } },
                },
            }),
            expect: ["mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.version $Latest"],
        },
        { it: "accepts an explicit version number", type: ASG, inputs: asg({}), expect: [] },
    ]);
});

describe("instance-state-forbid (advisory)", () => {
    table("instance-state-forbid", [
        {
            it: "flags a data disk on a launch template",
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            inputs: {
                imageId: "ami-1",
                blockDeviceMappings: [
                    { deviceName: "/dev/xvda", ebs: { volumeSize: 30 } },
                    { deviceName: "/dev/sdf", ebs: { volumeSize: 500 } },
                ],
            },
            expect: ["blockDeviceMappings[1] (/dev/sdf)"],
        },
        {
            it: "accepts a launch template that only resizes the root volume",
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            inputs: { imageId: "ami-1", blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 30 } }] },
            expect: [],
        },
        {
            it: "accepts instance store (ephemeral) mappings",
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            inputs: { imageId: "ami-1", blockDeviceMappings: [{ deviceName: "/dev/sdb", virtualName: "ephemeral0" }] },
            expect: [],
        },
        {
            it: "flags a stateful MIG disk policy",
            type: MIG,
            inputs: { statefulDisks: [{ deviceName: "data", deleteRule: "NEVER" }] },
            expect: ["statefulDisks"],
        },
        {
            it: "flags stateful IPs on a regional MIG",
            type: RMIG,
            inputs: { statefulInternalIps: [{ interfaceName: "nic0" }] },
            expect: ["statefulInternalIps"],
        },
        {
            it: "flags scale set data disks",
            type: VMSS,
            inputs: {
                virtualMachineProfile: {
                    storageProfile: { dataDisks: [{ lun: 0, createOption: "Empty", diskSizeGB: 100 }] },
                },
            },
            expect: ["dataDisks[0]"],
        },
        {
            it: "accepts a scale set without data disks",
            type: VMSS,
            inputs: { virtualMachineProfile: { storageProfile: { osDisk: { createOption: "FromImage" } } } },
            expect: [],
        },
    ]);
});

describe("lifecycle rules on fleets, and unreadable settings", () => {
    table("floating-launch-template-forbid", [
        {
            it: "rejects an EC2 fleet on $Latest",
            type: "aws:ec2/fleet:Fleet",
            inputs: {
                launchTemplateConfigs: [
                    { launchTemplateSpecification: { launchTemplateId: "lt-1", version: "$Latest" } },
                ],
            },
            expect: ["launchTemplateConfigs[0].launchTemplateSpecification.version $Latest floats"],
        },
        {
            it: "rejects a spot fleet whose launch template version is unset ($Default)",
            type: "aws:ec2/spotFleetRequest:SpotFleetRequest",
            inputs: { launchTemplateConfigs: [{ launchTemplateSpecification: { id: "lt-1" } }] },
            expect: ["(unset: $Default) floats"],
        },
        {
            it: "accepts an EC2 fleet on a numbered version",
            type: "aws:ec2/fleet:Fleet",
            inputs: {
                launchTemplateConfigs: [{ launchTemplateSpecification: { launchTemplateId: "lt-1", version: "7" } }],
            },
            expect: [],
        },
        {
            it: "reports a version that is not text",
            type: "aws:autoscaling/group:Group",
            inputs: { launchTemplate: { id: "lt-1", version: { latest: true } }, maxInstanceLifetime: 86400 },
            expect: ["cannot read launchTemplate.version"],
        },
    ]);
    table("instance-lifetime-require", [
        {
            it: 'reports maxInstanceLifetime "forever"',
            type: "aws:autoscaling/group:Group",
            inputs: { maxInstanceLifetime: "forever" },
            expect: ['cannot read maxInstanceLifetime "forever"'],
        },
    ]);
    table("rolling-replacement-require", [
        {
            it: 'reports a MIG updatePolicy.type "SOMETIMES"',
            type: "gcp:compute/instanceGroupManager:InstanceGroupManager",
            inputs: { updatePolicy: { type: "SOMETIMES" } },
            expect: ['cannot read updatePolicy.type "SOMETIMES"'],
        },
    ]);
    table("instance-state-forbid", [
        {
            it: "flags a per-instance config that preserves a disk",
            type: "gcp:compute/perInstanceConfig:PerInstanceConfig",
            inputs: { instanceGroupManager: "m", preservedState: { disks: [{ deviceName: "data", source: "d" }] } },
            expect: ["preservedState.disks"],
        },
    ]);
});
