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
import { bootScript } from "../core/bootScript";
import { Cloud } from "../core/clouds";
import {
    type GroupSettings,
    groupSettings,
    type InstanceGroupArgs,
    presentSlots,
    resolveGroupSlots,
    slotProvenanceTags,
} from "../core/instanceGroupArgs";
import { componentType } from "../core/packageName";
import { type SlotOutputs, slotOutputs } from "../core/slotOutputs";
import { isKnown, type Slot, type SlotRelease } from "../core/slots";
import { Validator } from "../core/validation";
import { type AwsSecretRef, awsSecretFetch, awsSecretRefs, readSecretsPolicy } from "./instanceBoot";
import {
    awsNetwork,
    awsTargetGroups,
    awsTestRule,
    awsTrafficListener,
    type NetworkContext,
    slotQueryUrl,
} from "./network";

const COMPONENT = "AwsInstanceGroup";

/** Args of {@link AwsInstanceGroup}: the shared instance group args plus the AWS network and instance type. */
export interface AwsInstanceGroupArgs extends InstanceGroupArgs {
    /** The VPC of the load balancer and the instances. */
    vpcId: pulumi.Input<string>;
    /** Subnets of the load balancer (public subnets in at least two availability zones). */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Subnets of the instances (private, with a NAT gateway or VPC endpoints to reach the secrets). Default: `subnetIds`. */
    instanceSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** The EC2 instance type. Default `t3.small`. */
    instanceType?: pulumi.Input<string>;
    /** ACM certificate for HTTPS on 443 (then port 80 only redirects). Default: HTTP on 80 only. */
    certificateArn?: pulumi.Input<string>;
}

/** A blue-green group of phoenix EC2 instances behind an ALB; see the module comment. */
export class AwsInstanceGroup extends pulumi.ComponentResource implements SlotOutputs {
    /** The URL that takes the live traffic (the load balancer). */
    public readonly url: pulumi.Output<string>;
    /** Per slot holding a release: a URL that reaches only that slot (smoke tests before the flip). */
    public readonly smokeTestUrls: pulumi.Output<Record<string, string>>;
    /** The slot taking the traffic. */
    public readonly liveSlot: pulumi.Output<string>;
    /** Traffic percent per slot. */
    public readonly trafficWeights: pulumi.Output<Record<string, number>>;
    /** The release version per slot. */
    public readonly slotVersions: pulumi.Output<Record<string, string>>;
    /** The application load balancer. */
    public readonly loadBalancer: aws.lb.LoadBalancer;
    /** The listener whose weights split the traffic between the slots (the only resource a flip changes). */
    public readonly trafficListener: aws.lb.Listener;
    /** The target group per slot. */
    public readonly targetGroups: Record<string, aws.lb.TargetGroup>;
    /** The smoke-test listener rule per slot. */
    public readonly testRules: Record<string, aws.lb.ListenerRule>;
    /** The launch template per slot (a release is a new version of it). */
    public readonly launchTemplates: Record<string, aws.ec2.LaunchTemplate>;
    /** The Auto Scaling group per slot. */
    public readonly groups: Record<string, aws.autoscaling.Group>;
    /** The security group of the load balancer. */
    public readonly albSecurityGroup: aws.ec2.SecurityGroup;
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
        for (const field of ["vpcId", "subnetIds"] as const) {
            if (args[field] === undefined) {
                v.fail(field, "is required");
            }
        }
        // Checked now when plain (config always is), else when the references resolve.
        const check = (plain: unknown) => awsSecretRefs(v, plain as Record<string, { ref: string; version?: string }>);
        const secrets = isKnown(args.secrets ?? {})
            ? pulumi.output(check(args.secrets ?? {}))
            : pulumi.output(args.secrets ?? {}).apply(check);
        const tags: Record<string, pulumi.Input<string>> = { ...settings.labels, "immutable:group": name };
        const c: NetworkContext = {
            name,
            parent: this,
            vpcId: args.vpcId,
            port: settings.port,
            https: args.certificateArn !== undefined,
            tags,
        };
        const network = awsNetwork(c, args.subnetIds);
        this.albSecurityGroup = network.albSecurityGroup;
        this.instanceSecurityGroup = network.taskSecurityGroup;
        this.loadBalancer = network.loadBalancer;
        [this.instanceRole, this.instanceProfile] = instanceIdentity(
            this,
            name,
            secrets,
            Object.keys(args.secrets ?? {}).length > 0,
            tags,
        );
        const present = presentSlots(args);
        // Target groups of instances: the Auto Scaling groups register their instances by id.
        this.targetGroups = awsTargetGroups(c, present, settings.healthPath, "instance");
        this.trafficListener = awsTrafficListener(c, this.loadBalancer, this.targetGroups, plan, args.certificateArn);
        this.testRules = {};
        this.launchTemplates = {};
        this.groups = {};
        for (const slot of present) {
            const release = plan.apply((p) => p.releases[slot] as SlotRelease);
            const slotTags = pulumi
                .all([pulumi.output(tags), slotProvenanceTags(v, Cloud.Aws, slot, args[slot]!)])
                .apply(([group, provenance]) => ({ ...group, ...provenance }));
            this.testRules[slot] = awsTestRule(c, slot, this.trafficListener, this.targetGroups[slot], tags);
            this.launchTemplates[slot] = launchTemplate(this, name, slot, {
                args,
                settings,
                release,
                secrets,
                slotTags,
                instanceProfile: this.instanceProfile,
                securityGroup: this.instanceSecurityGroup,
            });
            this.groups[slot] = autoScalingGroup(this, name, slot, {
                args,
                settings,
                template: this.launchTemplates[slot],
                targetGroup: this.targetGroups[slot],
                tags,
                dependsOn: [this.trafficListener, this.testRules[slot]],
            });
        }
        this.chaosExperiment =
            settings.chaosHourUtc === undefined
                ? undefined
                : chaos(this, name, settings.chaosHourUtc, this.loadBalancer, tags);

        const outputs = slotOutputs(
            plan,
            pulumi.interpolate`${c.https ? "https" : "http"}://${this.loadBalancer.dnsName}`,
            slotQueryUrl,
        );
        this.url = outputs.url;
        this.smokeTestUrls = outputs.smokeTestUrls;
        this.liveSlot = outputs.liveSlot;
        this.trafficWeights = outputs.trafficWeights;
        this.slotVersions = outputs.slotVersions;
        this.registerOutputs({
            url: this.url,
            smokeTestUrls: this.smokeTestUrls,
            liveSlot: this.liveSlot,
            trafficWeights: this.trafficWeights,
            slotVersions: this.slotVersions,
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
            ...(this.chaosExperiment ? { chaosExperiment: this.chaosExperiment } : {}),
        });
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
        {
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            tags,
        },
        { parent },
    );
    const dependsOn: pulumi.Resource[] = [];
    if (hasSecrets) {
        // Before the profile exists, so no instance boots without its permission to read the secrets.
        dependsOn.push(
            new aws.iam.RolePolicy(
                `${name}-read-secrets`,
                { role: role.id, policy: secrets.apply((refs) => readSecretsPolicy(refs)!) },
                { parent },
            ),
        );
    }
    const profile = new aws.iam.InstanceProfile(`${name}-instance`, { role: role.name, tags }, { parent, dependsOn });
    return [role, profile];
}

/** What a slot's launch template is made of. */
interface LaunchTemplateInputs {
    args: AwsInstanceGroupArgs;
    settings: GroupSettings;
    release: pulumi.Output<SlotRelease>;
    secrets: pulumi.Output<AwsSecretRef[]>;
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
    const userData = pulumi
        .all([i.release, i.settings.port, pulumi.all(i.settings.env), i.secrets, i.settings.appUnit, i.slotTags])
        .apply(([release, port, env, secrets, unit, tags]) =>
            Buffer.from(
                bootScript({
                    env: { ...env, PORT: String(port), RELEASE_SLOT: slot, RELEASE_VERSION: release.version },
                    secrets: secrets.map(awsSecretFetch),
                    release: `${release.version} ${release.image}${tags["image-sha256"] ? ` ${tags["image-sha256"]}` : ""}`,
                    unit,
                }),
            ).toString("base64"),
        );
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
            userData,
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

/**
 * Chaos: an AWS FIS experiment that terminates one running instance of the group (either slot: the target is the
 * group's tag, so a flip does not change it), stopped when the load balancer's 5xx count alarms, and an
 * EventBridge Scheduler schedule that starts it on weekdays
 * (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html#ec2-actions-reference,
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html).
 */
function chaos(
    parent: pulumi.Resource,
    name: string,
    hourUtc: pulumi.Input<number>,
    alb: aws.lb.LoadBalancer,
    tags: Record<string, pulumi.Input<string>>,
): aws.fis.ExperimentTemplate {
    const opts = { parent };
    const role = (service: string, suffix: string) =>
        new aws.iam.Role(
            `${name}-${suffix}`,
            {
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
                }),
                tags,
            },
            opts,
        );
    const fisRole = role("fis.amazonaws.com", "chaos");
    const fisPolicy = new aws.iam.RolePolicy(
        `${name}-chaos`,
        {
            role: fisRole.id,
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: ["ec2:DescribeInstances"], Resource: "*" },
                    {
                        Effect: "Allow",
                        Action: ["ec2:TerminateInstances"],
                        Resource: "arn:aws:ec2:*:*:instance/*",
                        Condition: { StringEquals: { "aws:ResourceTag/immutable:group": name } },
                    },
                ],
            }),
        },
        opts,
    );
    const alarm = new aws.cloudwatch.MetricAlarm(
        `${name}-chaos-stop`,
        {
            alarmDescription: `${name}: stop the chaos experiment when the load balancer answers 5xx`,
            namespace: "AWS/ApplicationELB",
            metricName: "HTTPCode_ELB_5XX_Count",
            dimensions: { LoadBalancer: alb.arn.apply((arn) => arn.split(":loadbalancer/")[1] ?? arn) },
            statistic: "Sum",
            period: 60,
            evaluationPeriods: 1,
            threshold: 10,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            tags,
        },
        opts,
    );
    const experiment = new aws.fis.ExperimentTemplate(
        `${name}-chaos`,
        {
            description: `${name}: terminate one instance; the group must replace it`,
            roleArn: fisRole.arn,
            targets: [
                {
                    name: "one-instance",
                    resourceType: "aws:ec2:instance",
                    resourceTags: [{ key: "immutable:group", value: name }],
                    filters: [{ path: "State.Name", values: ["running"] }],
                    selectionMode: "COUNT(1)",
                },
            ],
            actions: [
                {
                    name: "terminate",
                    actionId: "aws:ec2:terminate-instances",
                    target: { key: "Instances", value: "one-instance" },
                },
            ],
            stopConditions: [{ source: "aws:cloudwatch:alarm", value: alarm.arn }],
            tags,
        },
        { parent, dependsOn: [fisPolicy] },
    );
    const schedulerRole = role("scheduler.amazonaws.com", "chaos-schedule");
    const region = aws.getRegionOutput({}, opts).region;
    const account = aws.getCallerIdentityOutput({}, opts).accountId;
    const startPolicy = new aws.iam.RolePolicy(
        `${name}-chaos-schedule`,
        {
            role: schedulerRole.id,
            policy: pulumi.all([region, account, experiment.id]).apply(([r, a, id]) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Action: ["fis:StartExperiment"],
                            Resource: [
                                `arn:aws:fis:${r}:${a}:experiment-template/${id}`,
                                `arn:aws:fis:${r}:${a}:experiment/*`,
                            ],
                        },
                    ],
                }),
            ),
        },
        opts,
    );
    new aws.scheduler.Schedule(
        `${name}-chaos`,
        {
            description: `${name}: weekday chaos, one instance terminated`,
            scheduleExpression: pulumi.output(hourUtc).apply((h) => `cron(30 ${h} ? * MON-FRI *)`),
            scheduleExpressionTimezone: "UTC",
            flexibleTimeWindow: { mode: "OFF" },
            target: {
                arn: "arn:aws:scheduler:::aws-sdk:fis:startExperiment",
                roleArn: schedulerRole.arn,
                input: experiment.id.apply((id) =>
                    JSON.stringify({ ExperimentTemplateId: id, ClientToken: "<aws.scheduler.execution-id>" }),
                ),
            },
        },
        { parent, dependsOn: [startPolicy] },
    );
    return experiment;
}
