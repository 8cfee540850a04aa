/**
 * What only Azure needs beside the shared instance group args, declared once and used by both AzureInstanceGroup
 * and the cloud-neutral facade (InstanceGroup `azure: {...}`).
 */
import type * as pulumi from "@pulumi/pulumi";

/** The Azure specifics of an instance group: the resource group, the region, the subnet, the VM size. */
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
