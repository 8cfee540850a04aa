/**
 * AwsContainerService: a blue-green service on ECS Fargate behind an Application Load Balancer.
 *
 * Each slot is its own task definition + ECS service + target group; the one traffic listener forwards to
 * the slots' target groups with weights. A flip of `live` changes only that listener's weights. Each slot
 * also has a listener rule (query `immutable-slot=<slot>`) that reaches it directly for smoke tests.
 *
 * Network: the ALB in public subnets (one per zone), the tasks in their own subnets (private, or public with
 * `assignPublicIp`). HTTPS: a certificate for `domainName`, whose name `url` and the smoke-test URLs use (and
 * an optional Route 53 alias). Tasks: image by digest, read-only root filesystem with writable scratch
 * volumes, non-root user, no ECS Exec, no privileged mode, secrets only as `secrets[].valueFrom` (the services
 * depend on the execution role's permission to read them), logs to CloudWatch, deployment circuit breaker
 * with rollback, and `pulumi up` waits for each service's steady state.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../core/packageName";
import { checkSize, commonSettings, type CommonSettings } from "../core/serviceArgs";
import { type SlotOutputs, slotOutputs, slotQueryUrl } from "../core/slotOutputs";
import { isKnown, presentSlots, resolveSlots } from "../core/slots";
import { Validator } from "../core/validation";
import { awsIam } from "./iam";
import { fargateSizeProblem } from "./limits";
import { awsDnsRecord, awsLiveUrl, type AwsLoadBalancing, awsLoadBalancing, networkContext } from "./network";
import { awsSecretRefs, ecsValueFroms } from "./secretRefs";
import type { AwsContainerServiceArgs } from "./serviceArgs";
import { awsRuntime, awsSlots } from "./slot";
import { definedOutputs } from "../core/outputs";

export type { AwsContainerServiceArgs, AwsServiceSpecifics } from "./serviceArgs";

const COMPONENT = "AwsContainerService";

/** A blue-green ECS Fargate service behind an ALB; see the module comment. */
export class AwsContainerService extends pulumi.ComponentResource implements SlotOutputs, AwsLoadBalancing {
    /** The URL that takes the live traffic (`domainName`, else the load balancer's DNS name). */
    public readonly url!: pulumi.Output<string>;
    /** Per slot holding a release: the live URL with `?immutable-slot=<slot>`, which reaches only that slot. */
    public readonly smokeTestUrls!: pulumi.Output<Record<string, string>>;
    /** The slot taking the traffic. */
    public readonly liveSlot!: pulumi.Output<string>;
    /** Traffic percent per slot. */
    public readonly trafficWeights!: pulumi.Output<Record<string, number>>;
    /** The release version per slot. */
    public readonly slotVersions!: pulumi.Output<Record<string, string>>;
    /** The role the application runs as (its ARN): attach the app's own policies to `taskRole`. */
    public readonly runtimeIdentity: pulumi.Output<string>;
    /** The application load balancer. */
    public readonly loadBalancer!: aws.lb.LoadBalancer;
    /** The listener whose weights split the traffic between the slots (the only resource a flip changes). */
    public readonly trafficListener!: aws.lb.Listener;
    /** The ECS cluster (undefined when `clusterArn` was given). */
    public readonly cluster: aws.ecs.Cluster | undefined;
    /** The ECS service per slot. */
    public readonly services: Record<string, aws.ecs.Service>;
    /** The task definition per slot. */
    public readonly taskDefinitions: Record<string, aws.ecs.TaskDefinition>;
    /** The target group per slot. */
    public readonly targetGroups!: Record<string, aws.lb.TargetGroup>;
    /** The smoke-test listener rule per slot. */
    public readonly testRules: Record<string, aws.lb.ListenerRule>;
    /** The security group of the load balancer. */
    public readonly albSecurityGroup!: aws.ec2.SecurityGroup;
    /** The security group of the tasks. */
    public readonly taskSecurityGroup!: aws.ec2.SecurityGroup;
    /** The role the ECS agent uses to pull the image, write logs and read the secret references. */
    public readonly executionRole: aws.iam.Role;
    /** The role the application runs as (attach the app's own policies here). */
    public readonly taskRole: aws.iam.Role;
    /** The CloudWatch log group. */
    public readonly logGroup: aws.cloudwatch.LogGroup;
    /** The Route 53 alias of `domainName` (when `hostedZoneId` was given). */
    public readonly dnsRecord: aws.route53.Record | undefined;

    constructor(name: string, args: AwsContainerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType(COMPONENT), name, {}, opts);
        const v = new Validator(COMPONENT, name);
        const plan = resolveSlots(COMPONENT, name, args);
        const common = commonSettings(v, args);
        checkAwsArgs(v, args, common);
        const secretRefs = awsSecretRefs(v, args.secrets ?? {});
        const tags = common.labels;
        const net = networkContext(name, this, args, common.port, tags);
        const runtime = awsRuntime(name, this, args.logRetentionDays ?? 30, args.clusterArn, tags);
        this.logGroup = runtime.logGroup;
        this.cluster = runtime.cluster;
        const iam = awsIam(name, this, Object.values(secretRefs), tags);
        this.executionRole = iam.executionRole;
        this.taskRole = iam.taskRole;
        const present = presentSlots(args);
        Object.assign(this, awsLoadBalancing(net, args.albSubnetIds, present, common.healthPath, plan, "ip"));
        this.dnsRecord =
            args.hostedZoneId !== undefined
                ? awsDnsRecord(net, this.loadBalancer, args.domainName!, args.hostedZoneId)
                : undefined;
        const slots = awsSlots(
            {
                name,
                parent: this,
                common,
                user: args.user ?? "65532:65532",
                secrets: ecsValueFroms(secretRefs),
                clusterArn: runtime.clusterArn,
                executionRoleArn: this.executionRole.arn,
                taskRoleArn: this.taskRole.arn,
                logGroup: this.logGroup.name,
                taskSubnetIds: args.taskSubnetIds,
                taskSecurityGroupId: this.taskSecurityGroup.id,
                assignPublicIp: args.assignPublicIp ?? false,
                waitForSteadyState: args.waitForSteadyState ?? true,
                dependsOn: iam.agentPermissions,
            },
            { net, plan, slots: present, listener: this.trafficListener, targetGroups: this.targetGroups },
        );
        this.testRules = slots.testRules;
        this.taskDefinitions = slots.taskDefinitions;
        this.services = slots.services;
        const outputs = slotOutputs(plan, awsLiveUrl(net, this.loadBalancer, args.domainName), slotQueryUrl);
        Object.assign(this, outputs);
        this.runtimeIdentity = this.taskRole.arn;
        this.registerOutputs(
            definedOutputs({
                ...outputs,
                runtimeIdentity: this.runtimeIdentity,
                loadBalancer: this.loadBalancer,
                trafficListener: this.trafficListener,
                cluster: this.cluster,
                services: this.services,
                taskDefinitions: this.taskDefinitions,
                targetGroups: this.targetGroups,
                testRules: this.testRules,
                albSecurityGroup: this.albSecurityGroup,
                taskSecurityGroup: this.taskSecurityGroup,
                executionRole: this.executionRole,
                taskRole: this.taskRole,
                logGroup: this.logGroup,
                dnsRecord: this.dnsRecord,
            }),
        );
    }
}

/** The AWS-only checks: network, HTTPS naming, the non-root user, the Fargate task size. */
function checkAwsArgs(v: Validator, args: AwsContainerServiceArgs, common: CommonSettings): void {
    if (args.vpcId === undefined) {
        v.fail("vpcId", "is required");
    }
    checkSubnets(
        v,
        "albSubnetIds",
        args.albSubnetIds,
        2,
        "public subnets in at least two availability zones, one per zone",
    );
    checkSubnets(
        v,
        "taskSubnetIds",
        args.taskSubnetIds,
        1,
        "the tasks' subnets: private subnets that reach ECR through a NAT gateway or VPC endpoints (or public subnets with assignPublicIp)",
    );
    if (args.certificateArn !== undefined && args.domainName === undefined) {
        v.fail(
            "domainName",
            "is required with certificateArn: the certificate names your domain, so url and the smoke-test URLs must use it (TLS verification fails on the load balancer's own DNS name)",
        );
    }
    if (args.hostedZoneId !== undefined && args.domainName === undefined) {
        v.fail("domainName", "is required with hostedZoneId: it is the name of the record");
    }
    const user = args.user ?? "65532:65532";
    if (isKnown(user) && !/^[1-9][0-9]*(:[0-9]+)?$/.test(String(user))) {
        v.fail("user", `must be a non-root numeric uid[:gid] (not 0, not a name), got ${JSON.stringify(user)}`);
    }
    checkSize(v, common, fargateSizeProblem);
}

/** A required subnet list: present and, when plain, at least `min` distinct entries. */
function checkSubnets(v: Validator, field: string, value: unknown, min: number, what: string): void {
    if (value === undefined) {
        v.fail(field, `is required: ${what}`);
    }
    if (Array.isArray(value) && isKnown(value)) {
        if (new Set(value).size !== value.length) {
            v.fail(field, `lists a subnet twice, got ${JSON.stringify(value)}`);
        }
        if (value.length < min) {
            v.fail(field, `must list at least ${min}: ${what}, got ${JSON.stringify(value)}`);
        }
    }
}
