/**
 * InstanceGroup: the cloud-neutral facade over the three blue-green groups of phoenix servers. One args shape (the
 * shared slots, each pinned to a machine image of the cloud, port, health path, env, secret references, scaling,
 * lifetime, rotation, chaos, labels) plus the chosen cloud's specifics; it creates AwsInstanceGroup,
 * GcpInstanceGroup or AzureInstanceGroup as its child, loading only that cloud's component and SDK. Use the
 * per-cloud class directly for its escape hatches (component outputs may only be @pulumi resources).
 */
import * as pulumi from "@pulumi/pulumi";
import type { AwsInstanceGroupArgs } from "./aws/instanceGroup";
import type { AzureInstanceGroupArgs } from "./azure/instanceGroup";
import type { GcpInstanceGroupArgs } from "./gcp/instanceGroup";
import { Cloud } from "./core/clouds";
import type { InstanceGroupArgs } from "./core/instanceGroupArgs";
import { componentType } from "./core/packageName";
import type { SlotOutputs } from "./core/slotOutputs";
import { Validator } from "./core/validation";

/** AWS specifics of {@link InstanceGroup}. */
export interface InstanceGroupAwsArgs {
    /** The VPC of the load balancer and the instances. */
    vpcId: pulumi.Input<string>;
    /** Subnets of the load balancer (and of the instances unless `instanceSubnetIds`). */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Subnets of the instances (private). Default: `subnetIds`. */
    instanceSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** The EC2 instance type. Default `t3.small`. */
    instanceType?: pulumi.Input<string>;
    /** ACM certificate for HTTPS on 443. Default: HTTP on 80 only. */
    certificateArn?: pulumi.Input<string>;
}

/** GCP specifics of {@link InstanceGroup}. */
export interface InstanceGroupGcpArgs {
    /** The region of the managed instance groups. */
    region: pulumi.Input<string>;
    /** The project. Default: the provider's. */
    project?: pulumi.Input<string>;
    /** The VPC network. Default `default`. */
    network?: pulumi.Input<string>;
    /** The subnetwork of the instances. */
    subnetwork?: pulumi.Input<string>;
    /** The machine type. Default `e2-small`. */
    machineType?: pulumi.Input<string>;
}

/** Azure specifics of {@link InstanceGroup}. */
export interface InstanceGroupAzureArgs {
    /** The resource group of every resource. */
    resourceGroupName: pulumi.Input<string>;
    /** The Azure region. Default: the resource group's. */
    location?: pulumi.Input<string>;
    /** The subnet of the instances (resource id). */
    subnetId: pulumi.Input<string>;
    /** The VM size. Default `Standard_B2s`. */
    vmSize?: pulumi.Input<string>;
}

/** Args of {@link InstanceGroup}: the shared args, the cloud, and that cloud's specifics. */
export interface InstanceGroupFacadeArgs extends InstanceGroupArgs {
    /** The cloud to deploy to. */
    cloud: Cloud;
    /** Required when `cloud` is aws. */
    aws?: InstanceGroupAwsArgs;
    /** Required when `cloud` is gcp. */
    gcp?: InstanceGroupGcpArgs;
    /** Required when `cloud` is azure. */
    azure?: InstanceGroupAzureArgs;
}

/** A blue-green group of phoenix servers on the chosen cloud; see the module comment. */
export class InstanceGroup extends pulumi.ComponentResource implements SlotOutputs {
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

    constructor(name: string, args: InstanceGroupFacadeArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("InstanceGroup"), name, {}, opts);
        const v = new Validator("InstanceGroup", name);
        const { cloud, aws, gcp, azure, ...shared } = args;
        const parent = { parent: this };
        let inner: SlotOutputs;
        switch (cloud) {
            case Cloud.Aws: {
                const { AwsInstanceGroup } = require("./aws/instanceGroup") as typeof import("./aws/instanceGroup");
                const a: AwsInstanceGroupArgs = {
                    ...shared,
                    ...(aws ?? v.fail("aws", "is required when cloud is aws")),
                };
                inner = new AwsInstanceGroup(name, a, parent);
                break;
            }
            case Cloud.Gcp: {
                const { GcpInstanceGroup } = require("./gcp/instanceGroup") as typeof import("./gcp/instanceGroup");
                const a: GcpInstanceGroupArgs = {
                    ...shared,
                    ...(gcp ?? v.fail("gcp", "is required when cloud is gcp")),
                };
                inner = new GcpInstanceGroup(name, a, parent);
                break;
            }
            case Cloud.Azure: {
                const { AzureInstanceGroup } =
                    require("./azure/instanceGroup") as typeof import("./azure/instanceGroup");
                const a: AzureInstanceGroupArgs = {
                    ...shared,
                    ...(azure ?? v.fail("azure", "is required when cloud is azure")),
                };
                inner = new AzureInstanceGroup(name, a, parent);
                break;
            }
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
