/**
 * AwsContainerService: a blue-green service on ECS Fargate behind an Application Load Balancer.
 *
 * Each slot is its own task definition + ECS service + target group; the one traffic listener forwards to
 * the slots' target groups with weights. A flip of `live` changes only that listener's weights. Each slot
 * also has a listener rule (query `immutable-slot=<slot>`) that reaches it directly for smoke tests.
 *
 * Tasks: image by digest, read-only root filesystem with writable scratch volumes, non-root user, no ECS Exec,
 * no privileged mode, secrets only as `secrets[].valueFrom`, logs to CloudWatch, deployment circuit breaker
 * with rollback. Security groups: the ALB takes 80 (and 443 with a certificate) only; tasks take traffic only
 * from the ALB's security group.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { commonSettings, type ContainerServiceArgs, type SecretRefArgs } from "../core/serviceArgs";
import { isKnown, type SlotRelease, Slot, SLOTS, resolveSlots, slotVersions, slotWeights } from "../core/slots";
import { Validator } from "../core/validation";
import { CONTAINER_NAME, containerDefinitions, tmpVolumeName } from "./containerDefinition";
import { componentType } from "../core/packageName";

const COMPONENT = "AwsContainerService";

/** The query parameter of the per-slot smoke-test rules: `?immutable-slot=green` reaches the green slot. */
export const SLOT_QUERY_KEY = "immutable-slot";

/** Priorities of the per-slot test rules on the traffic listener. */
const RULE_PRIORITY: Record<Slot, number> = { [Slot.Blue]: 10, [Slot.Green]: 20 };

/** Args of {@link AwsContainerService}: the shared container service args plus the AWS network. */
export interface AwsContainerServiceArgs extends ContainerServiceArgs {
    /** The VPC of the load balancer, the target groups and the tasks. */
    vpcId: pulumi.Input<string>;
    /** Subnets of the load balancer (public subnets in at least two availability zones). */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Subnets of the tasks. Default: `subnetIds`. */
    taskSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Give tasks a public IP (needed to pull images from subnets without a NAT gateway). Default false. */
    assignPublicIp?: pulumi.Input<boolean>;
    /** ACM certificate for HTTPS on 443 (then port 80 only redirects). Default: HTTP on 80 only. */
    certificateArn?: pulumi.Input<string>;
    /** The non-root `uid[:gid]` the container runs as. Default `65532:65532`. */
    user?: pulumi.Input<string>;
    /** Days CloudWatch keeps the service's logs. Default 30. */
    logRetentionDays?: pulumi.Input<number>;
    /** An existing ECS cluster ARN. Default: a cluster of its own. */
    clusterArn?: pulumi.Input<string>;
}

/** A blue-green ECS Fargate service behind an ALB; see the module comment. */
export class AwsContainerService extends pulumi.ComponentResource {
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
    /** The ECS cluster (undefined when `clusterArn` was given). */
    public readonly cluster: aws.ecs.Cluster | undefined;
    /** The ECS service per slot. */
    public readonly services: Record<string, aws.ecs.Service>;
    /** The task definition per slot. */
    public readonly taskDefinitions: Record<string, aws.ecs.TaskDefinition>;
    /** The target group per slot. */
    public readonly targetGroups: Record<string, aws.lb.TargetGroup>;
    /** The smoke-test listener rule per slot. */
    public readonly testRules: Record<string, aws.lb.ListenerRule>;
    /** The security group of the load balancer. */
    public readonly albSecurityGroup: aws.ec2.SecurityGroup;
    /** The security group of the tasks. */
    public readonly taskSecurityGroup: aws.ec2.SecurityGroup;
    /** The role the ECS agent uses to pull the image, write logs and read the secret references. */
    public readonly executionRole: aws.iam.Role;
    /** The role the application runs as (attach the app's own policies here). */
    public readonly taskRole: aws.iam.Role;
    /** The CloudWatch log group. */
    public readonly logGroup: aws.cloudwatch.LogGroup;

    constructor(name: string, args: AwsContainerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType(COMPONENT), name, {}, opts);
        const v = new Validator(COMPONENT, name);
        const plan = resolveSlots(COMPONENT, name, args);
        const common = commonSettings(v, args);
        const user = args.user ?? "65532:65532";
        if (isKnown(user) && !/^[1-9][0-9]*(:[0-9]+)?$/.test(String(user))) {
            v.fail("user", `must be a non-root numeric uid[:gid] (not 0, not a name), got ${JSON.stringify(user)}`);
        }
        const secrets = awsSecretRefs(v, args.secrets ?? {});
        if (args.vpcId === undefined) {
            v.fail("vpcId", "is required");
        }
        if (args.subnetIds === undefined) {
            v.fail("subnetIds", "is required");
        }
        const parent = { parent: this };
        const tags = common.labels;
        const https = args.certificateArn !== undefined;

        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { retentionInDays: args.logRetentionDays ?? 30, tags },
            parent,
        );
        this.cluster = args.clusterArn
            ? undefined
            : new aws.ecs.Cluster(
                  `${name}-cluster`,
                  { settings: [{ name: "containerInsights", value: "enabled" }], tags },
                  parent,
              );
        const clusterArn: pulumi.Input<string> = args.clusterArn ?? this.cluster!.arn;
        const clusterName = pulumi.output(clusterArn).apply((arn) => arn.split("/").pop() ?? arn);

        const assumeEcsTasks = JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
            ],
        });
        this.executionRole = new aws.iam.Role(`${name}-execution`, { assumeRolePolicy: assumeEcsTasks, tags }, parent);
        new aws.iam.RolePolicyAttachment(
            `${name}-execution-policy`,
            {
                role: this.executionRole.name,
                policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
            },
            parent,
        );
        if (Object.keys(secrets).length > 0) {
            new aws.iam.RolePolicy(
                `${name}-read-secrets`,
                { role: this.executionRole.id, policy: pulumi.all(Object.values(secrets)).apply(readSecretsPolicy) },
                parent,
            );
        }
        this.taskRole = new aws.iam.Role(`${name}-task`, { assumeRolePolicy: assumeEcsTasks, tags }, parent);

        this.albSecurityGroup = new aws.ec2.SecurityGroup(
            `${name}-alb`,
            {
                vpcId: args.vpcId,
                description: `${name}: HTTP${https ? "/HTTPS" : ""} from the internet to the load balancer`,
                ingress: (https ? [80, 443] : [80]).map((port) => ({
                    protocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrBlocks: ["0.0.0.0/0"],
                    ipv6CidrBlocks: ["::/0"],
                    description: `HTTP${port === 443 ? "S" : ""}`,
                })),
                egress: [
                    { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "to the tasks" },
                ],
                tags,
            },
            parent,
        );
        this.taskSecurityGroup = new aws.ec2.SecurityGroup(
            `${name}-tasks`,
            {
                vpcId: args.vpcId,
                description: `${name}: the service port, from the load balancer only`,
                ingress: [
                    {
                        protocol: "tcp",
                        fromPort: common.port,
                        toPort: common.port,
                        securityGroups: [this.albSecurityGroup.id],
                        description: "from the load balancer",
                    },
                ],
                egress: [
                    {
                        protocol: "-1",
                        fromPort: 0,
                        toPort: 0,
                        cidrBlocks: ["0.0.0.0/0"],
                        description: "image pulls, secrets, logs",
                    },
                ],
                tags,
            },
            parent,
        );
        this.loadBalancer = new aws.lb.LoadBalancer(
            `${name}-alb`,
            {
                loadBalancerType: "application",
                internal: false,
                subnets: args.subnetIds,
                securityGroups: [this.albSecurityGroup.id],
                dropInvalidHeaderFields: true,
                tags,
            },
            parent,
        );

        // One target group per slot, created for the slots that hold a release.
        const present = SLOTS.filter((s) => args[s] !== undefined);
        this.targetGroups = {};
        for (const slot of present) {
            this.targetGroups[slot] = new aws.lb.TargetGroup(
                `${name}-${slot}`,
                {
                    vpcId: args.vpcId,
                    targetType: "ip",
                    protocol: "HTTP",
                    port: common.port,
                    deregistrationDelay: 30,
                    healthCheck: {
                        path: common.healthPath,
                        matcher: "200-399",
                        interval: 15,
                        healthyThreshold: 2,
                        unhealthyThreshold: 3,
                    },
                    tags: { ...tags, "immutable:slot": slot },
                },
                parent,
            );
        }

        // The traffic listener: the only resource whose inputs depend on `live` and `canaryWeight`.
        const forward = {
            type: "forward",
            forward: {
                targetGroups: present.map((slot) => ({
                    arn: this.targetGroups[slot].arn,
                    weight: plan.apply((p) => p.weights[slot] ?? 0),
                })),
            },
        };
        if (https) {
            new aws.lb.Listener(
                `${name}-http`,
                {
                    loadBalancerArn: this.loadBalancer.arn,
                    port: 80,
                    protocol: "HTTP",
                    defaultActions: [
                        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
                    ],
                    tags,
                },
                parent,
            );
            this.trafficListener = new aws.lb.Listener(
                `${name}-https`,
                {
                    loadBalancerArn: this.loadBalancer.arn,
                    port: 443,
                    protocol: "HTTPS",
                    certificateArn: args.certificateArn,
                    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
                    defaultActions: [forward],
                    tags,
                },
                parent,
            );
        } else {
            this.trafficListener = new aws.lb.Listener(
                `${name}-http`,
                { loadBalancerArn: this.loadBalancer.arn, port: 80, protocol: "HTTP", defaultActions: [forward], tags },
                parent,
            );
        }
        const scheme = https ? "https" : "http";

        this.testRules = {};
        this.taskDefinitions = {};
        this.services = {};
        const region = aws.getRegionOutput({}, parent).region;
        for (const slot of present) {
            const release = plan.apply((p) => p.releases[slot] as SlotRelease);
            const slotTags = { ...tags, "immutable:slot": slot, "immutable:version": release.version };
            this.testRules[slot] = new aws.lb.ListenerRule(
                `${name}-${slot}-test`,
                {
                    listenerArn: this.trafficListener.arn,
                    priority: RULE_PRIORITY[slot],
                    conditions: [{ queryStrings: [{ key: SLOT_QUERY_KEY, value: slot }] }],
                    actions: [{ type: "forward", targetGroupArn: this.targetGroups[slot].arn }],
                    tags: slotTags,
                },
                parent,
            );
            this.taskDefinitions[slot] = new aws.ecs.TaskDefinition(
                `${name}-${slot}`,
                {
                    family: `${name}-${slot}`,
                    requiresCompatibilities: ["FARGATE"],
                    networkMode: "awsvpc",
                    cpu: pulumi.output(common.cpu).apply((c) => String(Math.round(c * 1024))),
                    memory: pulumi.output(common.memoryMiB).apply(String),
                    runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
                    executionRoleArn: this.executionRole.arn,
                    taskRoleArn: this.taskRole.arn,
                    volumes: common.tmpPaths.map((_p, i) => ({ name: tmpVolumeName(i) })),
                    containerDefinitions: pulumi
                        .all([
                            release,
                            common.port,
                            user,
                            pulumi.all(common.env),
                            pulumi.all(secrets),
                            pulumi.all(common.tmpPaths),
                            this.logGroup.name,
                            region,
                        ])
                        .apply(([r, port, u, env, secretRefs, tmpPaths, logGroup, reg]) =>
                            containerDefinitions({
                                image: r.image,
                                version: r.version,
                                port,
                                user: u,
                                env,
                                secrets: secretRefs,
                                tmpPaths,
                                logGroup,
                                region: reg,
                                slot,
                            }),
                        ),
                    tags: slotTags,
                },
                parent,
            );
            this.services[slot] = new aws.ecs.Service(
                `${name}-${slot}`,
                {
                    cluster: clusterArn,
                    taskDefinition: this.taskDefinitions[slot].arn,
                    launchType: "FARGATE",
                    desiredCount: common.minInstances,
                    enableExecuteCommand: false,
                    deploymentCircuitBreaker: { enable: true, rollback: true },
                    deploymentMinimumHealthyPercent: 100,
                    deploymentMaximumPercent: 200,
                    healthCheckGracePeriodSeconds: 30,
                    propagateTags: "SERVICE",
                    networkConfiguration: {
                        subnets: args.taskSubnetIds ?? args.subnetIds,
                        securityGroups: [this.taskSecurityGroup.id],
                        assignPublicIp: args.assignPublicIp ?? false,
                    },
                    loadBalancers: [
                        {
                            targetGroupArn: this.targetGroups[slot].arn,
                            containerName: CONTAINER_NAME,
                            containerPort: common.port,
                        },
                    ],
                    tags: slotTags,
                },
                {
                    parent: this,
                    dependsOn: [this.trafficListener, this.testRules[slot]],
                    ignoreChanges: ["desiredCount"],
                },
            );
            const target = new aws.appautoscaling.Target(
                `${name}-${slot}-scaling`,
                {
                    serviceNamespace: "ecs",
                    scalableDimension: "ecs:service:DesiredCount",
                    resourceId: pulumi.interpolate`service/${clusterName}/${this.services[slot].name}`,
                    minCapacity: common.minInstances,
                    maxCapacity: common.maxInstances,
                },
                parent,
            );
            new aws.appautoscaling.Policy(
                `${name}-${slot}-cpu`,
                {
                    policyType: "TargetTrackingScaling",
                    serviceNamespace: target.serviceNamespace,
                    scalableDimension: target.scalableDimension,
                    resourceId: target.resourceId,
                    targetTrackingScalingPolicyConfiguration: {
                        targetValue: 60,
                        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
                    },
                },
                parent,
            );
        }

        const base = pulumi.interpolate`${scheme}://${this.loadBalancer.dnsName}`;
        this.url = base;
        this.smokeTestUrls = pulumi
            .all([base, plan])
            .apply(([b, p]) => Object.fromEntries(p.slots.map((s) => [s, `${b}/?${SLOT_QUERY_KEY}=${s}`])));
        this.liveSlot = plan.apply((p) => p.live);
        this.trafficWeights = plan.apply(slotWeights);
        this.slotVersions = plan.apply(slotVersions);
        this.registerOutputs({
            url: this.url,
            smokeTestUrls: this.smokeTestUrls,
            liveSlot: this.liveSlot,
            trafficWeights: this.trafficWeights,
            slotVersions: this.slotVersions,
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
        });
    }
}

/** Checks the secret references and returns each one's `valueFrom`. */
function awsSecretRefs(v: Validator, secrets: Record<string, SecretRefArgs>): Record<string, pulumi.Input<string>> {
    const result: Record<string, pulumi.Input<string>> = {};
    for (const [key, ref] of Object.entries(secrets)) {
        const field = `secrets.${key}`;
        if (!ref || typeof ref !== "object" || ref.ref === undefined) {
            v.fail(field, "must be {ref: <Secrets Manager or SSM parameter ARN>, version?}");
        }
        const check = (arn: string): string => {
            if (!/^arn:aws[a-z-]*:(secretsmanager|ssm):[a-z0-9-]+:\d{12}:(secret:|parameter\/)\S+$/.test(arn)) {
                v.fail(
                    `${field}.ref`,
                    `must be a Secrets Manager secret ARN or an SSM parameter ARN (a reference, never the value), got ${JSON.stringify(arn.slice(0, 12) + (arn.length > 12 ? "..." : ""))}`,
                );
            }
            return arn;
        };
        const valueFrom = (arn: string, version: string | undefined): string =>
            version ? (arn.includes(":secretsmanager:") ? `${arn}:::${version}` : `${arn}:${version}`) : arn;
        if (isKnown(ref.ref) && isKnown(ref.version)) {
            result[key] = valueFrom(check(ref.ref as string), ref.version as string | undefined);
        } else {
            result[key] = pulumi.all([ref.ref, ref.version]).apply(([arn, version]) => valueFrom(check(arn), version));
        }
    }
    return result;
}

/** The execution role's permission to read exactly the referenced secrets. */
function readSecretsPolicy(valueFroms: string[]): string {
    const secretArns = valueFroms
        .filter((a) => a.includes(":secretsmanager:"))
        .map((a) => a.split(":").slice(0, 7).join(":"));
    const parameterArns = valueFroms.filter((a) => a.includes(":ssm:")).map((a) => a.replace(/:\d+$/, ""));
    const statements: Record<string, unknown>[] = [];
    if (secretArns.length > 0) {
        statements.push({
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue"],
            Resource: [...new Set(secretArns)],
        });
    }
    if (parameterArns.length > 0) {
        statements.push({ Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [...new Set(parameterArns)] });
    }
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
