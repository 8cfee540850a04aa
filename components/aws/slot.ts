/**
 * One slot of AwsContainerService: its task definition, its ECS service (in the task subnets, behind its
 * target group, waiting for a steady state) and its CPU target-tracking scaling. Nothing here depends on
 * `live`, so a flip never touches a slot's resources.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CommonSettings } from "../core/serviceArgs";
import { AWS_SERVICE_TAG, AWS_SLOT_TAG } from "../core/slotLabels";
import type { Slot, SlotPlan, SlotRelease } from "../core/slots";
import { awsTestRule, type NetworkContext } from "./network";
import { CONTAINER_NAME, containerDefinitions, tmpVolumeName } from "./containerDefinition";

/** What every slot of one service shares. */
export interface SlotContext {
    name: string;
    parent: pulumi.Resource;
    common: CommonSettings;
    user: pulumi.Input<string>;
    secrets: Record<string, pulumi.Input<string>>;
    clusterArn: pulumi.Input<string>;
    executionRoleArn: pulumi.Input<string>;
    taskRoleArn: pulumi.Input<string>;
    logGroup: pulumi.Input<string>;
    taskSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    taskSecurityGroupId: pulumi.Input<string>;
    assignPublicIp: pulumi.Input<boolean>;
    waitForSteadyState: boolean;
    /** What every ECS service waits for besides its listener and test rule: the execution role's permissions. */
    dependsOn: pulumi.Resource[];
}

/** What is known per slot once the network exists. */
interface SlotWiring extends SlotContext {
    clusterName: pulumi.Input<string>;
    region: pulumi.Input<string>;
}

/** The log group and the cluster every slot runs in (the given cluster, or one of its own). */
export function awsRuntime(
    name: string,
    parent: pulumi.Resource,
    retentionInDays: pulumi.Input<number>,
    clusterArn: pulumi.Input<string> | undefined,
    tags: Record<string, pulumi.Input<string>>,
): { logGroup: aws.cloudwatch.LogGroup; cluster: aws.ecs.Cluster | undefined; clusterArn: pulumi.Input<string> } {
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { retentionInDays, tags }, { parent });
    const cluster = clusterArn
        ? undefined
        : new aws.ecs.Cluster(
              `${name}-cluster`,
              { settings: [{ name: "containerInsights", value: "enabled" }], tags },
              { parent },
          );
    return { logGroup, cluster, clusterArn: clusterArn ?? cluster!.arn };
}

/** The resources of every slot holding a release. */
export interface AwsSlots {
    testRules: Record<string, aws.lb.ListenerRule>;
    taskDefinitions: Record<string, aws.ecs.TaskDefinition>;
    services: Record<string, aws.ecs.Service>;
}

/**
 * Per slot holding a release: its smoke-test rule, its task definition and its ECS service, which waits for
 * the listener, its rule and the execution role's permissions.
 */
export function awsSlots(
    c: SlotContext,
    w: {
        net: NetworkContext;
        plan: pulumi.Output<SlotPlan>;
        slots: Slot[];
        listener: aws.lb.Listener;
        targetGroups: Record<string, aws.lb.TargetGroup>;
    },
): AwsSlots {
    const wiring: SlotWiring = {
        ...c,
        clusterName: pulumi.output(c.clusterArn).apply((arn) => arn.split("/").pop() ?? arn),
        region: aws.getRegionOutput({}, { parent: c.parent }).region,
    };
    const out: AwsSlots = { testRules: {}, taskDefinitions: {}, services: {} };
    for (const slot of w.slots) {
        const release = w.plan.apply((p) => p.releases[slot] as SlotRelease);
        const tags = {
            ...c.common.labels,
            [AWS_SLOT_TAG]: slot,
            [AWS_SERVICE_TAG]: c.name,
            "immutable:version": release.version,
        };
        const rule = awsTestRule(w.net, slot, w.listener, w.targetGroups[slot], tags);
        const slotWiring = { ...wiring, dependsOn: [w.listener, rule, ...c.dependsOn] };
        out.testRules[slot] = rule;
        out.taskDefinitions[slot] = awsTaskDefinition(slotWiring, slot, release, tags);
        out.services[slot] = awsSlotService(slotWiring, slot, out.taskDefinitions[slot], w.targetGroups[slot], tags);
    }
    return out;
}

/** The task definition of one slot's release. */
function awsTaskDefinition(
    c: SlotWiring,
    slot: Slot,
    release: pulumi.Output<SlotRelease>,
    tags: Record<string, pulumi.Input<string>>,
): aws.ecs.TaskDefinition {
    const { common } = c;
    return new aws.ecs.TaskDefinition(
        `${c.name}-${slot}`,
        {
            family: `${c.name}-${slot}`,
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: pulumi.output(common.cpu).apply((cpu) => String(Math.round(cpu * 1024))),
            memory: pulumi.output(common.memoryMiB).apply(String),
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
            executionRoleArn: c.executionRoleArn,
            taskRoleArn: c.taskRoleArn,
            volumes: common.tmpPaths.map((_p, i) => ({ name: tmpVolumeName(i) })),
            containerDefinitions: pulumi
                .all([
                    release,
                    common.port,
                    c.user,
                    pulumi.all(common.env),
                    pulumi.all(c.secrets),
                    pulumi.all(common.tmpPaths),
                    c.logGroup,
                    c.region,
                ])
                .apply(([r, port, user, env, secrets, tmpPaths, logGroup, region]) =>
                    containerDefinitions({
                        image: r.image,
                        version: r.version,
                        port,
                        user,
                        env,
                        secrets,
                        tmpPaths,
                        logGroup,
                        region,
                        slot,
                    }),
                ),
            tags,
        },
        { parent: c.parent },
    );
}

/** The ECS service of one slot, its scaling target and its CPU target-tracking policy. */
function awsSlotService(
    c: SlotWiring,
    slot: Slot,
    taskDefinition: aws.ecs.TaskDefinition,
    targetGroup: aws.lb.TargetGroup,
    tags: Record<string, pulumi.Input<string>>,
): aws.ecs.Service {
    const service = new aws.ecs.Service(
        `${c.name}-${slot}`,
        {
            cluster: c.clusterArn,
            taskDefinition: taskDefinition.arn,
            launchType: "FARGATE",
            desiredCount: c.common.minInstances,
            enableExecuteCommand: false,
            deploymentCircuitBreaker: { enable: true, rollback: true },
            deploymentMinimumHealthyPercent: 100,
            deploymentMaximumPercent: 200,
            healthCheckGracePeriodSeconds: 30,
            waitForSteadyState: c.waitForSteadyState,
            propagateTags: "SERVICE",
            networkConfiguration: {
                subnets: c.taskSubnetIds,
                securityGroups: [c.taskSecurityGroupId],
                assignPublicIp: c.assignPublicIp,
            },
            loadBalancers: [
                { targetGroupArn: targetGroup.arn, containerName: CONTAINER_NAME, containerPort: c.common.port },
            ],
            tags,
        },
        { parent: c.parent, dependsOn: c.dependsOn, ignoreChanges: ["desiredCount"] },
    );
    const target = new aws.appautoscaling.Target(
        `${c.name}-${slot}-scaling`,
        {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: pulumi.interpolate`service/${c.clusterName}/${service.name}`,
            minCapacity: c.common.minInstances,
            maxCapacity: c.common.maxInstances,
        },
        { parent: c.parent },
    );
    new aws.appautoscaling.Policy(
        `${c.name}-${slot}-cpu`,
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
        { parent: c.parent },
    );
    return service;
}
