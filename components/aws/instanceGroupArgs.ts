/**
 * What only AWS needs beside the shared instance group args, declared once and used by both AwsInstanceGroup and
 * the cloud-neutral facade (InstanceGroup `aws: {...}`).
 */
import type * as pulumi from "@pulumi/pulumi";

/** The AWS specifics of an instance group: the network, the instance type, HTTPS. */
export interface InstanceGroupAwsArgs {
    /** The VPC of the load balancer and the instances. */
    vpcId: pulumi.Input<string>;
    /** Subnets of the load balancer (public subnets in at least two availability zones), and of the instances unless `instanceSubnetIds`. */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Subnets of the instances (private, with a NAT gateway or VPC endpoints to reach the secrets). Default: `subnetIds`. */
    instanceSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** The EC2 instance type. Default `t3.small`. */
    instanceType?: pulumi.Input<string>;
    /** ACM certificate for HTTPS on 443 (then port 80 only redirects). Default: HTTP on 80 only. */
    certificateArn?: pulumi.Input<string>;
}
