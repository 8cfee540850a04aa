/**
 * Chaos of AwsInstanceGroup: an AWS FIS experiment that terminates one running instance of the group (either slot:
 * the target is the group's tag, so a flip does not change it), stopped when the load balancer's 5xx count alarms,
 * and an EventBridge Scheduler schedule that starts it on weekdays
 * (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html#ec2-actions-reference,
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GROUP_TAG } from "../core/instanceGroupArgs";
import { trustPolicy } from "./iam";

/** What the chaos resources act on. */
export interface ChaosContext {
    name: string;
    parent: pulumi.Resource;
    tags: Record<string, pulumi.Input<string>>;
}

/** The experiment, its stop alarm and its weekday schedule; returns the experiment. */
export function awsChaos(
    c: ChaosContext,
    hourUtc: pulumi.Input<number>,
    alb: aws.lb.LoadBalancer,
): aws.fis.ExperimentTemplate {
    const experiment = chaosExperiment(c, alb);
    chaosSchedule(c, hourUtc, experiment);
    return experiment;
}

/** The FIS role's permission: describe instances, terminate only those tagged with the group. */
export function terminatePolicy(group: string): Record<string, unknown> {
    return {
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Action: ["ec2:DescribeInstances"], Resource: "*" },
            {
                Effect: "Allow",
                Action: ["ec2:TerminateInstances"],
                Resource: "arn:aws:ec2:*:*:instance/*",
                Condition: { StringEquals: { [`aws:ResourceTag/${GROUP_TAG}`]: group } },
            },
        ],
    };
}

/** The scheduler role's permission: start exactly this experiment template. */
export function startExperimentPolicy(region: string, account: string, templateId: string): Record<string, unknown> {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: ["fis:StartExperiment"],
                Resource: [
                    `arn:aws:fis:${region}:${account}:experiment-template/${templateId}`,
                    `arn:aws:fis:${region}:${account}:experiment/*`,
                ],
            },
        ],
    };
}

/** The weekday schedule as an EventBridge Scheduler cron expression (UTC): Monday to Friday at `hour`:30. */
export function chaosScheduleExpression(hour: number): string {
    return `cron(30 ${hour} ? * MON-FRI *)`;
}

/** A role `service` may assume. */
function serviceRole(c: ChaosContext, suffix: string, service: string): aws.iam.Role {
    return new aws.iam.Role(
        `${c.name}-${suffix}`,
        { assumeRolePolicy: trustPolicy(service), tags: c.tags },
        { parent: c.parent },
    );
}

/** The alarm that stops the experiment: more than 10 load balancer 5xx answers in a minute. */
function chaosStopAlarm(c: ChaosContext, alb: aws.lb.LoadBalancer): aws.cloudwatch.MetricAlarm {
    return new aws.cloudwatch.MetricAlarm(
        `${c.name}-chaos-stop`,
        {
            alarmDescription: `${c.name}: stop the chaos experiment when the load balancer answers 5xx`,
            namespace: "AWS/ApplicationELB",
            metricName: "HTTPCode_ELB_5XX_Count",
            dimensions: { LoadBalancer: alb.arn.apply((arn) => arn.split(":loadbalancer/")[1] ?? arn) },
            statistic: "Sum",
            period: 60,
            evaluationPeriods: 1,
            threshold: 10,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            tags: c.tags,
        },
        { parent: c.parent },
    );
}

/**
 * The experiment: terminate one running instance tagged with the group, under a role that may do only that,
 * stopped by the 5xx alarm.
 */
function chaosExperiment(c: ChaosContext, alb: aws.lb.LoadBalancer): aws.fis.ExperimentTemplate {
    const role = serviceRole(c, "chaos", "fis.amazonaws.com");
    const policy = new aws.iam.RolePolicy(
        `${c.name}-chaos`,
        { role: role.id, policy: JSON.stringify(terminatePolicy(c.name)) },
        { parent: c.parent },
    );
    const alarm = chaosStopAlarm(c, alb);
    return new aws.fis.ExperimentTemplate(
        `${c.name}-chaos`,
        {
            description: `${c.name}: terminate one instance; the group must replace it`,
            roleArn: role.arn,
            targets: [
                {
                    name: "one-instance",
                    resourceType: "aws:ec2:instance",
                    resourceTags: [{ key: GROUP_TAG, value: c.name }],
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
            tags: c.tags,
        },
        { parent: c.parent, dependsOn: [policy] },
    );
}

/** The weekday schedule that starts the experiment, under a role that may start only it. */
function chaosSchedule(
    c: ChaosContext,
    hourUtc: pulumi.Input<number>,
    experiment: aws.fis.ExperimentTemplate,
): aws.scheduler.Schedule {
    const opts = { parent: c.parent };
    const role = serviceRole(c, "chaos-schedule", "scheduler.amazonaws.com");
    const region = aws.getRegionOutput({}, opts).region;
    const account = aws.getCallerIdentityOutput({}, opts).accountId;
    const policy = new aws.iam.RolePolicy(
        `${c.name}-chaos-schedule`,
        {
            role: role.id,
            policy: pulumi
                .all([region, account, experiment.id])
                .apply(([r, a, id]) => JSON.stringify(startExperimentPolicy(r, a, id))),
        },
        opts,
    );
    return new aws.scheduler.Schedule(
        `${c.name}-chaos`,
        {
            description: `${c.name}: weekday chaos, one instance terminated`,
            scheduleExpression: pulumi.output(hourUtc).apply(chaosScheduleExpression),
            scheduleExpressionTimezone: "UTC",
            flexibleTimeWindow: { mode: "OFF" },
            target: {
                arn: "arn:aws:scheduler:::aws-sdk:fis:startExperiment",
                roleArn: role.arn,
                input: experiment.id.apply((id) =>
                    JSON.stringify({ ExperimentTemplateId: id, ClientToken: "<aws.scheduler.execution-id>" }),
                ),
            },
        },
        { parent: c.parent, dependsOn: [policy] },
    );
}
