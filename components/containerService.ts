/**
 * ContainerService: the cloud-neutral facade over the three blue-green container services. One args shape
 * (the shared slots, port, health path, env, secret references, scaling, labels) plus the chosen cloud's
 * specifics, the very interfaces the per-cloud components extend (AwsServiceSpecifics, GcpServiceSpecifics,
 * AzureServiceSpecifics), so no field can be lost between the two. It creates AwsContainerService,
 * GcpContainerService or AzureContainerService as its child (use the per-cloud class directly for its escape
 * hatches: component outputs may only be @pulumi resources).
 *
 * Only the chosen cloud's module is loaded, when the facade is constructed: the per-cloud classes are
 * imported as types, so an AWS-only program never loads @pulumi/gcp or @pulumi/azure-native.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AwsContainerService } from "./aws/containerService";
import type { AwsServiceSpecifics } from "./aws/serviceArgs";
import type { AzureContainerService } from "./azure/containerService";
import type { AzureServiceSpecifics } from "./azure/serviceArgs";
import { Cloud } from "./core/clouds";
import { createOnCloud } from "./core/cloudChoice";
import { componentType } from "./core/packageName";
import type { ContainerServiceArgs } from "./core/serviceArgs";
import { pickSlotOutputs, type SlotOutputs } from "./core/slotOutputs";
import { Validator } from "./core/validation";
import type { GcpContainerService } from "./gcp/containerService";
import type { GcpServiceSpecifics } from "./gcp/serviceArgs";

/** Args of {@link ContainerService}: the shared args, the cloud, and that cloud's specifics. */
export interface ContainerServiceFacadeArgs extends ContainerServiceArgs {
    /** The cloud to deploy to. */
    cloud: Cloud;
    /** Required when `cloud` is aws: the AWS specifics of AwsContainerService. */
    aws?: AwsServiceSpecifics;
    /** Required when `cloud` is gcp: the Cloud Run specifics of GcpContainerService. */
    gcp?: GcpServiceSpecifics;
    /** Required when `cloud` is azure: the Container Apps specifics of AzureContainerService. */
    azure?: AzureServiceSpecifics;
}

/** A blue-green container service on the chosen cloud; see the module comment. */
export class ContainerService extends pulumi.ComponentResource implements SlotOutputs {
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
    /**
     * The identity the application runs as: the task role ARN (AWS), the service account email (GCP), the
     * managed identity's principal id (Azure). Grant it what the application itself reads.
     */
    public readonly runtimeIdentity: pulumi.Output<string>;
    /** Per slot: the revision serving it (Cloud Run / Container Apps; empty on AWS, where a slot is an ECS service). */
    public readonly revisionNames: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: ContainerServiceFacadeArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("ContainerService"), name, {}, opts);
        const inner = createService(new Validator("ContainerService", name), name, args, { parent: this });
        const outputs = pickSlotOutputs(inner);
        Object.assign(this, outputs);
        this.runtimeIdentity = inner.runtimeIdentity;
        this.revisionNames = "revisionNames" in inner ? inner.revisionNames : pulumi.output<Record<string, string>>({});
        this.registerOutputs({
            ...outputs,
            runtimeIdentity: this.runtimeIdentity,
            revisionNames: this.revisionNames,
        });
    }
}

type AwsModule = typeof import("./aws/containerService");
type GcpModule = typeof import("./gcp/containerService");
type AzureModule = typeof import("./azure/containerService");
type CloudService = AwsContainerService | GcpContainerService | AzureContainerService;

/** Loads the chosen cloud's module (and so its SDK) and creates its service as the facade's child. */
function createService(
    v: Validator,
    name: string,
    args: ContainerServiceFacadeArgs,
    opts: pulumi.ComponentResourceOptions,
): CloudService {
    return createOnCloud<ContainerServiceFacadeArgs, CloudService>(v, args, {
        aws: (a) => new (require("./aws/containerService") as AwsModule).AwsContainerService(name, a, opts),
        gcp: (a) => new (require("./gcp/containerService") as GcpModule).GcpContainerService(name, a, opts),
        azure: (a) => new (require("./azure/containerService") as AzureModule).AzureContainerService(name, a, opts),
    });
}
