/**
 * GcpContainerService: a blue-green service on Cloud Run (v2).
 *
 * One Cloud Run service holds both slots as revisions. Each revision is named from its slot, its release and
 * a hash of its rendered template (`<service>-<slot>-<version>-<hash>`, ./template.ts), so `traffics` can name
 * them and any change of what runs gets a new name; every slot has a tag, so the idle slot has its own URL
 * (`https://<slot>---<service host>`) for smoke tests. The service template holds the release of
 * `lastDeployed` (deploying creates that slot's revision); the other slot's revision already exists and keeps
 * serving. A flip of `live` changes only the `traffics` percents of the one Service resource.
 *
 * Secrets come from Secret Manager through `valueSource.secretKeyRef` with a pinned version, read by a
 * dedicated service account that holds `secretAccessor` on exactly those secrets; the Cloud Run service agent
 * of the running project may read the image repository (./iam.ts). The service depends on those grants.
 * `pulumi up` waits for the service's operation, which fails when the new revision never becomes ready (its
 * startup probe on `healthPath`).
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../core/packageName";
import { checkedName, checkSize, commonSettings } from "../core/serviceArgs";
import { type SlotOutputs, slotOutputs } from "../core/slotOutputs";
import { isKnown, presentSlots, resolveSlots, type Slot } from "../core/slots";
import { Validator } from "../core/validation";
import { gcpImagePullGrant, gcpSecretAccess, gcpSecretRefs, gcpServiceAccount } from "./iam";
import { gcpLabels } from "./labels";
import { cloudRunSizeProblem, SERVICE_NAME_RULE } from "./limits";
import type { GcpContainerServiceArgs } from "./serviceArgs";
import { cloudRunRevisions, type RunSettings } from "./template";
import { definedOutputs } from "../core/outputs";

export type { GcpContainerServiceArgs, GcpServiceSpecifics } from "./serviceArgs";

const COMPONENT = "GcpContainerService";

/** A blue-green Cloud Run service; see the module comment. */
export class GcpContainerService extends pulumi.ComponentResource implements SlotOutputs {
    /** The URL that takes the live traffic (the service URI). */
    public readonly url!: pulumi.Output<string>;
    /** Per slot holding a release: its tag URL, which reaches only that slot (smoke tests before the flip). */
    public readonly smokeTestUrls!: pulumi.Output<Record<string, string>>;
    /** The slot taking the traffic. */
    public readonly liveSlot!: pulumi.Output<string>;
    /** Traffic percent per slot. */
    public readonly trafficWeights!: pulumi.Output<Record<string, number>>;
    /** The release version per slot. */
    public readonly slotVersions!: pulumi.Output<Record<string, string>>;
    /** The revision name per slot. */
    public readonly revisionNames: pulumi.Output<Record<string, string>>;
    /** The service account the revisions run as (its email): grant it what the application reads. */
    public readonly runtimeIdentity: pulumi.Output<string>;
    /** The Cloud Run service (its `traffics` is the only input a flip changes). */
    public readonly service: gcp.cloudrunv2.Service;
    /** The service account the revisions run as. */
    public readonly serviceAccount: gcp.serviceaccount.Account;
    /** The Cloud Run service agent's read access to the image repository (undefined: not needed or not managed here). */
    public readonly imagePullGrant: gcp.artifactregistry.RepositoryIamMember | undefined;

    constructor(name: string, args: GcpContainerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType(COMPONENT), name, {}, opts);
        const v = new Validator(COMPONENT, name);
        const plan = resolveSlots(COMPONENT, name, args);
        const common = commonSettings(v, args);
        const serviceName = checkGcpArgs(v, name, args, common.cpu, common.memoryMiB);
        const secretRefs = gcpSecretRefs(v, args.secrets ?? {});
        const labels = gcpLabels(common.labels);
        this.serviceAccount = gcpServiceAccount(name, this, serviceName, args.project);
        const member = pulumi.interpolate`serviceAccount:${this.serviceAccount.email}`;
        const grants: pulumi.Resource[] = gcpSecretAccess(name, this, secretRefs, member, args.project);
        const images = presentSlots(args).map((s) => args[s]!.image);
        this.imagePullGrant =
            (args.grantImagePull ?? true) ? gcpImagePullGrant(v, name, this, images, args.project) : undefined;
        if (this.imagePullGrant) {
            grants.push(this.imagePullGrant);
        }
        const settings: pulumi.Output<RunSettings> = pulumi.output({
            ...common,
            labels,
            secrets: secretRefs,
            serviceAccount: this.serviceAccount.email,
            serviceName,
        });
        const revisions = pulumi.all([plan, settings]).apply(([p, s]) => cloudRunRevisions(serviceName, p, s));
        this.service = new gcp.cloudrunv2.Service(
            `${name}`,
            {
                name: serviceName,
                location: args.region,
                project: args.project,
                ingress: "INGRESS_TRAFFIC_ALL",
                deletionProtection: args.deletionProtection ?? true,
                labels,
                template: revisions.template,
                // Slot order is fixed (blue, green): a flip changes the percents and nothing else.
                traffics: pulumi.all([plan, revisions]).apply(([p, r]) =>
                    p.slots.map((slot) => ({
                        type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION",
                        revision: r.names[slot],
                        percent: p.weights[slot] ?? 0,
                        tag: slot,
                    })),
                ),
            },
            { parent: this, dependsOn: grants },
        );
        this.publicAccess(name, args.allowUnauthenticated ?? false, member);
        const outputs = slotOutputs(plan, this.service.uri, tagUrl);
        Object.assign(this, outputs);
        this.revisionNames = revisions.names;
        this.runtimeIdentity = this.serviceAccount.email;
        this.registerOutputs(
            definedOutputs({
                ...outputs,
                revisionNames: this.revisionNames,
                runtimeIdentity: this.runtimeIdentity,
                service: this.service,
                serviceAccount: this.serviceAccount,
                imagePullGrant: this.imagePullGrant,
            }),
        );
    }

    /** `roles/run.invoker` for `allUsers` when the service is public (for the service's own account otherwise). */
    private publicAccess(name: string, open: pulumi.Input<boolean>, member: pulumi.Output<string>): void {
        if (isKnown(open) && open !== true) {
            return;
        }
        new gcp.cloudrunv2.ServiceIamMember(
            `${name}-public`,
            {
                name: this.service.name,
                location: this.service.location,
                project: this.service.project,
                role: "roles/run.invoker",
                member: pulumi.all([open, member]).apply(([o, sa]) => (o ? "allUsers" : sa)),
            },
            { parent: this },
        );
    }
}

/** The service name (checked) and the Cloud Run-only checks: the region, the instance size. */
function checkGcpArgs(
    v: Validator,
    name: string,
    args: GcpContainerServiceArgs,
    cpu: pulumi.Input<number>,
    memoryMiB: pulumi.Input<number>,
): string {
    v.required(args, ["region"]);
    const serviceName = checkedName(v, SERVICE_NAME_RULE, args.serviceName, name);
    checkSize(v, { cpu, memoryMiB }, cloudRunSizeProblem);
    return serviceName;
}

/** The tag URL of a Cloud Run traffic tag: `https://<tag>---<service host>`. */
export function tagUrl(serviceUri: string, tag: string | Slot): string {
    const url = new URL(serviceUri);
    return `${url.protocol}//${tag}---${url.host}`;
}
