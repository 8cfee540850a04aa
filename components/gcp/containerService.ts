/**
 * GcpContainerService: a blue-green service on Cloud Run (v2).
 *
 * One Cloud Run service holds both slots as revisions. Revision names derive from the slot and its release
 * (`<service>-<slot>-<version>-<digest7>`), so `traffics` can name them; every slot has a tag, so the idle slot
 * has its own URL (`https://<slot>---<service host>`) for smoke tests. The service template holds the release
 * of `lastDeployed` (deploying creates that slot's revision); the other slot's revision already exists and
 * keeps serving. A flip of `live` changes only the `traffics` percents of the one Service resource.
 *
 * Secrets come from Secret Manager through `valueSource.secretKeyRef` with a pinned version, read by a
 * dedicated service account that holds `secretAccessor` on exactly those secrets.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { commonSettings, type ContainerServiceArgs, type SecretRefArgs } from "../core/serviceArgs";
import {
    dnsLabel,
    isKnown,
    revisionSuffix,
    type SlotPlan,
    type SlotRelease,
    resolveSlots,
    slotVersions,
    slotWeights,
} from "../core/slots";
import { Validator } from "../core/validation";
import { componentType } from "../core/packageName";

const COMPONENT = "GcpContainerService";

/** Args of {@link GcpContainerService}: the shared container service args plus the Cloud Run specifics. */
export interface GcpContainerServiceArgs extends ContainerServiceArgs {
    /** The Cloud Run region (`us-central1`). */
    region: pulumi.Input<string>;
    /** The project. Default: the provider's project. */
    project?: pulumi.Input<string>;
    /** The Cloud Run service name (lowercase letters, digits, hyphens; at most 30). Default: from the component name. */
    serviceName?: string;
    /** Let anyone invoke the service (`allUsers` gets `roles/run.invoker`). Default false. */
    allowUnauthenticated?: pulumi.Input<boolean>;
    /** Refuse `pulumi destroy` of the service. Default true. */
    deletionProtection?: pulumi.Input<boolean>;
}

/** A blue-green Cloud Run service; see the module comment. */
export class GcpContainerService extends pulumi.ComponentResource {
    /** The URL that takes the live traffic (the service URI). */
    public readonly url: pulumi.Output<string>;
    /** Per slot holding a release: its tag URL, which reaches only that slot (smoke tests before the flip). */
    public readonly smokeTestUrls: pulumi.Output<Record<string, string>>;
    /** The slot taking the traffic. */
    public readonly liveSlot: pulumi.Output<string>;
    /** Traffic percent per slot. */
    public readonly trafficWeights: pulumi.Output<Record<string, number>>;
    /** The release version per slot. */
    public readonly slotVersions: pulumi.Output<Record<string, string>>;
    /** The revision name per slot. */
    public readonly revisionNames: pulumi.Output<Record<string, string>>;
    /** The Cloud Run service (its `traffics` is the only input a flip changes). */
    public readonly service: gcp.cloudrunv2.Service;
    /** The service account the revisions run as. */
    public readonly serviceAccount: gcp.serviceaccount.Account;

    constructor(name: string, args: GcpContainerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType(COMPONENT), name, {}, opts);
        const v = new Validator(COMPONENT, name);
        const plan = resolveSlots(COMPONENT, name, args);
        const common = commonSettings(v, args);
        if (args.region === undefined) {
            v.fail("region", "is required");
        }
        const serviceName = args.serviceName ?? dnsLabel(name).slice(0, 30).replace(/-$/, "");
        if (!/^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$/.test(serviceName)) {
            v.fail(
                "serviceName",
                `must be 1-30 lowercase letters, digits or hyphens, starting with a letter, got ${JSON.stringify(serviceName)}`,
            );
        }
        const secretRefs = gcpSecretRefs(v, args.secrets ?? {});
        const parent = { parent: this };
        const labels = gcpLabels(common.labels);

        this.serviceAccount = new gcp.serviceaccount.Account(
            `${name}-run`,
            {
                accountId: `${serviceName.slice(0, 24).replace(/-$/, "")}-run`.padEnd(6, "x"),
                displayName: `Cloud Run service ${serviceName}`,
                project: args.project,
            },
            parent,
        );
        const member = pulumi.interpolate`serviceAccount:${this.serviceAccount.email}`;
        const secretIds = [...new Set(Object.values(secretRefs).map((r) => r.secret))];
        secretIds.forEach((secretId, i) => {
            new gcp.secretmanager.SecretIamMember(
                `${name}-secret-${i}`,
                { secretId, role: "roles/secretmanager.secretAccessor", member, project: args.project },
                parent,
            );
        });

        const revisionOf = (p: SlotPlan, slot: keyof SlotPlan["releases"]): string =>
            `${serviceName}-${revisionSuffix(slot, p.releases[slot] as SlotRelease, 62 - serviceName.length)}`;
        const template = plan.apply((p) => ({
            slot: p.template,
            release: p.releases[p.template] as SlotRelease,
            revision: revisionOf(p, p.template),
        }));

        const envs = [
            { name: "RELEASE_SLOT", value: template.slot },
            { name: "RELEASE_VERSION", value: template.release.version },
            ...Object.keys(common.env)
                .sort()
                .map((key) => ({ name: key, value: common.env[key] })),
            ...Object.keys(secretRefs)
                .sort()
                .map((key) => ({
                    name: key,
                    valueSource: { secretKeyRef: { secret: secretRefs[key].secret, version: secretRefs[key].version } },
                })),
        ];
        this.service = new gcp.cloudrunv2.Service(
            `${name}`,
            {
                name: serviceName,
                location: args.region,
                project: args.project,
                ingress: "INGRESS_TRAFFIC_ALL",
                deletionProtection: args.deletionProtection ?? true,
                labels,
                template: {
                    revision: template.revision,
                    serviceAccount: this.serviceAccount.email,
                    // In-memory scratch volumes (emptyDir) need the second generation execution environment.
                    executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
                    labels: template.apply((t) => ({
                        ...labels,
                        "immutable-slot": t.slot,
                        "immutable-version": dnsLabel(t.release.version).slice(0, 63),
                    })),
                    scaling: { minInstanceCount: common.minInstances, maxInstanceCount: common.maxInstances },
                    volumes: common.tmpPaths.map((_p, i) => ({
                        name: `tmp-${i}`,
                        emptyDir: { medium: "MEMORY", sizeLimit: "256Mi" },
                    })),
                    containers: [
                        {
                            name: "app",
                            image: template.release.image,
                            ports: { containerPort: common.port },
                            envs,
                            resources: {
                                limits: {
                                    cpu: pulumi.output(common.cpu).apply(String),
                                    memory: pulumi.output(common.memoryMiB).apply((m) => `${m}Mi`),
                                },
                            },
                            startupProbe: {
                                httpGet: { path: common.healthPath, port: common.port },
                                periodSeconds: 5,
                                failureThreshold: 12,
                            },
                            livenessProbe: {
                                httpGet: { path: common.healthPath, port: common.port },
                                periodSeconds: 15,
                            },
                            volumeMounts: common.tmpPaths.map((mountPath, i) => ({ name: `tmp-${i}`, mountPath })),
                        },
                    ],
                },
                // Slot order is fixed (blue, green): a flip changes the percents and nothing else.
                traffics: plan.apply((p) =>
                    p.slots.map((slot) => ({
                        type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION",
                        revision: revisionOf(p, slot),
                        percent: p.weights[slot] ?? 0,
                        tag: slot,
                    })),
                ),
            },
            parent,
        );
        const publicAccess = args.allowUnauthenticated ?? false;
        if (!isKnown(publicAccess) || publicAccess === true) {
            new gcp.cloudrunv2.ServiceIamMember(
                `${name}-public`,
                {
                    name: this.service.name,
                    location: this.service.location,
                    project: this.service.project,
                    role: "roles/run.invoker",
                    member: pulumi.all([publicAccess, member]).apply(([open, sa]) => (open ? "allUsers" : sa)),
                },
                parent,
            );
        }

        this.url = this.service.uri;
        this.smokeTestUrls = pulumi
            .all([this.service.uri, plan])
            .apply(([uri, p]) => Object.fromEntries(p.slots.map((s) => [s, tagUrl(uri, s)])));
        this.liveSlot = plan.apply((p) => p.live);
        this.trafficWeights = plan.apply(slotWeights);
        this.slotVersions = plan.apply(slotVersions);
        this.revisionNames = plan.apply((p) => Object.fromEntries(p.slots.map((s) => [s, revisionOf(p, s)])));
        this.registerOutputs({
            url: this.url,
            smokeTestUrls: this.smokeTestUrls,
            liveSlot: this.liveSlot,
            trafficWeights: this.trafficWeights,
            slotVersions: this.slotVersions,
            revisionNames: this.revisionNames,
            service: this.service,
            serviceAccount: this.serviceAccount,
        });
    }
}

/** The tag URL of a Cloud Run traffic tag: `https://<tag>---<service host>`. */
export function tagUrl(serviceUri: string, tag: string): string {
    const url = new URL(serviceUri);
    return `${url.protocol}//${tag}---${url.host}`;
}

/** GCP labels: lowercase keys and values of letters, digits, `_` and `-`, at most 63 characters. */
function gcpLabels(labels: Record<string, pulumi.Input<string>>): Record<string, pulumi.Input<string>> {
    const clean = (s: string) =>
        s
            .toLowerCase()
            .replace(/[^a-z0-9_-]/g, "-")
            .slice(0, 63);
    return Object.fromEntries(
        Object.entries(labels).map(([k, value]) => [clean(k), pulumi.output(value).apply(clean)]),
    );
}

/** A checked Secret Manager reference. */
interface GcpSecretRef {
    secret: pulumi.Input<string>;
    version: pulumi.Input<string>;
}

/** Checks the secret references: a secret id or resource name, and a pinned version (never `latest`). */
function gcpSecretRefs(v: Validator, secrets: Record<string, SecretRefArgs>): Record<string, GcpSecretRef> {
    const result: Record<string, GcpSecretRef> = {};
    for (const [key, ref] of Object.entries(secrets)) {
        const field = `secrets.${key}`;
        if (!ref || typeof ref !== "object" || ref.ref === undefined) {
            v.fail(field, "must be {ref: <Secret Manager secret id or projects/<p>/secrets/<id>>, version: <number>}");
        }
        if (ref.version === undefined) {
            v.fail(`${field}.version`, "is required on Cloud Run: pin a secret version (a number), never latest");
        }
        const checkVersion = (version: string): string => {
            if (!/^[1-9][0-9]*$/.test(version)) {
                v.fail(
                    `${field}.version`,
                    `must pin a secret version number (never "latest"), got ${JSON.stringify(version)}`,
                );
            }
            return version;
        };
        const checkSecret = (secret: string): string => {
            if (!/^(projects\/[^/\s]+\/secrets\/)?[A-Za-z0-9_-]{1,255}$/.test(secret)) {
                v.fail(
                    `${field}.ref`,
                    "must be a Secret Manager secret id or projects/<p>/secrets/<id> (a reference, never the value)",
                );
            }
            return secret;
        };
        result[key] = {
            secret: isKnown(ref.ref) ? checkSecret(String(ref.ref)) : pulumi.output(ref.ref).apply(checkSecret),
            version: isKnown(ref.version)
                ? checkVersion(String(ref.version))
                : pulumi.output(ref.version!).apply(checkVersion),
        };
    }
    return result;
}
