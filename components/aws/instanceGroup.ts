/**
 * AwsInstanceGroup: phoenix servers on EC2, blue-green behind an Application Load Balancer.
 *
 * Each slot is a launch template pinned to the slot's AMI + an Auto Scaling group pinned to that template's
 * latest version (a number, never `$Latest`) + a target group. The one traffic listener forwards to the slots'
 * target groups with weights, so a flip of `live` changes only that listener; a listener rule per slot
 * (`?immutable-slot=<slot>`) reaches a slot directly for smoke tests.
 *
 * Phoenix: a new release gives the slot's template a new version, which starts an instance refresh (rolling,
 * launch before terminate, checkpoints at 50 % and 100 %, automatic rollback); `maxInstanceLifetime` replaces
 * every instance within `maxInstanceLifetimeHours`; ELB health checks replace instances the target group finds
 * unhealthy. Instances: IMDSv2 required, no key pair, no public IP, the port open to the load balancer only, a
 * boot script that only fetches configuration and secrets (by ARN, with an instance role that may read exactly
 * those). Chaos (optional): an AWS FIS experiment that terminates one instance of the group, started on weekdays
 * by EventBridge Scheduler, stopped by an alarm on the load balancer's 5xx count.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Cloud } from "../core/clouds";
import {
    GROUP_TAG,
    type GroupSettings,
    groupSettings,
    groupSlot,
    type GroupSlotContext,
    type InstanceGroupArgs,
    resolveGroupSlots,
} from "../core/instanceGroupArgs";
import { definedOutputs } from "../core/outputs";
import { componentType } from "../core/packageName";
import { type SlotOutputs, slotOutputs, slotQueryUrl } from "../core/slotOutputs";
import { presentSlots, type Slot, type SlotRelease } from "../core/slots";
import { Validator } from "../core/validation";
import { awsChaos } from "./chaos";
import { trustPolicy } from "./iam";
import { awsSecretFetch } from "./instanceBoot";
import type { InstanceGroupAwsArgs } from "./instanceGroupArgs";
import {
    awsLiveUrl,
    type AwsLoadBalancing,
    awsLoadBalancing,
    awsTestRule,
    type NetworkContext,
    networkContext,
} from "./network";
import { type AwsSecretRef, awsSecretRefs, readSecretsPolicy, sortedSecretRefs } from "./secretRefs";

const COMPONENT = "AwsInstanceGroup";

export type { InstanceGroupAwsArgs } from "./instanceGroupArgs";

/** Args of {@link AwsInstanceGroup}: the shared instance group args plus the AWS specifics. */
export interface AwsInstanceGroupArgs extends InstanceGroupArgs, InstanceGroupAwsArgs {}

/** A blue-green group of phoenix EC2 instances behind an ALB; see the module comment. */
export class AwsInstanceGroup
    extends pulumi.ComponentResource
    implements SlotOutputs, Omit<AwsLoadBalancing, "taskSecurityGroup">
{
    /** The URL that takes the live traffic (the load balancer). */
    public readonly url!: pulumi.Output<string>;
    /** Per slot holding a release: a URL that reaches only that slot (smoke tests before the flip). */
    public readonly smokeTestUrls!: pulumi.Output<Record<string, string>>;
    /** The slot taking the traffic. */
    public readonly liveSlot!: pulumi.Output<string>;
    /** Traffic percent per slot. */
    public readonly trafficWeights!: pulumi.Output<Record<string, number>>;
    /** The release version per slot. */
    public readonly slotVersions!: pulumi.Output<Record<string, string>>;
    /** The application load balancer. */
    public readonly loadBalancer!: aws.lb.LoadBalancer;
    /** The listener whose weights split the traffic between the slots (the only resource a flip changes). */
    public readonly trafficListener!: aws.lb.Listener;
    /** The target group per slot. */
    public readonly targetGroups!: Record<string, aws.lb.TargetGroup>;
    /** The smoke-test listener rule per slot. */
    public readonly testRules: Record<string, aws.lb.ListenerRule>;
    /** The launch template per slot (a release is a new version of it). */
    public readonly launchTemplates: Record<string, aws.ec2.LaunchTemplate>;
    /** The Auto Scaling group per slot. */
    public readonly groups: Record<string, aws.autoscaling.Group>;
    /** The security group of the load balancer. */
    public readonly albSecurityGroup!: aws.ec2.SecurityGroup;
    /** The security group of the instances. */
    public readonly instanceSecurityGroup: aws.ec2.SecurityGroup;
    /** The role the instances run as (it may read exactly the referenced secrets; attach the app's own policies here). */
    public readonly instanceRole: aws.iam.Role;
    /** The instance profile of that role. */
    public readonly instanceProfile: aws.iam.InstanceProfile;
    /** The FIS experiment that terminates one instance (undefined without `chaos`). */
    public readonly chaosExperiment: aws.fis.ExperimentTemplate | undefined;

    constructor(name: string, args: AwsInstanceGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType(COMPONENT), name, {}, opts);
        const v = new Validator(COMPONENT, name);
        const plan = resolveGroupSlots(COMPONENT, name, args, Cloud.Aws);
        const settings = groupSettings(v, args);
        v.required(args, ["vpcId", "subnetIds"]);
        const secrets = sortedSecretRefs(awsSecretRefs(v, args.secrets ?? {}));
        const tags: Record<string, pulumi.Input<string>> = { ...settings.labels, [GROUP_TAG]: name };
        const net = networkContext(name, this, args, settings.port, tags);
        const present = presentSlots(args);
        // Target groups of instances: the Auto Scaling groups register their instances by id.
        const lb = awsLoadBalancing(net, args.subnetIds, present, settings.healthPath, plan, "instance");
        const { taskSecurityGroup, ...front } = lb;
        Object.assign(this, front);
        this.instanceSecurityGroup = taskSecurityGroup;
        const hasSecrets = Object.keys(args.secrets ?? {}).length > 0;
        [this.instanceRole, this.instanceProfile] = instanceIdentity(this, name, secrets, hasSecrets, tags);
        const slots = awsGroupSlots(
            {
                net,
                lb,
                args,
                settings,
                instanceProfile: this.instanceProfile,
                slot: {
                    v,
                    cloud: Cloud.Aws,
                    args,
                    settings,
                    plan,
                    tags,
                    secrets: secrets.apply((refs) => refs.map(awsSecretFetch)),
                },
            },
            present,
        );
        this.testRules = slots.testRules;
        this.launchTemplates = slots.launchTemplates;
        this.groups = slots.groups;
        this.chaosExperiment =
            settings.chaosHourUtc === undefined
                ? undefined
                : awsChaos({ name, parent: this, tags }, settings.chaosHourUtc, this.loadBalancer);
        const outputs = slotOutputs(plan, awsLiveUrl(net, this.loadBalancer), slotQueryUrl);
        Object.assign(this, outputs);
        this.registerOutputs(
            definedOutputs({
                ...outputs,
                loadBalancer: this.loadBalancer,
                trafficListener: this.trafficListener,
                targetGroups: this.targetGroups,
                testRules: this.testRules,
                launchTemplates: this.launchTemplates,
                groups: this.groups,
                albSecurityGroup: this.albSecurityGroup,
                instanceSecurityGroup: this.instanceSecurityGroup,
                instanceRole: this.instanceRole,
                instanceProfile: this.instanceProfile,
                chaosExperiment: this.chaosExperiment,
            }),
        );
    }
}

/** The instances' role (reading exactly the referenced secrets) and its instance profile. */
function instanceIdentity(
    parent: pulumi.Resource,
    name: string,
    secrets: pulumi.Output<AwsSecretRef[]>,
    hasSecrets: boolean,
    tags: Record<string, pulumi.Input<string>>,
): [aws.iam.Role, aws.iam.InstanceProfile] {
    const role = new aws.iam.Role(
        `${name}-instance`,
        { assumeRolePolicy: trustPolicy("ec2.amazonaws.com"), tags },
        { parent },
    );
    const dependsOn: pulumi.Resource[] = [];
    if (hasSecrets) {
        // Before the profile exists, so no instance boots without its permission to read the secrets.
        dependsOn.push(
            new aws.iam.RolePolicy(
                `${name}-read-secrets`,
                { role: role.id, policy: secrets.apply((refs) => readSecretsPolicy(refs, "ssm:GetParameter")) },
                { parent },
            ),
        );
    }
    const profile = new aws.iam.InstanceProfile(`${name}-instance`, { role: role.name, tags }, { parent, dependsOn });
    return [role, profile];
}

/** What every slot of the group shares. */
interface GroupContext {
    net: NetworkContext;
    lb: AwsLoadBalancing;
    args: AwsInstanceGroupArgs;
    settings: GroupSettings;
    instanceProfile: aws.iam.InstanceProfile;
    slot: GroupSlotContext;
}

/** The resources of every slot holding a release. */
interface AwsGroupSlots {
    testRules: Record<string, aws.lb.ListenerRule>;
    launchTemplates: Record<string, aws.ec2.LaunchTemplate>;
    groups: Record<string, aws.autoscaling.Group>;
}

/**
 * Per slot holding a release: its smoke-test rule, its launch template and its Auto Scaling group, which waits
 * for the listener and the rule.
 */
function awsGroupSlots(g: GroupContext, slots: Slot[]): AwsGroupSlots {
    const out: AwsGroupSlots = { testRules: {}, launchTemplates: {}, groups: {} };
    const { name, parent, tags } = g.net;
    for (const slot of slots) {
        const s = groupSlot(g.slot, slot);
        const rule = awsTestRule(g.net, slot, g.lb.trafficListener, g.lb.targetGroups[slot], tags);
        out.testRules[slot] = rule;
        out.launchTemplates[slot] = launchTemplate(parent, name, slot, {
            args: g.args,
            release: s.release,
            userData: s.script.apply((script) => Buffer.from(script).toString("base64")),
            slotTags: s.tags,
            instanceProfile: g.instanceProfile,
            securityGroup: g.lb.taskSecurityGroup,
        });
        out.groups[slot] = autoScalingGroup(parent, name, slot, {
            args: g.args,
            settings: g.settings,
            template: out.launchTemplates[slot],
            targetGroup: g.lb.targetGroups[slot],
            tags,
            dependsOn: [g.lb.trafficListener, rule],
        });
    }
    return out;
}

/** What a slot's launch template is made of. */
interface LaunchTemplateInputs {
    args: AwsInstanceGroupArgs;
    release: pulumi.Output<SlotRelease>;
    /** The boot script, base64. */
    userData: pulumi.Output<string>;
    slotTags: pulumi.Output<Record<string, string>>;
    instanceProfile: aws.iam.InstanceProfile;
    securityGroup: aws.ec2.SecurityGroup;
}

/** A slot's launch template: the AMI, IMDSv2 only, no key pair, no public IP, the boot script. */
function launchTemplate(
    parent: pulumi.Resource,
    name: string,
    slot: Slot,
    i: LaunchTemplateInputs,
): aws.ec2.LaunchTemplate {
    return new aws.ec2.LaunchTemplate(
        `${name}-${slot}`,
        {
            description: pulumi.interpolate`${name} ${slot}: ${i.release.version}`,
            imageId: i.release.image,
            instanceType: i.args.instanceType ?? "t3.small",
            updateDefaultVersion: true,
            iamInstanceProfile: { arn: i.instanceProfile.arn },
            metadataOptions: {
                httpEndpoint: "enabled",
                httpTokens: "required",
                httpPutResponseHopLimit: 1,
                instanceMetadataTags: "disabled",
            },
            networkInterfaces: [
                {
                    deviceIndex: 0,
                    associatePublicIpAddress: "false",
                    deleteOnTermination: "true",
                    securityGroups: [i.securityGroup.id],
                },
            ],
            monitoring: { enabled: true },
            userData: i.userData,
            tagSpecifications: [
                { resourceType: "instance", tags: i.slotTags },
                { resourceType: "volume", tags: i.slotTags },
            ],
            tags: i.slotTags,
        },
        { parent },
    );
}

/** What a slot's Auto Scaling group is made of. */
interface GroupInputs {
    args: AwsInstanceGroupArgs;
    settings: GroupSettings;
    template: aws.ec2.LaunchTemplate;
    targetGroup: aws.lb.TargetGroup;
    tags: Record<string, pulumi.Input<string>>;
    dependsOn: pulumi.Resource[];
}

/**
 * A slot's Auto Scaling group: pinned to its template's latest version, ELB health checks, the lifetime, a
 * rolling instance refresh with checkpoints and automatic rollback, launch-before-terminate replacements, and a
 * CPU target-tracking policy.
 */
function autoScalingGroup(parent: pulumi.Resource, name: string, slot: Slot, i: GroupInputs): aws.autoscaling.Group {
    const group = new aws.autoscaling.Group(
        `${name}-${slot}`,
        {
            launchTemplate: { id: i.template.id, version: i.template.latestVersion.apply((n) => String(n)) },
            vpcZoneIdentifiers: i.args.instanceSubnetIds ?? i.args.subnetIds,
            minSize: i.settings.minInstances,
            maxSize: i.settings.maxInstances,
            healthCheckType: "ELB",
            healthCheckGracePeriod: 120,
            targetGroupArns: [i.targetGroup.arn],
            maxInstanceLifetime: pulumi.output(i.settings.lifetimeHours).apply((h) => h * 3600),
            instanceMaintenancePolicy: { minHealthyPercentage: 100, maxHealthyPercentage: 200 },
            instanceRefresh: {
                strategy: "Rolling",
                preferences: {
                    minHealthyPercentage: 100,
                    maxHealthyPercentage: 200,
                    instanceWarmup: "120",
                    checkpointPercentages: [50, 100],
                    checkpointDelay: "300",
                    autoRollback: true,
                    scaleInProtectedInstances: "Refresh",
                    standbyInstances: "Terminate",
                },
            },
            terminationPolicies: ["OldestLaunchTemplate", "OldestInstance"],
            tags: Object.entries({ ...i.tags, "immutable:slot": slot, Name: `${name}-${slot}` }).map(
                ([key, value]) => ({ key, value, propagateAtLaunch: false }),
            ),
        },
        { parent, dependsOn: i.dependsOn },
    );
    new aws.autoscaling.Policy(
        `${name}-${slot}-cpu`,
        {
            autoscalingGroupName: group.name,
            policyType: "TargetTrackingScaling",
            targetTrackingConfiguration: {
                predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
                targetValue: 60,
            },
        },
        { parent },
    );
    return group;
}
