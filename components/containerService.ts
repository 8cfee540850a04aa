/**
 * ContainerService: the cloud-neutral facade over the three blue-green container services. One args shape
 * (the shared slots, port, health path, env, secret references, scaling, labels) plus the chosen cloud's
 * specifics; it creates AwsContainerService, GcpContainerService or AzureContainerService as its child (use
 * the per-cloud class directly for its escape hatches: component outputs may only be @pulumi resources).
 */
import * as pulumi from "@pulumi/pulumi";
import { AwsContainerService } from "./aws/containerService";
import { AzureContainerService } from "./azure/containerService";
import { GcpContainerService } from "./gcp/containerService";
import { Cloud } from "./core/clouds";
import type { ContainerServiceArgs } from "./core/serviceArgs";
import { Validator } from "./core/validation";
import { componentType } from "./core/packageName";

/** AWS specifics of {@link ContainerService}. */
export interface ContainerServiceAwsArgs {
    /** The VPC of the load balancer, the target groups and the tasks. */
    vpcId: pulumi.Input<string>;
    /** Subnets of the load balancer (and of the tasks unless `taskSubnetIds`). */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Subnets of the tasks. Default: `subnetIds`. */
    taskSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Give tasks a public IP (subnets without a NAT gateway). Default false. */
    assignPublicIp?: pulumi.Input<boolean>;
    /** ACM certificate for HTTPS on 443. Default: HTTP on 80 only. */
    certificateArn?: pulumi.Input<string>;
}

/** GCP specifics of {@link ContainerService}. */
export interface ContainerServiceGcpArgs {
    /** The Cloud Run region. */
    region: pulumi.Input<string>;
    /** The project. Default: the provider's. */
    project?: pulumi.Input<string>;
    /** Let anyone invoke the service. Default false. */
    allowUnauthenticated?: pulumi.Input<boolean>;
    /** Refuse to destroy the service. Default true. */
    deletionProtection?: pulumi.Input<boolean>;
}

/** Azure specifics of {@link ContainerService}. */
export interface ContainerServiceAzureArgs {
    /** The resource group of every resource. */
    resourceGroupName: pulumi.Input<string>;
    /** The Azure region. Default: the resource group's. */
    location?: pulumi.Input<string>;
    /** An existing Container Apps environment. Default: one of its own with Log Analytics. */
    managedEnvironmentId?: pulumi.Input<string>;
}

/** Args of {@link ContainerService}: the shared args, the cloud, and that cloud's specifics. */
export interface ContainerServiceFacadeArgs extends ContainerServiceArgs {
    /** The cloud to deploy to. */
    cloud: Cloud;
    /** Required when `cloud` is aws. */
    aws?: ContainerServiceAwsArgs;
    /** Required when `cloud` is gcp. */
    gcp?: ContainerServiceGcpArgs;
    /** Required when `cloud` is azure. */
    azure?: ContainerServiceAzureArgs;
}

/** A blue-green container service on the chosen cloud; see the module comment. */
export class ContainerService extends pulumi.ComponentResource {
    /** The URL that takes the live traffic. */
    public readonly url: pulumi.Output<string>;
    /** Per slot holding a release: a URL that reaches only that slot. */
    public readonly smokeTestUrls: pulumi.Output<Record<string, string>>;
    /** The slot taking the traffic. */
    public readonly liveSlot: pulumi.Output<string>;
    /** Traffic percent per slot. */
    public readonly trafficWeights: pulumi.Output<Record<string, number>>;
    /** The release version per slot. */
    public readonly slotVersions: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: ContainerServiceFacadeArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("ContainerService"), name, {}, opts);
        const v = new Validator("ContainerService", name);
        const { cloud, aws, gcp, azure, ...shared } = args;
        const parent = { parent: this };
        let inner: AwsContainerService | GcpContainerService | AzureContainerService;
        switch (cloud) {
            case Cloud.Aws:
                inner = new AwsContainerService(
                    name,
                    { ...shared, ...(aws ?? v.fail("aws", "is required when cloud is aws")) },
                    parent,
                );
                break;
            case Cloud.Gcp:
                inner = new GcpContainerService(
                    name,
                    { ...shared, ...(gcp ?? v.fail("gcp", "is required when cloud is gcp")) },
                    parent,
                );
                break;
            case Cloud.Azure:
                inner = new AzureContainerService(
                    name,
                    { ...shared, ...(azure ?? v.fail("azure", "is required when cloud is azure")) },
                    parent,
                );
                break;
            default:
                inner = v.fail("cloud", `must be "aws", "gcp" or "azure", got ${JSON.stringify(cloud)}`);
        }
        this.url = inner.url;
        this.smokeTestUrls = inner.smokeTestUrls;
        this.liveSlot = inner.liveSlot;
        this.trafficWeights = inner.trafficWeights;
        this.slotVersions = inner.slotVersions;
        this.registerOutputs({
            url: this.url,
            smokeTestUrls: this.smokeTestUrls,
            liveSlot: this.liveSlot,
            trafficWeights: this.trafficWeights,
            slotVersions: this.slotVersions,
        });
    }
}
