/**
 * AzureInstanceGroup: phoenix servers on Azure virtual machine scale sets, blue-green behind a Standard Load
 * Balancer.
 *
 * Each slot is a scale set (Uniform orchestration) booting the slot's gallery image version, in a backend pool of
 * its own. Azure's load balancer has no weights: its traffic rule (port 80) names the live slot's pool and its
 * smoke rule (port 8081) the idle slot's, so a flip of `live` changes only the load balancer, instantly, and a
 * canary weight is refused. (Two rules may not send to one pool's backend port without floating IP, so each pool
 * has exactly one rule: https://learn.microsoft.com/azure/load-balancer/load-balancer-multivip-overview.)
 *
 * Uniform, not Flexible: the rolling upgrade policy with MaxSurge and health gating on the load balancer's probe,
 * rollback on a policy breach and automatic instance repairs are what phoenix servers need, and Uniform has had
 * them longest; Flexible's mixing of VM sizes and single VMs is not needed for identical instances of one image.
 *
 * Phoenix: a release changes the scale set's image reference, and the `Rolling` upgrade policy (MaxSurge: new
 * instances first) replaces every instance; automatic OS upgrades are off (the image is the release); the daily
 * rotation and chaos are Logic Apps (./rotation.ts). Instances: password authentication off (Azure requires a key:
 * one nobody holds, ./instanceBoot.ts), no public IP, the port open to the load balancer's traffic only, Trusted
 * Launch (Secure Boot, vTPM), a user-assigned identity for Key Vault (grant it *Key Vault Secrets User*), a boot
 * script (customData for cloud-init) that only fetches configuration and secrets.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as compute from "@pulumi/azure-native/compute";
import type * as logic from "@pulumi/azure-native/logic";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as monitor from "@pulumi/azure-native/monitor";
import * as network from "@pulumi/azure-native/network";
import type * as azureTypes from "@pulumi/azure-native/types";
import * as pulumi from "@pulumi/pulumi";
import { Cloud } from "../core/clouds";
import {
    GROUP_TAG,
    type GroupSettings,
    groupPrefix,
    groupSettings,
    groupSlot,
    type GroupSlotContext,
    type InstanceGroupArgs,
    resolveGroupSlots,
} from "../core/instanceGroupArgs";
import { definedOutputs } from "../core/outputs";
import { componentType } from "../core/packageName";
import { type SlotOutputs, slotOutputs } from "../core/slotOutputs";
import { isKnown, presentSlots, Slot, type SlotPlan, type SlotRelease } from "../core/slots";
import { Validator } from "../core/validation";
import { ADMIN_USER, AZURE_BOOT_HELPERS, azureSecretFetch, unusableSshPublicKey } from "./instanceBoot";
import type { InstanceGroupAzureArgs } from "./instanceGroupArgs";
import { scheduledLogicApps } from "./rotation";
import { keyVaultSecretUrls } from "./secretRefs";

const COMPONENT = "AzureInstanceGroup";

/** The frontend port that reaches the idle slot (smoke tests before the flip); the live slot answers on 80. */
export const IDLE_PORT = 8081;

export type { InstanceGroupAzureArgs } from "./instanceGroupArgs";

/** Args of {@link AzureInstanceGroup}: the shared instance group args plus the Azure specifics. */
export interface AzureInstanceGroupArgs extends InstanceGroupArgs, InstanceGroupAzureArgs {}

/** A blue-green group of phoenix scale sets behind a Standard Load Balancer; see the module comment. */
export class AzureInstanceGroup extends pulumi.ComponentResource implements SlotOutputs {
    /** The URL that takes the live traffic (the load balancer's public IP). */
    public readonly url!: pulumi.Output<string>;
    /** Per slot holding a release: a URL that reaches only that slot (its own frontend port). */
    public readonly smokeTestUrls!: pulumi.Output<Record<string, string>>;
    /** The slot taking the traffic. */
    public readonly liveSlot!: pulumi.Output<string>;
    /** Traffic percent per slot (100 for the live slot: Azure's load balancer has no weights). */
    public readonly trafficWeights!: pulumi.Output<Record<string, number>>;
    /** The release version per slot. */
    public readonly slotVersions!: pulumi.Output<Record<string, string>>;
    /** The load balancer; its traffic rule names the live slot's pool (the only resource a flip changes). */
    public readonly loadBalancer: network.LoadBalancer;
    /** The load balancer's public IP. */
    public readonly publicIp: network.PublicIPAddress;
    /** The network security group of the instances. */
    public readonly securityGroup: network.NetworkSecurityGroup;
    /** The scale set per slot. */
    public readonly scaleSets: Record<string, compute.VirtualMachineScaleSet>;
    /** The identity the instances read Key Vault secrets with (grant it *Key Vault Secrets User*). */
    public readonly identity: managedidentity.UserAssignedIdentity;
    /** The Logic App of the daily rotation. */
    public readonly rotation: logic.Workflow;

    constructor(name: string, args: AzureInstanceGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType(COMPONENT), name, {}, opts);
        const v = new Validator(COMPONENT, name);
        const plan = azureSlotPlan(v, name, args);
        const settings = groupSettings(v, args);
        v.required(args, ["resourceGroupName", "subnetId"]);
        const secretUrls = keyVaultSecretUrls(v, args.secrets ?? {});
        const prefix = groupPrefix(name);
        const tags: Record<string, pulumi.Input<string>> = { ...settings.labels, [GROUP_TAG]: name };
        const subscription = authorization.getClientConfigOutput({ parent: this }).subscriptionId;
        const c: AzureGroupContext = { name, prefix, parent: this, args, settings, tags };
        const lbId = pulumi.interpolate`/subscriptions/${subscription}/resourceGroups/${args.resourceGroupName}/providers/Microsoft.Network/loadBalancers/${prefix}-lb`;
        const lbChild = (kind: string, child: string) => pulumi.interpolate`${lbId}/${kind}/${child}`;
        [this.identity, this.publicIp, this.securityGroup] = frontDoor(c);
        const present = presentSlots(args);
        this.loadBalancer = new network.LoadBalancer(
            `${name}-lb`,
            loadBalancerArgs(`${prefix}-lb`, args, settings, present, plan, this.publicIp, lbChild, tags),
            { parent: this },
        );
        const fetches = pulumi.all([pulumi.all(secretUrls), this.identity.clientId]).apply(([urls, clientId]) =>
            Object.keys(urls)
                .sort()
                .map((key) => azureSecretFetch(key, urls[key], clientId)),
        );
        this.scaleSets = azureGroupSlots(
            c,
            { v, cloud: Cloud.Azure, args, settings, plan, tags, secrets: fetches, helpers: AZURE_BOOT_HELPERS },
            {
                slots: present,
                identity: this.identity,
                nsg: this.securityGroup,
                lbChild,
                loadBalancer: this.loadBalancer,
            },
        );
        this.rotation = scheduledLogicApps({
            name: prefix,
            parent: this,
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            scaleSets: present.map((s) => this.scaleSets[s]),
            rotationHourUtc: settings.rotationHourUtc,
            chaosHourUtc: settings.chaosHourUtc,
            tags,
        });
        const outputs = slotOutputs(plan, pulumi.interpolate`http://${this.publicIp.ipAddress}`, (url) => url);
        outputs.smokeTestUrls = idlePortUrls(outputs.url, plan);
        Object.assign(this, outputs);
        this.registerOutputs(
            definedOutputs({
                ...outputs,
                loadBalancer: this.loadBalancer,
                publicIp: this.publicIp,
                securityGroup: this.securityGroup,
                scaleSets: this.scaleSets,
                identity: this.identity,
                rotation: this.rotation,
            }),
        );
    }
}

/**
 * The slot plan, refusing a canary weight (plain now, an Output when the plan resolves): Azure's load balancer
 * has no weights.
 */
function azureSlotPlan(v: Validator, name: string, args: AzureInstanceGroupArgs): pulumi.Output<SlotPlan> {
    const noCanary = (weight: unknown) =>
        v.fail(
            "canaryWeight",
            `is ${weight}, but Azure's load balancer has no weights: a slot takes all the traffic or none (use 0, or a Front Door / Traffic Manager in front for a canary)`,
        );
    if (isKnown(args.canaryWeight) && args.canaryWeight !== undefined && args.canaryWeight !== 0) {
        noCanary(args.canaryWeight);
    }
    return resolveGroupSlots(COMPONENT, name, args, Cloud.Azure).apply((p) =>
        (p.weights[p.idle] ?? 0) > 0 ? noCanary(p.weights[p.idle]) : p,
    );
}

/** Per slot: the live slot's URL, and the idle slot's on {@link IDLE_PORT} (a flip swaps the two rules' pools). */
function idlePortUrls(
    url: pulumi.Output<string>,
    plan: pulumi.Output<SlotPlan>,
): pulumi.Output<Record<string, string>> {
    return pulumi
        .all([url, plan])
        .apply(([u, p]) => Object.fromEntries(p.slots.map((s) => [s, s === p.live ? u : `${u}:${IDLE_PORT}`])));
}

/** What the group's builders share. */
interface AzureGroupContext {
    name: string;
    /** The prefix of resource names (a DNS label). */
    prefix: string;
    parent: pulumi.Resource;
    args: AzureInstanceGroupArgs;
    settings: GroupSettings;
    tags: Record<string, pulumi.Input<string>>;
}

/**
 * What stands before the scale sets: the instances' identity, the load balancer's public IP and the instances'
 * network security group (the service port only).
 */
function frontDoor(
    c: AzureGroupContext,
): [managedidentity.UserAssignedIdentity, network.PublicIPAddress, network.NetworkSecurityGroup] {
    const place = { resourceGroupName: c.args.resourceGroupName, location: c.args.location };
    const parent = { parent: c.parent };
    const identity = new managedidentity.UserAssignedIdentity(`${c.name}-vm`, { ...place, tags: c.tags }, parent);
    const publicIp = new network.PublicIPAddress(
        `${c.name}-ip`,
        {
            ...place,
            sku: { name: "Standard", tier: "Regional" },
            publicIPAllocationMethod: "Static",
            publicIPAddressVersion: "IPv4",
            tags: c.tags,
        },
        parent,
    );
    const securityGroup = new network.NetworkSecurityGroup(
        `${c.name}-instances`,
        {
            ...place,
            securityRules: [
                {
                    name: "service-port",
                    description: "the service port: the load balancer passes clients through (no other port)",
                    priority: 100,
                    direction: "Inbound",
                    access: "Allow",
                    protocol: "Tcp",
                    sourceAddressPrefix: "Internet",
                    sourcePortRange: "*",
                    destinationAddressPrefix: "*",
                    destinationPortRange: pulumi.output(c.settings.port).apply(String),
                },
            ],
            tags: c.tags,
        },
        parent,
    );
    return [identity, publicIp, securityGroup];
}

/**
 * The load balancer: a pool and an outbound rule per slot (the instances reach Key Vault through it), the health
 * probe, the traffic rule on port 80 to the live slot's pool and the smoke rule on {@link IDLE_PORT} to the idle
 * slot's (the only inputs a flip changes).
 */
function loadBalancerArgs(
    lbName: string,
    args: AzureInstanceGroupArgs,
    settings: GroupSettings,
    slots: Slot[],
    plan: pulumi.Output<SlotPlan>,
    publicIp: network.PublicIPAddress,
    child: (kind: string, name: string) => pulumi.Output<string>,
    tags: Record<string, pulumi.Input<string>>,
): network.LoadBalancerArgs {
    const frontend = { id: child("frontendIPConfigurations", "public") };
    const probe = { id: child("probes", "health") };
    const rule = (name: string, frontendPort: number, pool: pulumi.Input<string>) => ({
        name,
        protocol: "Tcp",
        frontendPort,
        backendPort: settings.port,
        frontendIPConfiguration: frontend,
        backendAddressPool: { id: pool },
        probe,
        disableOutboundSnat: true,
        enableTcpReset: true,
        idleTimeoutInMinutes: 4,
    });
    return {
        loadBalancerName: lbName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: "Standard", tier: "Regional" },
        frontendIPConfigurations: [{ name: "public", publicIPAddress: { id: publicIp.id } }],
        backendAddressPools: slots.map((slot) => ({ name: slot })),
        probes: [
            {
                name: "health",
                protocol: "Http",
                port: settings.port,
                requestPath: settings.healthPath,
                intervalInSeconds: 5,
                numberOfProbes: 2,
                probeThreshold: 2,
            },
        ],
        loadBalancingRules: plan.apply((p) => [
            rule("traffic", 80, child("backendAddressPools", p.live)),
            ...(p.releases[p.idle] ? [rule("smoke-idle", IDLE_PORT, child("backendAddressPools", p.idle))] : []),
        ]),
        outboundRules: slots.map((slot) => ({
            name: `outbound-${slot}`,
            protocol: "All",
            frontendIPConfigurations: [frontend],
            backendAddressPool: { id: child("backendAddressPools", slot) },
            allocatedOutboundPorts: 1024,
        })),
        tags,
    };
}

/** What every slot's scale set is wired to. */
interface SlotWiring {
    slots: Slot[];
    identity: managedidentity.UserAssignedIdentity;
    nsg: network.NetworkSecurityGroup;
    /** The id of a child of the load balancer (its pools and probe). */
    lbChild: (kind: string, child: string) => pulumi.Output<string>;
    loadBalancer: network.LoadBalancer;
}

/** Per slot holding a release: its scale set (in its own backend pool) and its CPU autoscaling. */
function azureGroupSlots(
    c: AzureGroupContext,
    slotContext: GroupSlotContext,
    w: SlotWiring,
): Record<string, compute.VirtualMachineScaleSet> {
    const scaleSets: Record<string, compute.VirtualMachineScaleSet> = {};
    for (const slot of w.slots) {
        const s = groupSlot(slotContext, slot);
        scaleSets[slot] = scaleSet(c, slot, {
            release: s.release,
            customData: s.script.apply((script) => Buffer.from(script).toString("base64")),
            tags: s.tags,
            identity: w.identity,
            nsg: w.nsg,
            pool: w.lbChild("backendAddressPools", slot),
            probe: w.lbChild("probes", "health"),
            dependsOn: [w.loadBalancer],
        });
        autoscale(c.parent, c.name, slot, c.args, c.settings, scaleSets[slot], c.tags);
    }
    return scaleSets;
}

/** What a slot's scale set is made of. */
interface ScaleSetInputs {
    release: pulumi.Output<SlotRelease>;
    /** The boot script, base64. */
    customData: pulumi.Output<string>;
    tags: pulumi.Output<Record<string, string>>;
    identity: managedidentity.UserAssignedIdentity;
    nsg: network.NetworkSecurityGroup;
    pool: pulumi.Input<string>;
    probe: pulumi.Input<string>;
    dependsOn: pulumi.Resource[];
}

/**
 * Rolling upgrades with MaxSurge (new instances first), a third at a time, rolled back on a policy breach;
 * automatic OS upgrades off (the image is the release).
 */
const UPGRADE_POLICY: azureTypes.input.compute.UpgradePolicyArgs = {
    mode: "Rolling",
    rollingUpgradePolicy: {
        maxSurge: true,
        maxBatchInstancePercent: 34,
        maxUnhealthyInstancePercent: 34,
        maxUnhealthyUpgradedInstancePercent: 34,
        pauseTimeBetweenBatches: "PT30S",
        prioritizeUnhealthyInstances: true,
        rollbackFailedInstancesOnPolicyBreach: true,
    },
    automaticOSUpgradePolicy: { enableAutomaticOSUpgrade: false },
};

/** A slot's scale set: the image version, rolling upgrades, repairs, the oldest instances scaled in first. */
function scaleSet(c: AzureGroupContext, slot: Slot, i: ScaleSetInputs): compute.VirtualMachineScaleSet {
    return new compute.VirtualMachineScaleSet(
        `${c.name}-${slot}`,
        {
            vmScaleSetName: `${c.prefix}-${slot}`,
            resourceGroupName: c.args.resourceGroupName,
            location: c.args.location,
            orchestrationMode: "Uniform",
            sku: { name: c.args.vmSize ?? "Standard_B2s", tier: "Standard", capacity: c.settings.minInstances },
            overprovision: false,
            singlePlacementGroup: false,
            identity: { type: "UserAssigned", userAssignedIdentities: [i.identity.id] },
            upgradePolicy: UPGRADE_POLICY,
            automaticRepairsPolicy: { enabled: true, gracePeriod: "PT10M", repairAction: "Replace" },
            scaleInPolicy: { rules: ["OldestVM"], forceDeletion: false },
            virtualMachineProfile: vmProfile(c, slot, i),
            tags: i.tags,
        },
        {
            parent: c.parent,
            dependsOn: i.dependsOn,
            // Autoscale owns the capacity; the rotation owns userData (its time stamp is what rolls the instances).
            ignoreChanges: ["sku.capacity", "virtualMachineProfile.userData"],
        },
    );
}

/**
 * The instances of a slot: the image version, password authentication off (with the key nobody holds), the boot
 * script, no public IP, the slot's pool and the load balancer's probe, Trusted Launch when Secure Boot is on.
 */
function vmProfile(
    c: AzureGroupContext,
    slot: Slot,
    i: ScaleSetInputs,
): azureTypes.input.compute.VirtualMachineScaleSetVMProfileArgs {
    return {
        storageProfile: {
            imageReference: { id: i.release.image },
            osDisk: {
                createOption: "FromImage",
                caching: "ReadWrite",
                deleteOption: "Delete",
                managedDisk: { storageAccountType: "StandardSSD_LRS" },
            },
        },
        osProfile: {
            computerNamePrefix: `${c.prefix.slice(0, 9)}${slot[0]}`,
            adminUsername: ADMIN_USER,
            customData: i.customData,
            linuxConfiguration: {
                disablePasswordAuthentication: true,
                ssh: {
                    publicKeys: [{ path: `/home/${ADMIN_USER}/.ssh/authorized_keys`, keyData: unusableSshPublicKey() }],
                },
            },
        },
        networkProfile: {
            healthProbe: { id: i.probe },
            networkInterfaceConfigurations: [
                {
                    name: "nic",
                    primary: true,
                    networkSecurityGroup: { id: i.nsg.id },
                    ipConfigurations: [
                        {
                            name: "ip",
                            primary: true,
                            subnet: { id: c.args.subnetId },
                            loadBalancerBackendAddressPools: [{ id: i.pool }],
                        },
                    ],
                },
            ],
        },
        securityProfile: pulumi
            .output(c.settings.secureBoot)
            .apply((on) =>
                on
                    ? { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } }
                    : undefined,
            ),
        diagnosticsProfile: { bootDiagnostics: { enabled: true } },
    };
}

/** CPU autoscaling of a slot's scale set between the scaling bounds. */
function autoscale(
    parent: pulumi.Resource,
    name: string,
    slot: Slot,
    args: AzureInstanceGroupArgs,
    settings: GroupSettings,
    vmss: compute.VirtualMachineScaleSet,
    tags: Record<string, pulumi.Input<string>>,
): monitor.AutoscaleSetting {
    const rule = (
        direction: monitor.ScaleDirection,
        operator: monitor.ComparisonOperationType,
        threshold: number,
    ): azureTypes.input.monitor.ScaleRuleArgs => ({
        metricTrigger: {
            metricName: "Percentage CPU",
            metricResourceUri: vmss.id,
            operator,
            statistic: monitor.MetricStatisticType.Average,
            threshold,
            timeAggregation: monitor.TimeAggregationType.Average,
            timeGrain: "PT1M",
            timeWindow: "PT5M",
        },
        scaleAction: { direction, type: monitor.ScaleType.ChangeCount, value: "1", cooldown: "PT5M" },
    });
    return new monitor.AutoscaleSetting(
        `${name}-${slot}`,
        {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            targetResourceUri: vmss.id,
            enabled: true,
            profiles: [
                {
                    name: "cpu",
                    capacity: {
                        minimum: pulumi.output(settings.minInstances).apply(String),
                        maximum: pulumi.output(settings.maxInstances).apply(String),
                        default: pulumi.output(settings.minInstances).apply(String),
                    },
                    rules: [
                        rule(monitor.ScaleDirection.Increase, monitor.ComparisonOperationType.GreaterThan, 60),
                        rule(monitor.ScaleDirection.Decrease, monitor.ComparisonOperationType.LessThan, 25),
                    ],
                },
            ],
            tags,
        },
        { parent },
    );
}
