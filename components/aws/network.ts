/**
 * The network side of AwsContainerService and AwsInstanceGroup: the two security groups, the load balancer, a
 * target group per slot, the traffic listener (the one resource a flip changes), the per-slot smoke-test rules
 * (`?immutable-slot=<slot>`, core/slotOutputs.ts) and the DNS record. Builders called by the components'
 * constructors; every resource is the component's child.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AWS_SLOT_TAG } from "../core/slotLabels";
import { SLOT_QUERY_KEY } from "../core/slotOutputs";
import { Slot, type SlotPlan } from "../core/slots";

/** Priorities of the per-slot test rules on the traffic listener. */
const RULE_PRIORITY: Record<Slot, number> = { [Slot.Blue]: 10, [Slot.Green]: 20 };

/** What the network builders share. */
export interface NetworkContext {
    name: string;
    parent: pulumi.Resource;
    vpcId: pulumi.Input<string>;
    port: pulumi.Input<number>;
    /** True with a certificate: the listener takes HTTPS on 443 and port 80 only redirects. */
    https: boolean;
    certificateArn: pulumi.Input<string> | undefined;
    tags: Record<string, pulumi.Input<string>>;
}

/** The network context of a component: its VPC, the service port, HTTPS when its args give a certificate. */
export function networkContext(
    name: string,
    parent: pulumi.Resource,
    args: { vpcId: pulumi.Input<string>; certificateArn?: pulumi.Input<string> },
    port: pulumi.Input<number>,
    tags: Record<string, pulumi.Input<string>>,
): NetworkContext {
    const certificateArn = args.certificateArn;
    return { name, parent, vpcId: args.vpcId, port, https: certificateArn !== undefined, certificateArn, tags };
}

/** The load balancer and the security groups. */
export interface AwsNetwork {
    albSecurityGroup: aws.ec2.SecurityGroup;
    taskSecurityGroup: aws.ec2.SecurityGroup;
    loadBalancer: aws.lb.LoadBalancer;
}

/** The ALB (public subnets) and the security groups: the ALB takes 80 (and 443), the tasks only the ALB. */
export function awsNetwork(c: NetworkContext, albSubnetIds: pulumi.Input<pulumi.Input<string>[]>): AwsNetwork {
    const opts = { parent: c.parent };
    const albSecurityGroup = new aws.ec2.SecurityGroup(
        `${c.name}-alb`,
        {
            vpcId: c.vpcId,
            description: `${c.name}: HTTP${c.https ? "/HTTPS" : ""} from the internet to the load balancer`,
            ingress: (c.https ? [80, 443] : [80]).map((port) => ({
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
            tags: c.tags,
        },
        opts,
    );
    const taskSecurityGroup = new aws.ec2.SecurityGroup(
        `${c.name}-tasks`,
        {
            vpcId: c.vpcId,
            description: `${c.name}: the service port, from the load balancer only`,
            ingress: [
                {
                    protocol: "tcp",
                    fromPort: c.port,
                    toPort: c.port,
                    securityGroups: [albSecurityGroup.id],
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
            tags: c.tags,
        },
        opts,
    );
    const loadBalancer = new aws.lb.LoadBalancer(
        `${c.name}-alb`,
        {
            loadBalancerType: "application",
            internal: false,
            subnets: albSubnetIds,
            securityGroups: [albSecurityGroup.id],
            dropInvalidHeaderFields: true,
            tags: c.tags,
        },
        opts,
    );
    return { albSecurityGroup, taskSecurityGroup, loadBalancer };
}

/** One target group per slot holding a release: `ip` targets (Fargate tasks) or `instance` targets (Auto Scaling groups). */
export function awsTargetGroups(
    c: NetworkContext,
    slots: Slot[],
    healthPath: pulumi.Input<string>,
    targetType: "ip" | "instance" = "ip",
): Record<string, aws.lb.TargetGroup> {
    return Object.fromEntries(
        slots.map((slot) => [
            slot,
            new aws.lb.TargetGroup(
                `${c.name}-${slot}`,
                {
                    vpcId: c.vpcId,
                    targetType,
                    protocol: "HTTP",
                    port: c.port,
                    deregistrationDelay: 30,
                    healthCheck: {
                        path: healthPath,
                        matcher: "200-399",
                        interval: 15,
                        healthyThreshold: 2,
                        unhealthyThreshold: 3,
                    },
                    tags: { ...c.tags, [AWS_SLOT_TAG]: slot },
                },
                { parent: c.parent },
            ),
        ]),
    );
}

/**
 * The traffic listener: forwards to the slots' target groups with the plan's weights (the only inputs that
 * depend on `live` and `canaryWeight`). Behind HTTPS it listens on 443 and port 80 only redirects.
 */
export function awsTrafficListener(
    c: NetworkContext,
    loadBalancer: aws.lb.LoadBalancer,
    targetGroups: Record<string, aws.lb.TargetGroup>,
    plan: pulumi.Output<SlotPlan>,
): aws.lb.Listener {
    const opts = { parent: c.parent };
    const forward = {
        type: "forward",
        forward: {
            targetGroups: Object.entries(targetGroups).map(([slot, tg]) => ({
                arn: tg.arn,
                weight: plan.apply((p) => p.weights[slot as Slot] ?? 0),
            })),
        },
    };
    if (!c.https) {
        return new aws.lb.Listener(
            `${c.name}-http`,
            { loadBalancerArn: loadBalancer.arn, port: 80, protocol: "HTTP", defaultActions: [forward], tags: c.tags },
            opts,
        );
    }
    new aws.lb.Listener(
        `${c.name}-http`,
        {
            loadBalancerArn: loadBalancer.arn,
            port: 80,
            protocol: "HTTP",
            defaultActions: [
                { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
            ],
            tags: c.tags,
        },
        opts,
    );
    return new aws.lb.Listener(
        `${c.name}-https`,
        {
            loadBalancerArn: loadBalancer.arn,
            port: 443,
            protocol: "HTTPS",
            certificateArn: c.certificateArn,
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            defaultActions: [forward],
            tags: c.tags,
        },
        opts,
    );
}

/** The listener rule that reaches one slot directly (`?immutable-slot=<slot>`), for smoke tests before the flip. */
export function awsTestRule(
    c: NetworkContext,
    slot: Slot,
    listener: aws.lb.Listener,
    targetGroup: aws.lb.TargetGroup,
    tags: Record<string, pulumi.Input<string>>,
): aws.lb.ListenerRule {
    return new aws.lb.ListenerRule(
        `${c.name}-${slot}-test`,
        {
            listenerArn: listener.arn,
            priority: RULE_PRIORITY[slot],
            conditions: [{ queryStrings: [{ key: SLOT_QUERY_KEY, value: slot }] }],
            actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
            tags,
        },
        { parent: c.parent },
    );
}

/** The Route 53 alias of the service's domain name to the load balancer. */
export function awsDnsRecord(
    c: NetworkContext,
    loadBalancer: aws.lb.LoadBalancer,
    domainName: pulumi.Input<string>,
    hostedZoneId: pulumi.Input<string>,
): aws.route53.Record {
    return new aws.route53.Record(
        `${c.name}-dns`,
        {
            zoneId: hostedZoneId,
            name: domainName,
            type: "A",
            aliases: [{ name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, evaluateTargetHealth: true }],
        },
        { parent: c.parent },
    );
}

/** The load balancer in front of the slots: the network, a target group per slot and the traffic listener. */
export interface AwsLoadBalancing extends AwsNetwork {
    targetGroups: Record<string, aws.lb.TargetGroup>;
    trafficListener: aws.lb.Listener;
}

/**
 * The network, a target group per slot holding a release (`ip` targets for Fargate tasks, `instance` targets for
 * Auto Scaling groups) and the traffic listener that splits between them.
 */
export function awsLoadBalancing(
    c: NetworkContext,
    albSubnetIds: pulumi.Input<pulumi.Input<string>[]>,
    slots: Slot[],
    healthPath: pulumi.Input<string>,
    plan: pulumi.Output<SlotPlan>,
    targetType: "ip" | "instance",
): AwsLoadBalancing {
    const network = awsNetwork(c, albSubnetIds);
    const targetGroups = awsTargetGroups(c, slots, healthPath, targetType);
    const trafficListener = awsTrafficListener(c, network.loadBalancer, targetGroups, plan);
    return { ...network, targetGroups, trafficListener };
}

/** The live URL: HTTPS on `host` behind a certificate, else HTTP (`host` defaults to the load balancer's name). */
export function awsLiveUrl(
    c: NetworkContext,
    loadBalancer: aws.lb.LoadBalancer,
    host?: pulumi.Input<string>,
): pulumi.Output<string> {
    return pulumi.interpolate`${c.https ? "https" : "http"}://${host ?? loadBalancer.dnsName}`;
}
