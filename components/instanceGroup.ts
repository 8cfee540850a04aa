/**
 * InstanceGroup: the cloud-neutral facade over the three blue-green groups of phoenix servers. One args shape (the
 * shared slots, each pinned to a machine image of the cloud, port, health path, env, secret references, scaling,
 * lifetime, rotation, chaos, labels) plus the chosen cloud's specifics, the very interfaces the per-cloud
 * components extend (InstanceGroupAwsArgs, InstanceGroupGcpArgs, InstanceGroupAzureArgs); it creates
 * AwsInstanceGroup, GcpInstanceGroup or AzureInstanceGroup as its child, loading only that cloud's component and
 * SDK. Use the per-cloud class directly for its escape hatches (component outputs may only be @pulumi resources).
 */
import * as pulumi from "@pulumi/pulumi";
import type { InstanceGroupAwsArgs } from "./aws/instanceGroupArgs";
import type { InstanceGroupAzureArgs } from "./azure/instanceGroupArgs";
import { createOnCloud } from "./core/cloudChoice";
import { Cloud } from "./core/clouds";
import type { InstanceGroupArgs } from "./core/instanceGroupArgs";
import { componentType } from "./core/packageName";
import { pickSlotOutputs, type SlotOutputs } from "./core/slotOutputs";
import { Validator } from "./core/validation";
import type { InstanceGroupGcpArgs } from "./gcp/instanceGroupArgs";

export type { InstanceGroupAwsArgs, InstanceGroupAzureArgs, InstanceGroupGcpArgs };

/** Args of {@link InstanceGroup}: the shared args, the cloud, and that cloud's specifics. */
export interface InstanceGroupFacadeArgs extends InstanceGroupArgs {
    /** The cloud to deploy to. */
    cloud: Cloud;
    /** Required when `cloud` is aws: the AWS specifics of AwsInstanceGroup. */
    aws?: InstanceGroupAwsArgs;
    /** Required when `cloud` is gcp: the GCP specifics of GcpInstanceGroup. */
    gcp?: InstanceGroupGcpArgs;
    /** Required when `cloud` is azure: the Azure specifics of AzureInstanceGroup. */
    azure?: InstanceGroupAzureArgs;
}

type AwsModule = typeof import("./aws/instanceGroup");
type GcpModule = typeof import("./gcp/instanceGroup");
type AzureModule = typeof import("./azure/instanceGroup");

/** A blue-green group of phoenix servers on the chosen cloud; see the module comment. */
export class InstanceGroup extends pulumi.ComponentResource implements SlotOutputs {
    /** The URL that takes the live traffic. */
    public readonly url!: pulumi.Output<string>;
    /** Per slot holding a release: a URL that reaches only that slot. */
    public readonly smokeTestUrls!: pulumi.Output<Record<string, string>>;
    /** The slot taking the traffic. */
    public readonly liveSlot!: pulumi.Output<string>;
    /** Traffic percent per slot. */
    public readonly trafficWeights!: pulumi.Output<Record<string, number>>;
    /** The release version per slot. */
    public readonly slotVersions!: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: InstanceGroupFacadeArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("InstanceGroup"), name, {}, opts);
        const parent = { parent: this };
        // Each cloud's module (and so its SDK) is loaded only when that cloud is chosen.
        const inner = createOnCloud<InstanceGroupFacadeArgs, SlotOutputs>(new Validator("InstanceGroup", name), args, {
            aws: (a) => new (require("./aws/instanceGroup") as AwsModule).AwsInstanceGroup(name, a, parent),
            gcp: (a) => new (require("./gcp/instanceGroup") as GcpModule).GcpInstanceGroup(name, a, parent),
            azure: (a) => new (require("./azure/instanceGroup") as AzureModule).AzureInstanceGroup(name, a, parent),
        });
        const outputs = pickSlotOutputs(inner);
        Object.assign(this, outputs);
        this.registerOutputs(outputs);
    }
}
