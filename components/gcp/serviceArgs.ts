/**
 * The args of GcpContainerService: the shared container service args plus what only Cloud Run needs, declared
 * once and used by both the component and the cloud-neutral facade (ContainerService `gcp: {...}`).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ContainerServiceArgs } from "../core/serviceArgs";

/** What only Cloud Run needs beside the shared container service args. */
export interface GcpServiceSpecifics {
    /** The Cloud Run region (`us-central1`). */
    region: pulumi.Input<string>;
    /** The project the service runs in. Default: the provider's project. */
    project?: pulumi.Input<string>;
    /** The Cloud Run service name (lowercase letters, digits, hyphens; at most 30). Default: from the component name. */
    serviceName?: string;
    /** Let anyone invoke the service (`allUsers` gets `roles/run.invoker`). Default false. */
    allowUnauthenticated?: pulumi.Input<boolean>;
    /** Refuse `pulumi destroy` of the service. Default true. */
    deletionProtection?: pulumi.Input<boolean>;
    /**
     * Grant the Cloud Run service agent of the running project (`service-<number>@serverless-robot-prod`)
     * `roles/artifactregistry.reader` on the Artifact Registry repository of the images, which may live in
     * another project (the build project). Turn off only when that grant is managed elsewhere. Default true.
     */
    grantImagePull?: boolean;
}

/** Args of GcpContainerService: the shared container service args plus the Cloud Run specifics. */
export interface GcpContainerServiceArgs extends ContainerServiceArgs, GcpServiceSpecifics {}
