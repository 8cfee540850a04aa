/**
 * The args of AwsContainerService: the shared container service args plus what only AWS needs, declared once
 * and used by both the component and the cloud-neutral facade (ContainerService `aws: {...}`).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ContainerServiceArgs } from "../core/serviceArgs";

/** What only AWS needs beside the shared container service args. */
export interface AwsServiceSpecifics {
    /** The VPC of the load balancer, the target groups and the tasks. */
    vpcId: pulumi.Input<string>;
    /**
     * Public subnets of the load balancer: at least two, one per availability zone (an ALB takes one subnet per
     * zone: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer).
     */
    albSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Subnets of the tasks: private subnets whose route reaches ECR, Secrets Manager and CloudWatch (a NAT
     * gateway or VPC endpoints), or public ones together with `assignPublicIp`.
     */
    taskSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Give tasks a public IP (tasks in public subnets without a NAT gateway need one to pull). Default false. */
    assignPublicIp?: pulumi.Input<boolean>;
    /** The service's domain name: `url` and the smoke-test URLs use it. Required with `certificateArn`. */
    domainName?: pulumi.Input<string>;
    /** ACM certificate of `domainName` for HTTPS on 443 (port 80 then only redirects). Default: HTTP on 80 only. */
    certificateArn?: pulumi.Input<string>;
    /** A Route 53 hosted zone: when set, an alias record points `domainName` at the load balancer. */
    hostedZoneId?: pulumi.Input<string>;
    /** The non-root `uid[:gid]` the container runs as. Default `65532:65532`. */
    user?: pulumi.Input<string>;
    /** Days CloudWatch keeps the service's logs. Default 30. */
    logRetentionDays?: pulumi.Input<number>;
    /** An existing ECS cluster ARN. Default: a cluster of its own. */
    clusterArn?: pulumi.Input<string>;
    /** Wait until each slot's service reaches a steady state, so `pulumi up` fails on unhealthy tasks. Default true. */
    waitForSteadyState?: boolean;
}

/** Args of AwsContainerService: the shared container service args plus the AWS specifics. */
export interface AwsContainerServiceArgs extends ContainerServiceArgs, AwsServiceSpecifics {}
