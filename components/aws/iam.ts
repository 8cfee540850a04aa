/**
 * The IAM side of the AWS components. AwsContainerService: the execution role (the ECS agent: pull the image,
 * write logs, read exactly the referenced secrets) and the task role (the application); the permissions the agent
 * needs before a task can start are returned as `agentPermissions`, which every ECS service depends on, so a first
 * deploy with secrets never starts tasks before the role may read them. Every AWS role trusts one service through
 * {@link trustPolicy}.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type AwsSecretRef, readSecretsPolicy } from "./secretRefs";

/** The roles and the permissions ECS needs before it starts a task. */
export interface AwsIam {
    executionRole: aws.iam.Role;
    taskRole: aws.iam.Role;
    /** The policies of the execution role (managed policy attachment, secret reading). */
    agentPermissions: pulumi.Resource[];
}

/** A role's trust policy: `service` (`ecs-tasks.amazonaws.com`, `ec2.amazonaws.com`...) may assume it. */
export function trustPolicy(service: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
    });
}

/** The two roles; the execution role may read exactly the referenced secrets. */
export function awsIam(
    name: string,
    parent: pulumi.Resource,
    secrets: pulumi.Input<AwsSecretRef>[],
    tags: Record<string, pulumi.Input<string>>,
): AwsIam {
    const opts = { parent };
    const assumeRolePolicy = trustPolicy("ecs-tasks.amazonaws.com");
    const executionRole = new aws.iam.Role(`${name}-execution`, { assumeRolePolicy, tags }, opts);
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
    if (secrets.length > 0) {
        agentPermissions.push(
            new aws.iam.RolePolicy(
                `${name}-read-secrets`,
                {
                    role: executionRole.id,
                    policy: pulumi.all(secrets).apply((refs) => readSecretsPolicy(refs, "ssm:GetParameters")),
                },
                opts,
            ),
        );
    }
    const taskRole = new aws.iam.Role(`${name}-task`, { assumeRolePolicy, tags }, opts);
    return { executionRole, taskRole, agentPermissions };
}
