/**
 * One adapter per cloud for the instance group specs (AwsInstanceGroup, GcpInstanceGroup, AzureInstanceGroup),
 * so each behaviour is written once and run on every cloud: how to create the group from the shared args, what a
 * pinned machine image of the cloud looks like, and where each behaviour shows in the registered inputs (the
 * traffic resource, the slot's template, its boot script and provenance tags).
 */
import { createHash } from "node:crypto";
import { synthesize, type SynthesizedResource, type Synthesis } from "../../bin/lib/synthesize";
import { AwsInstanceGroup } from "../../components/aws/instanceGroup";
import { AzureInstanceGroup } from "../../components/azure/instanceGroup";
import { Cloud } from "../../components/core/clouds";
import type { InstanceGroupArgs, MachineImageSlotArgs } from "../../components/core/instanceGroupArgs";
import type { SecretRefArgs } from "../../components/core/serviceArgs";
import type { SlotOutputs } from "../../components/core/slotOutputs";
import { Slot } from "../../components/core/slots";
import { GcpInstanceGroup } from "../../components/gcp/instanceGroup";
import { AWS_NETWORK, byType, plain } from "./support/clouds";

/** The sha256 of a release's raw disk, as the bake would record it (deterministic per version). */
export function diskSha256(version: string): string {
    return `sha256:${createHash("sha256").update(`disk ${version}`).digest("hex")}`;
}

/** The git commit of a release (deterministic per version). */
export function commitOf(version: string): string {
    return createHash("sha1").update(`commit ${version}`).digest("hex");
}

/** The Azure subnet of the specs. */
export const AZURE_SUBNET =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-spec/providers/Microsoft.Network/virtualNetworks/vnet/subnets/instances";

/** What the instance group specs need to know about one cloud. */
export interface VmAdapter {
    cloud: Cloud;
    component: string;
    /** A pinned machine image of this cloud for a release. */
    image(version: string): string;
    /** Creates the group with the shared args plus the cloud's required specifics. */
    create(name: string, args: InstanceGroupArgs): SlotOutputs;
    /** The one resource a flip changes, and its leaf paths that carry the split. */
    trafficType: string;
    trafficPath: RegExp;
    /** Top-level inputs of the traffic resource whose change replaces it (provider docs, as for the services). */
    replaceKeys: string[];
    /** The type of a slot's template (what a release changes). */
    templateType: string;
    /** The template of a slot. */
    template(s: Synthesis, slot: Slot): SynthesizedResource;
    /** The image a template boots. */
    templateImage(r: SynthesizedResource): string;
    /** The provenance tags / labels the instances of a template carry. */
    templateTags(r: SynthesizedResource): Record<string, string>;
    /** The boot script a template hands its instances (decoded). */
    bootScript(r: SynthesizedResource): string;
    /** Which slot takes how much traffic, read from the traffic resource. */
    weights(s: Synthesis): Record<string, number>;
    /** A secret reference of this cloud and what the boot script must fetch by. */
    secretRef: SecretRefArgs;
    fetchedBy: string;
}

/** The slot release the specs deploy: a version, its image on `a`'s cloud, the disk's sha256 and commit. */
export function release(a: VmAdapter, version: string): MachineImageSlotArgs {
    return { version, image: a.image(version), sha256: diskSha256(version), gitSha: commitOf(version) };
}

const hex = (text: string, n: number) => createHash("sha256").update(text).digest("hex").slice(0, n);

const aws: VmAdapter = {
    cloud: Cloud.Aws,
    component: "AwsInstanceGroup",
    image: (v) => `ami-${hex(v, 17)}`,
    create: (name, args) =>
        new AwsInstanceGroup(name, {
            ...args,
            vpcId: AWS_NETWORK.vpcId,
            subnetIds: AWS_NETWORK.albSubnetIds,
            instanceSubnetIds: AWS_NETWORK.taskSubnetIds,
        }),
    trafficType: "aws:lb/listener:Listener",
    trafficPath: /^defaultActions\[0\]\.forward\.targetGroups\[\d+\]\.weight$/,
    replaceKeys: ["loadBalancerArn"],
    templateType: "aws:ec2/launchTemplate:LaunchTemplate",
    template: (s, slot) => byType(s, "aws:ec2/launchTemplate:LaunchTemplate").find((r) => r.name.endsWith(`-${slot}`))!,
    templateImage: (r) => plain(r.inputs).imageId,
    templateTags: (r) => plain(r.inputs).tagSpecifications.find((t: any) => t.resourceType === "instance").tags,
    bootScript: (r) => Buffer.from(plain(r.inputs).userData, "base64").toString(),
    weights: (s) => {
        const listener = byType(s, "aws:lb/listener:Listener").find(
            (r) => plain(r.inputs).defaultActions?.[0]?.type === "forward",
        )!;
        const groups = byType(s, "aws:lb/targetGroup:TargetGroup");
        return Object.fromEntries(
            plain(listener.inputs).defaultActions[0].forward.targetGroups.map((t: any) => [
                /-(blue|green)$/.exec(groups.find((g) => g.outputs.arn === t.arn)!.name)![1],
                t.weight,
            ]),
        );
    },
    secretRef: { ref: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api/db-AbCdEf" },
    fetchedBy:
        "aws secretsmanager get-secret-value --region us-east-1 --secret-id 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api/db-AbCdEf'",
};

const gcp: VmAdapter = {
    cloud: Cloud.Gcp,
    component: "GcpInstanceGroup",
    image: (v) => `projects/immutable-mock/global/images/api-${v.replace(/\./g, "-")}-${hex(v, 12)}`,
    create: (name, args) => new GcpInstanceGroup(name, { ...args, region: "us-central1" }),
    trafficType: "gcp:compute/uRLMap:URLMap",
    trafficPath: /^(defaultRouteAction|pathMatchers\[0\]\.defaultRouteAction)\.weightedBackendServices\[\d+\]\.weight$/,
    // URL maps: name and project force a new map; route actions update in place (Terraform google_compute_url_map).
    replaceKeys: ["name", "project"],
    templateType: "gcp:compute/instanceTemplate:InstanceTemplate",
    template: (s, slot) =>
        byType(s, "gcp:compute/instanceTemplate:InstanceTemplate").find((r) => r.name.endsWith(`-${slot}`))!,
    templateImage: (r) => plain(r.inputs).disks.find((d: any) => d.boot).sourceImage,
    templateTags: (r) => plain(r.inputs).labels,
    bootScript: (r) => plain(r.inputs).metadata["user-data"],
    weights: (s) => {
        const map = plain(byType(s, "gcp:compute/uRLMap:URLMap")[0].inputs);
        const services = byType(s, "gcp:compute/backendService:BackendService");
        return Object.fromEntries(
            map.defaultRouteAction.weightedBackendServices.map((w: any) => [
                /-(blue|green)$/.exec(services.find((b) => b.outputs.id === w.backendService)!.name)![1],
                w.weight,
            ]),
        );
    },
    secretRef: { ref: "api-db-password", version: "3" },
    fetchedBy: "gcp_secret 'projects/immutable-mock/secrets/api-db-password/versions/3'",
};

const azure: VmAdapter = {
    cloud: Cloud.Azure,
    component: "AzureInstanceGroup",
    image: (v) =>
        `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/images/images/api/versions/1.0.${parseInt(hex(v, 6), 16)}`,
    create: (name, args) =>
        new AzureInstanceGroup(name, {
            ...args,
            resourceGroupName: "rg-spec",
            location: "eastus",
            subnetId: AZURE_SUBNET,
        }),
    trafficType: "azure-native:network:LoadBalancer",
    trafficPath: /^loadBalancingRules\[\d+\]\.backendAddressPool\.id$/,
    // A load balancer's name, group and location cannot change in place (ARM resource identity).
    replaceKeys: ["loadBalancerName", "resourceGroupName", "location"],
    templateType: "azure-native:compute:VirtualMachineScaleSet",
    template: (s, slot) =>
        byType(s, "azure-native:compute:VirtualMachineScaleSet").find((r) => r.name.endsWith(`-${slot}`))!,
    templateImage: (r) => plain(r.inputs).virtualMachineProfile.storageProfile.imageReference.id,
    templateTags: (r) => plain(r.inputs).tags,
    bootScript: (r) => Buffer.from(plain(r.inputs).virtualMachineProfile.osProfile.customData, "base64").toString(),
    weights: (s) => {
        const rules = plain(byType(s, "azure-native:network:LoadBalancer")[0].inputs).loadBalancingRules;
        const live = /\/(blue|green)$/.exec(rules.find((r: any) => r.name === "traffic").backendAddressPool.id)![1];
        const slots = byType(s, "azure-native:compute:VirtualMachineScaleSet").map(
            (r) => /-(blue|green)$/.exec(r.name)![1],
        );
        return Object.fromEntries(slots.map((slot) => [slot, slot === live ? 100 : 0]));
    },
    secretRef: { ref: "https://kv-immutable.vault.azure.net/secrets/db-password" },
    fetchedBy: "azure_secret 'https://kv-immutable.vault.azure.net/secrets/db-password'",
};

/** The three clouds, in table order. */
export const VM_CLOUDS: VmAdapter[] = [aws, gcp, azure];

const syntheses = new Map<string, Promise<Synthesis>>();

/**
 * Synthesizes one group under mocks, once per cloud, args and name in this process (the specs share the
 * fixtures); `fresh` makes a new synthesis (a spec that compares two syntheses of the same args).
 */
export function synthGroup(a: VmAdapter, args: InstanceGroupArgs, name = "api", fresh = false): Promise<Synthesis> {
    const key = JSON.stringify([a.cloud, name, args]);
    if (!fresh && syntheses.has(key)) {
        return syntheses.get(key)!;
    }
    const made = synthesize(
        () => {
            const g = a.create(name, args);
            return {
                url: g.url,
                smokeTestUrls: g.smokeTestUrls,
                liveSlot: g.liveSlot,
                trafficWeights: g.trafficWeights,
            };
        },
        { project: "immutable", stack: "spec" },
    );
    if (!fresh) {
        syntheses.set(key, made);
    }
    return made;
}

/** Blue live on v42, green deployed last on v43, env and a secret: the fixture most specs start from. */
export function twoSlots(
    a: VmAdapter,
    live: Slot = Slot.Blue,
    extra: Partial<InstanceGroupArgs> = {},
): InstanceGroupArgs {
    return {
        blue: release(a, "v42"),
        green: release(a, "v43"),
        live,
        lastDeployed: Slot.Green,
        env: { LOG_LEVEL: "info" },
        secrets: { DB_PASSWORD: a.secretRef },
        ...extra,
    };
}
