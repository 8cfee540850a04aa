/**
 * The VM environment stacks (`immutable:kind: environment`, `immutable:target: vm`; stacks/Pulumi.<env>-vm-<cloud>.yaml):
 * the same blue-green slots as the container environments, each pinned to a machine-image release of the image
 * build stack (./vmRelease.ts), run by an InstanceGroup: phoenix servers replaced on every release and rotated
 * daily (AWS: within `immutable:maxInstanceLifetimeHours`). Never builds or bakes.
 *   deploy v43  = pin the idle slot to v43's image and set `immutable:lastDeployed` to it
 *   switch      = `pulumi config set immutable:live green`   (one resource changes: the traffic resource)
 *   rollback    = `pulumi config set immutable:live blue`
 */
import * as pulumi from "@pulumi/pulumi";
import { Cloud } from "../components/core/clouds";
import type { InstanceGroupArgs } from "../components/core/instanceGroupArgs";
import { Slot } from "../components/core/slots";
import { InstanceGroup, type InstanceGroupFacadeArgs } from "../components/instanceGroup";
import { fail, opt } from "./config";
import { serviceSettings, slotStackOutputs, stackIdentity } from "./environment";
import { slotsOf } from "./release";
import { awsSpecifics } from "./platforms";
import { readMachineImageRelease, secureBootOf, vmSlotRelease } from "./vmRelease";

/** What an environment stack deploys. */
export enum Target {
    Container = "container",
    Vm = "vm",
}

/** The chaos hour, or undefined when `immutable:chaosHourUtc` is unset (-1 or empty). */
function chaosOf(config: pulumi.Config): InstanceGroupArgs["chaos"] {
    const hour = config.getNumber("chaosHourUtc");
    return hour === undefined || hour < 0 ? undefined : { hourUtc: hour };
}

/** Each cloud's network for the group (AWS reuses the container stacks' keys). */
function platformOf(
    config: pulumi.Config,
    cloud: Cloud,
    name: string,
    labels: Record<string, string>,
    azureGroup: pulumi.Input<string> | undefined,
): Pick<InstanceGroupFacadeArgs, "aws" | "gcp" | "azure"> {
    const size = opt(config, "instanceType");
    switch (cloud) {
        case Cloud.Aws: {
            const aws = awsSpecifics(config);
            return {
                aws: {
                    vpcId: aws.vpcId,
                    subnetIds: aws.albSubnetIds,
                    instanceSubnetIds: aws.taskSubnetIds,
                    instanceType: size,
                    certificateArn: opt(config, "awsCertificateArn"),
                },
            };
        }
        case Cloud.Gcp:
            return {
                gcp: {
                    region: opt(config, "gcpRegion") ?? "us-central1",
                    network: opt(config, "gcpNetwork"),
                    subnetwork: opt(config, "gcpSubnetwork"),
                    machineType: size,
                },
            };
        case Cloud.Azure:
            return {
                azure: {
                    resourceGroupName: azureGroup!,
                    subnetId: azureSubnet(config, name, labels, azureGroup!),
                    vmSize: size,
                },
            };
    }
}

/** `immutable:azureSubnetId`, or a virtual network and subnet of the stack's own. */
function azureSubnet(
    config: pulumi.Config,
    name: string,
    labels: Record<string, string>,
    resourceGroupName: pulumi.Input<string>,
): pulumi.Input<string> {
    const given = opt(config, "azureSubnetId");
    if (given !== undefined) {
        return given;
    }
    const network = require("@pulumi/azure-native/network") as typeof import("@pulumi/azure-native/network");
    const vnet = new network.VirtualNetwork(`${name}-vnet`, {
        resourceGroupName,
        location: opt(config, "azureLocation") ?? "eastus",
        addressSpace: { addressPrefixes: ["10.20.0.0/16"] },
        tags: labels,
    });
    return new network.Subnet(`${name}-instances`, {
        resourceGroupName,
        virtualNetworkName: vnet.name,
        addressPrefix: "10.20.1.0/24",
        defaultOutboundAccess: false,
    }).id;
}

/** Registers a VM environment stack and returns its outputs. */
export async function vmEnvironmentStack(config: pulumi.Config): Promise<Record<string, unknown>> {
    // Stack names are <environment>-vm-<cloud>; explicit config wins.
    const { cloud, environment, name, labels } = stackIdentity(config, -1);
    let azureGroup: pulumi.Output<string> | undefined;
    if (cloud === Cloud.Azure) {
        const resources = require("@pulumi/azure-native/resources") as typeof import("@pulumi/azure-native/resources");
        azureGroup = new resources.ResourceGroup(`${name}-rg`, {
            location: opt(config, "azureLocation") ?? "eastus",
            tags: labels,
        }).name;
    }
    const { release, source } = await readMachineImageRelease(config);
    const slots = slotsOf(config, (slot, raw) => vmSlotRelease(slot, raw, release, cloud));
    const args: InstanceGroupFacadeArgs = {
        cloud,
        ...platformOf(config, cloud, name, labels, azureGroup),
        blue: slots[Slot.Blue],
        green: slots[Slot.Green],
        ...serviceSettings(config),
        maxInstanceLifetimeHours: config.getNumber("maxInstanceLifetimeHours") ?? 36,
        rotationHourUtc: config.getNumber("rotationHourUtc") ?? 4,
        secureBoot: secureBootOf(release),
        chaos: chaosOf(config),
        labels,
    };
    if (Object.keys(slots).length === 0) {
        fail("blue", "and immutable:green are both none: a VM environment runs at least the live slot");
    }
    const group = new InstanceGroup(name, args);
    const { slots: slotSummary, ...traffic } = slotStackOutputs(slots, group);
    return {
        cloud,
        environment,
        target: Target.Vm,
        releaseSource: source,
        release: {
            version: release.version,
            gitSha: release.gitSha,
            sha256: release.sha256,
            provenance: release.provenance,
        },
        slots: pulumi.output(slotSummary),
        ...traffic,
        healthPath: args.healthPath,
    };
}
