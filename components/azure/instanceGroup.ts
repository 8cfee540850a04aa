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
import { bootScript } from "../core/bootScript";
import { Cloud } from "../core/clouds";
import {
    type GroupSettings,
    groupSettings,
    type InstanceGroupArgs,
    presentSlots,
    resolveGroupSlots,
    slotProvenanceTags,
} from "../core/instanceGroupArgs";
import { componentType } from "../core/packageName";
import { type SlotOutputs, slotOutputs } from "../core/slotOutputs";
import { dnsLabel, isKnown, Slot, type SlotPlan, type SlotRelease } from "../core/slots";
import { Validator } from "../core/validation";
import {
    ADMIN_USER,
    AZURE_BOOT_HELPERS,
    azureSecretFetch,
    keyVaultSecretUrl,
    unusableSshPublicKey,
} from "./instanceBoot";
import { scheduledLogicApps } from "./rotation";

const COMPONENT = "AzureInstanceGroup";

/** The frontend port that reaches the idle slot (smoke tests before the flip); the live slot answers on 80. */
export const IDLE_PORT = 8081;

/** Args of {@link AzureInstanceGroup}: the shared instance group args plus the Azure specifics. */
export interface AzureInstanceGroupArgs extends InstanceGroupArgs {
    /** The resource group of every resource. */
    resourceGroupName: pulumi.Input<string>;
    /** The Azure region. Default: the resource group's. */
    location?: pulumi.Input<string>;
    /** The subnet of the instances (resource id). */
    subnetId: pulumi.Input<string>;
    /** The VM size. Default `Standard_B2s`. */
    vmSize?: pulumi.Input<string>;
}

/** A blue-green group of phoenix scale sets behind a Standard Load Balancer; see the module comment. */
export class AzureInstanceGroup extends pulumi.ComponentResource implements SlotOutputs {
    /** The URL that takes the live traffic (the load balancer's public IP). */
    public readonly url: pulumi.Output<string>;
    /** Per slot holding a release: a URL that reaches only that slot (its own frontend port). */
    public readonly smokeTestUrls: pulumi.Output<Record<string, string>>;
    /** The slot taking the traffic. */
    public readonly liveSlot: pulumi.Output<string>;
    /** Traffic percent per slot (100 for the live slot: Azure's load balancer has no weights). */
    public readonly trafficWeights: pulumi.Output<Record<string, number>>;
    /** The release version per slot. */
    public readonly slotVersions: pulumi.Output<Record<string, string>>;
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
        const noCanary = (weight: unknown) =>
            v.fail(
                "canaryWeight",
                `is ${weight}, but Azure's load balancer has no weights: a slot takes all the traffic or none (use 0, or a Front Door / Traffic Manager in front for a canary)`,
            );
        if (isKnown(args.canaryWeight) && args.canaryWeight !== undefined && args.canaryWeight !== 0) {
            noCanary(args.canaryWeight);
        }
        const plan = resolveGroupSlots(COMPONENT, name, args, Cloud.Azure).apply((p) =>
            (p.weights[p.idle] ?? 0) > 0 ? noCanary(p.weights[p.idle]) : p,
        );
        const settings = groupSettings(v, args);
        for (const field of ["resourceGroupName", "subnetId"] as const) {
            if (args[field] === undefined) {
                v.fail(field, "is required");
            }
        }
        if (isKnown(args.secrets ?? {})) {
            // Checked now when plain (config always is); the boot script checks them again when they resolve.
            for (const [key, r] of Object.entries(args.secrets ?? {})) {
                keyVaultSecretUrl(v, key, r.ref as string, r.version as string | undefined);
            }
        }
        const prefix = dnsLabel(name).slice(0, 40).replace(/-$/, "");
        const tags: Record<string, pulumi.Input<string>> = { ...settings.labels, "immutable:group": name };
        const parent = { parent: this };
        const subscription = authorization.getClientConfigOutput(parent).subscriptionId;
        const lbName = `${prefix}-lb`;
        const lbChild = (kind: string, child: string) =>
            pulumi.interpolate`/subscriptions/${subscription}/resourceGroups/${args.resourceGroupName}/providers/Microsoft.Network/loadBalancers/${lbName}/${kind}/${child}`;

        this.identity = new managedidentity.UserAssignedIdentity(
            `${name}-vm`,
            { resourceGroupName: args.resourceGroupName, location: args.location, tags },
            parent,
        );
        this.publicIp = new network.PublicIPAddress(
            `${name}-ip`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                sku: { name: "Standard", tier: "Regional" },
                publicIPAllocationMethod: "Static",
                publicIPAddressVersion: "IPv4",
                tags,
            },
            parent,
        );
        this.securityGroup = new network.NetworkSecurityGroup(
            `${name}-instances`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
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
                        destinationPortRange: pulumi.output(settings.port).apply(String),
                    },
                ],
                tags,
            },
            parent,
        );
        const present = presentSlots(args);
        this.loadBalancer = new network.LoadBalancer(
            `${name}-lb`,
            loadBalancerArgs(lbName, args, settings, present, plan, this.publicIp, lbChild, tags),
            parent,
        );
        this.scaleSets = {};
        for (const slot of present) {
            const release = plan.apply((p) => p.releases[slot] as SlotRelease);
            const slotTags = pulumi
                .all([pulumi.output(tags), slotProvenanceTags(v, Cloud.Azure, slot, args[slot]!)])
                .apply(([group, provenance]) => ({ ...group, ...provenance }));
            this.scaleSets[slot] = scaleSet(this, name, prefix, slot, {
                v,
                args,
                settings,
                release,
                tags: slotTags,
                identity: this.identity,
                nsg: this.securityGroup,
                pool: lbChild("backendAddressPools", slot),
                probe: lbChild("probes", "health"),
                dependsOn: [this.loadBalancer],
            });
            autoscale(this, name, slot, args, settings, this.scaleSets[slot], tags);
        }
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
        // The idle slot answers on its own port (a flip swaps the two rules' pools).
        outputs.smokeTestUrls = pulumi
            .all([outputs.url, plan])
            .apply(([url, p]) =>
                Object.fromEntries(p.slots.map((s) => [s, s === p.live ? url : `${url}:${IDLE_PORT}`])),
            );
        this.url = outputs.url;
        this.smokeTestUrls = outputs.smokeTestUrls;
        this.liveSlot = outputs.liveSlot;
        this.trafficWeights = outputs.trafficWeights;
        this.slotVersions = outputs.slotVersions;
        this.registerOutputs({
            url: this.url,
            smokeTestUrls: this.smokeTestUrls,
            liveSlot: this.liveSlot,
            trafficWeights: this.trafficWeights,
            slotVersions: this.slotVersions,
            loadBalancer: this.loadBalancer,
            publicIp: this.publicIp,
            securityGroup: this.securityGroup,
            scaleSets: this.scaleSets,
            identity: this.identity,
            rotation: this.rotation,
        });
    }
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

/** What a slot's scale set is made of. */
interface ScaleSetInputs {
    v: Validator;
    args: AzureInstanceGroupArgs;
    settings: GroupSettings;
    release: pulumi.Output<SlotRelease>;
    tags: pulumi.Output<Record<string, string>>;
    identity: managedidentity.UserAssignedIdentity;
    nsg: network.NetworkSecurityGroup;
    pool: pulumi.Input<string>;
    probe: pulumi.Input<string>;
    dependsOn: pulumi.Resource[];
}

/** A slot's scale set: the image version, no password, the boot script, rolling upgrades, repairs. */
function scaleSet(
    parent: pulumi.Resource,
    name: string,
    prefix: string,
    slot: Slot,
    i: ScaleSetInputs,
): compute.VirtualMachineScaleSet {
    const secrets = pulumi.all([pulumi.output(i.args.secrets ?? {}), i.identity.clientId]).apply(([refs, clientId]) =>
        Object.keys(refs)
            .sort()
            .map((key) => {
                const r = refs[key] as { ref: string; version?: string };
                return azureSecretFetch(key, keyVaultSecretUrl(i.v, key, r.ref, r.version), clientId);
            }),
    );
    const customData = pulumi
        .all([i.release, i.settings.port, pulumi.all(i.settings.env), secrets, i.settings.appUnit, i.tags])
        .apply(([release, port, env, fetches, unit, tags]) =>
            Buffer.from(
                bootScript({
                    env: { ...env, PORT: String(port), RELEASE_SLOT: slot, RELEASE_VERSION: release.version },
                    secrets: fetches,
                    helpers: AZURE_BOOT_HELPERS,
                    release: `${release.version} ${release.image}${tags["image-sha256"] ? ` ${tags["image-sha256"]}` : ""}`,
                    unit,
                }),
            ).toString("base64"),
        );
    const secureBoot = pulumi.output(i.settings.secureBoot);
    return new compute.VirtualMachineScaleSet(
        `${name}-${slot}`,
        {
            vmScaleSetName: `${prefix}-${slot}`,
            resourceGroupName: i.args.resourceGroupName,
            location: i.args.location,
            orchestrationMode: "Uniform",
            sku: { name: i.args.vmSize ?? "Standard_B2s", tier: "Standard", capacity: i.settings.minInstances },
            overprovision: false,
            singlePlacementGroup: false,
            identity: { type: "UserAssigned", userAssignedIdentities: [i.identity.id] },
            upgradePolicy: {
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
            },
            automaticRepairsPolicy: { enabled: true, gracePeriod: "PT10M", repairAction: "Replace" },
            scaleInPolicy: { rules: ["OldestVM"], forceDeletion: false },
            virtualMachineProfile: {
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
                    computerNamePrefix: `${prefix.slice(0, 9)}${slot[0]}`,
                    adminUsername: ADMIN_USER,
                    customData,
                    linuxConfiguration: {
                        disablePasswordAuthentication: true,
                        ssh: {
                            publicKeys: [
                                { path: `/home/${ADMIN_USER}/.ssh/authorized_keys`, keyData: unusableSshPublicKey() },
                            ],
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
                                    subnet: { id: i.args.subnetId },
                                    loadBalancerBackendAddressPools: [{ id: i.pool }],
                                },
                            ],
                        },
                    ],
                },
                securityProfile: secureBoot.apply((on) =>
                    on
                        ? {
                              securityType: "TrustedLaunch",
                              uefiSettings: { secureBootEnabled: true, vTpmEnabled: true },
                          }
                        : undefined,
                ),
                diagnosticsProfile: { bootDiagnostics: { enabled: true } },
            },
            tags: i.tags,
        },
        {
            parent,
            dependsOn: i.dependsOn,
            // Autoscale owns the capacity; the rotation owns userData (its time stamp is what rolls the instances).
            ignoreChanges: ["sku.capacity", "virtualMachineProfile.userData"],
        },
    );
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
