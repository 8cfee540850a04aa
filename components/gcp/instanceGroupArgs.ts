/**
 * What only GCP needs beside the shared instance group args, declared once and used by both GcpInstanceGroup and
 * the cloud-neutral facade (InstanceGroup `gcp: {...}`).
 */
import type * as pulumi from "@pulumi/pulumi";

/** The GCP specifics of an instance group: the region, the project, the network, the machine type. */
export interface InstanceGroupGcpArgs {
    /** The region of the managed instance groups (`us-central1`). */
    region: pulumi.Input<string>;
    /** The project. Default: the provider's. */
    project?: pulumi.Input<string>;
    /** The VPC network. Default `default`. */
    network?: pulumi.Input<string>;
    /** The subnetwork of the instances (with Private Google Access, to reach Secret Manager without an external IP). */
    subnetwork?: pulumi.Input<string>;
    /** The machine type. Default `e2-small`. */
    machineType?: pulumi.Input<string>;
}
