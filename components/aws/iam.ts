/**
 * The IAM side of AwsContainerService: the execution role (the ECS agent: pull the image, write logs, read
 * exactly the referenced secrets) and the task role (the application). The permissions the agent needs before
 * a task can start are returned as `agentPermissions`, which every ECS service depends on: a first deploy with
 * secrets never starts tasks before the role may read them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { SecretRefArgs } from "../core/serviceArgs";
import { isKnown } from "../core/slots";
import type { Validator } from "../core/validation";

/** The roles and the permissions ECS needs before it starts a task. */
export interface AwsIam {
    executionRole: aws.iam.Role;
    taskRole: aws.iam.Role;
    /** The policies of the execution role (managed policy attachment, secret reading). */
    agentPermissions: pulumi.Resource[];
}

const ASSUME_ECS_TASKS = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** The two roles; the execution role may read exactly the secrets in `valueFroms`. */
export function awsIam(
    name: string,
    parent: pulumi.Resource,
    valueFroms: pulumi.Input<string>[],
    tags: Record<string, pulumi.Input<string>>,
): AwsIam {
    const opts = { parent };
    const executionRole = new aws.iam.Role(`${name}-execution`, { assumeRolePolicy: ASSUME_ECS_TASKS, tags }, opts);
    const agentPermissions: pulumi.Resource[] = [
        new aws.iam.RolePolicyAttachment(
            `${name}-execution-policy`,
            {
                role: executionRole.name,
                policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
            },
            opts,
        ),
    ];
    if (valueFroms.length > 0) {
        agentPermissions.push(
            new aws.iam.RolePolicy(
                `${name}-read-secrets`,
                { role: executionRole.id, policy: pulumi.all(valueFroms).apply(readSecretsPolicy) },
                opts,
            ),
        );
    }
    const taskRole = new aws.iam.Role(`${name}-task`, { assumeRolePolicy: ASSUME_ECS_TASKS, tags }, opts);
    return { executionRole, taskRole, agentPermissions };
}

/** Checks the secret references and returns each one's `valueFrom`. */
export function awsSecretRefs(
    v: Validator,
    secrets: Record<string, SecretRefArgs>,
): Record<string, pulumi.Input<string>> {
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
export function readSecretsPolicy(valueFroms: string[]): string {
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
