/**
 * GcpInstanceGroup: phoenix servers on Compute Engine, blue-green behind a global external Application Load
 * Balancer.
 *
 * Each slot is an instance template booting the slot's exact image (never a family) + a regional managed
 * instance group + an autoscaler + a backend service. The URL map splits the traffic between the slots' backend
 * services by weight (`weightedBackendServices`), so a flip of `live` changes only the URL map; a route per slot
 * (`?immutable-slot=<slot>`) reaches a slot directly for smoke tests.
 *
 * Instance templates are immutable and named after their content, so a new release is a new template: the MIG's
 * PROACTIVE update policy (REPLACE, surge first, none unavailable) replaces every instance. A health check feeds
 * both the load balancer and auto-healing. Instances: no external IP, no SSH keys in metadata, project keys
 * blocked, OS Login on, serial port off, Shielded VM (Secure Boot, vTPM, integrity monitoring), a service account
 * of their own with `secretAccessor` on exactly the referenced secrets, a boot script (`user-data` for
 * cloud-init) that only fetches configuration and secrets. GCP has no maximum instance lifetime: a Cloud Scheduler
 * job runs a workflow that rolls every instance daily (./rotation.ts); chaos is a second one.
 */
import { createHash } from "node:crypto";
import * as gcp from "@pulumi/gcp";
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
    SLOT_QUERY_KEY,
} from "../core/instanceGroupArgs";
import { gcpLabelValue } from "../core/machineImageRelease";
import { componentType } from "../core/packageName";
import { type SlotOutputs, slotOutputs } from "../core/slotOutputs";
import { dnsLabel, type Slot, type SlotPlan, type SlotRelease } from "../core/slots";
import { Validator } from "../core/validation";
import { type GcpSecretRef, gcpSecretAccess, gcpSecretRefs } from "./iam";
import { GCP_BOOT_HELPERS, gcpSecretFetch, gcpSecretVersionName } from "./instanceBoot";
import { scheduledWorkflows } from "./rotation";

const COMPONENT = "GcpInstanceGroup";

/** Where Google's load balancers and health checkers connect from (https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges). */
export const GCP_LB_SOURCE_RANGES = ["35.191.0.0/16", "130.211.0.0/22"];

/** Args of {@link GcpInstanceGroup}: the shared instance group args plus the GCP region, network and machine type. */
export interface GcpInstanceGroupArgs extends InstanceGroupArgs {
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

/** A blue-green group of phoenix Compute Engine instances behind a global load balancer; see the module comment. */
export class GcpInstanceGroup extends pulumi.ComponentResource implements SlotOutputs {
    /** The URL that takes the live traffic (the forwarding rule's address). */
    public readonly url: pulumi.Output<string>;
    /** Per slot holding a release: a URL that reaches only that slot (smoke tests before the flip). */
    public readonly smokeTestUrls: pulumi.Output<Record<string, string>>;
    /** The slot taking the traffic. */
    public readonly liveSlot: pulumi.Output<string>;
    /** Traffic percent per slot. */
    public readonly trafficWeights: pulumi.Output<Record<string, number>>;
    /** The release version per slot. */
    public readonly slotVersions: pulumi.Output<Record<string, string>>;
    /** The URL map whose weights split the traffic between the slots (the only resource a flip changes). */
    public readonly urlMap: gcp.compute.URLMap;
    /** The global forwarding rule (the public address). */
    public readonly forwardingRule: gcp.compute.GlobalForwardingRule;
    /** The health check of the load balancer and of auto-healing. */
    public readonly healthCheck: gcp.compute.HealthCheck;
    /** The instance template per slot (named after its content: a release is a new template). */
    public readonly instanceTemplates: Record<string, gcp.compute.InstanceTemplate>;
    /** The regional managed instance group per slot. */
    public readonly groups: Record<string, gcp.compute.RegionInstanceGroupManager>;
    /** The backend service per slot. */
    public readonly backendServices: Record<string, gcp.compute.BackendService>;
    /** The service account the instances run as. */
    public readonly serviceAccount: gcp.serviceaccount.Account;
    /** The Cloud Scheduler job of the daily rotation. */
    public readonly rotationJob: gcp.cloudscheduler.Job;

    constructor(name: string, args: GcpInstanceGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType(COMPONENT), name, {}, opts);
        const v = new Validator(COMPONENT, name);
        const plan = resolveGroupSlots(COMPONENT, name, args, Cloud.Gcp);
        const settings = groupSettings(v, args);
        if (args.region === undefined) {
            v.fail("region", "is required");
        }
        const prefix = dnsLabel(name).slice(0, 40).replace(/-$/, "");
        if (!/^[a-z]/.test(prefix)) {
            v.fail("name", `must start with a letter (GCP resource names), got ${JSON.stringify(name)}`);
        }
        const secretRefs = gcpSecretRefs(v, args.secrets ?? {});
        const project = args.project ?? gcp.organizations.getClientConfigOutput({ parent: this }).project;
        const labels = Object.fromEntries(
            Object.entries(settings.labels).map(([k, val]) => [
                gcpLabelValue(k),
                pulumi.output(val).apply(gcpLabelValue),
            ]),
        );
        const parent = { parent: this };
        const network = args.network ?? "default";
        const tag = `${prefix}-vm`;

        this.serviceAccount = new gcp.serviceaccount.Account(
            `${name}-vm`,
            {
                accountId: `${prefix.slice(0, 27).replace(/-$/, "")}-vm`.padEnd(6, "x"),
                displayName: `Instances of ${name}`,
                project: args.project,
            },
            parent,
        );
        const secretGrants = gcpSecretAccess(
            name,
            this,
            secretRefs,
            pulumi.interpolate`serviceAccount:${this.serviceAccount.email}`,
            args.project,
        );
        this.healthCheck = new gcp.compute.HealthCheck(
            `${name}-health`,
            {
                project: args.project,
                checkIntervalSec: 10,
                timeoutSec: 5,
                healthyThreshold: 2,
                unhealthyThreshold: 3,
                httpHealthCheck: { port: settings.port, requestPath: settings.healthPath },
            },
            parent,
        );
        new gcp.compute.Firewall(
            `${name}-lb`,
            {
                project: args.project,
                network,
                direction: "INGRESS",
                description: `${name}: the service port, from Google's load balancers and health checkers only`,
                allows: [{ protocol: "tcp", ports: [pulumi.output(settings.port).apply(String)] }],
                sourceRanges: GCP_LB_SOURCE_RANGES,
                targetTags: [tag],
            },
            parent,
        );
        const present = presentSlots(args);
        this.instanceTemplates = {};
        this.groups = {};
        this.backendServices = {};
        for (const slot of present) {
            const release = plan.apply((p) => p.releases[slot] as SlotRelease);
            const slotLabels = pulumi
                .all([pulumi.output(labels), slotProvenanceTags(v, Cloud.Gcp, slot, args[slot]!)])
                .apply(([group, provenance]) => ({ ...group, ...provenance }));
            this.instanceTemplates[slot] = instanceTemplate(this, name, prefix, slot, {
                args,
                settings,
                release,
                secretRefs,
                project,
                labels: slotLabels,
                network,
                tag,
                serviceAccount: this.serviceAccount,
            });
            this.groups[slot] = new gcp.compute.RegionInstanceGroupManager(
                `${name}-${slot}`,
                migArgs(prefix, slot, args, settings, this.instanceTemplates[slot], this.healthCheck),
                // The rotation renames the version (a rolling replace); the template is what a release changes.
                { parent: this, dependsOn: secretGrants, ignoreChanges: ["versions[*].name"] },
            );
            new gcp.compute.RegionAutoscaler(
                `${name}-${slot}`,
                {
                    project: args.project,
                    region: args.region,
                    target: this.groups[slot].id,
                    autoscalingPolicy: {
                        minReplicas: settings.minInstances,
                        maxReplicas: settings.maxInstances,
                        cooldownPeriod: 120,
                        cpuUtilization: { target: 0.6 },
                    },
                },
                parent,
            );
            this.backendServices[slot] = new gcp.compute.BackendService(
                `${name}-${slot}`,
                {
                    project: args.project,
                    loadBalancingScheme: "EXTERNAL_MANAGED",
                    protocol: "HTTP",
                    portName: "http",
                    timeoutSec: 30,
                    connectionDrainingTimeoutSec: 30,
                    healthChecks: this.healthCheck.id,
                    backends: [
                        { group: this.groups[slot].instanceGroup, balancingMode: "UTILIZATION", capacityScaler: 1 },
                    ],
                    description: `${name} slot ${slot}`,
                },
                parent,
            );
        }
        this.urlMap = new gcp.compute.URLMap(
            `${name}`,
            urlMapArgs(name, args.project, plan, this.backendServices),
            parent,
        );
        const proxy = new gcp.compute.TargetHttpProxy(
            `${name}`,
            { project: args.project, urlMap: this.urlMap.id },
            parent,
        );
        this.forwardingRule = new gcp.compute.GlobalForwardingRule(
            `${name}`,
            {
                project: args.project,
                loadBalancingScheme: "EXTERNAL_MANAGED",
                ipProtocol: "TCP",
                portRange: "80",
                target: proxy.id,
                labels,
            },
            parent,
        );
        this.rotationJob = scheduledWorkflows({
            name: prefix,
            parent: this,
            project,
            region: args.region,
            migs: present.map((slot) => this.groups[slot].name),
            instanceServiceAccount: this.serviceAccount,
            rotationHourUtc: settings.rotationHourUtc,
            chaosHourUtc: settings.chaosHourUtc,
            labels,
            dependsOn: Object.values(this.groups),
        });

        const outputs = slotOutputs(
            plan,
            pulumi.interpolate`http://${this.forwardingRule.ipAddress}`,
            (url, slot) => `${url}/?${SLOT_QUERY_KEY}=${slot}`,
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
            urlMap: this.urlMap,
            forwardingRule: this.forwardingRule,
            healthCheck: this.healthCheck,
            instanceTemplates: this.instanceTemplates,
            groups: this.groups,
            backendServices: this.backendServices,
            serviceAccount: this.serviceAccount,
            rotationJob: this.rotationJob,
        });
    }
}

/** What a slot's instance template is made of. */
interface TemplateInputs {
    args: GcpInstanceGroupArgs;
    settings: GroupSettings;
    release: pulumi.Output<SlotRelease>;
    secretRefs: Record<string, GcpSecretRef>;
    project: pulumi.Input<string>;
    labels: pulumi.Output<Record<string, string>>;
    network: pulumi.Input<string>;
    tag: string;
    serviceAccount: gcp.serviceaccount.Account;
}

/**
 * A slot's instance template, named `<prefix>-<slot>-<hash of its content>`: any change (a release above all) is
 * a new template, and the MIG rolls to it.
 */
function instanceTemplate(
    parent: pulumi.Resource,
    name: string,
    prefix: string,
    slot: Slot,
    i: TemplateInputs,
): gcp.compute.InstanceTemplate {
    const secrets = pulumi
        .all(Object.entries(i.secretRefs).map(([key, r]) => pulumi.all([key, r.secret, r.version, i.project])))
        .apply((refs) =>
            refs.map(([key, secret, version, project]) =>
                gcpSecretFetch(key, gcpSecretVersionName(secret, version, project)),
            ),
        );
    const userData = pulumi
        .all([i.release, i.settings.port, pulumi.all(i.settings.env), secrets, i.settings.appUnit, i.labels])
        .apply(([release, port, env, fetches, unit, labels]) =>
            bootScript({
                env: { ...env, PORT: String(port), RELEASE_SLOT: slot, RELEASE_VERSION: release.version },
                secrets: fetches,
                helpers: GCP_BOOT_HELPERS,
                release: `${release.version} ${release.image}${labels["image-sha256-hi"] ? ` sha256:${labels["image-sha256-hi"]}${labels["image-sha256-lo"]}` : ""}`,
                unit,
            }),
        );
    const content = {
        project: i.args.project,
        description: pulumi.interpolate`${name} ${slot}: ${i.release.version}`,
        machineType: i.args.machineType ?? "e2-small",
        disks: [{ boot: true, autoDelete: true, sourceImage: i.release.image, diskType: "pd-balanced" }],
        networkInterfaces: [{ network: i.network, subnetwork: i.args.subnetwork }],
        serviceAccount: { email: i.serviceAccount.email, scopes: ["cloud-platform"] },
        metadata: {
            "user-data": userData,
            "block-project-ssh-keys": "true",
            "enable-oslogin": "TRUE",
            "serial-port-enable": "FALSE",
        },
        shieldedInstanceConfig: {
            enableSecureBoot: i.settings.secureBoot,
            enableVtpm: true,
            enableIntegrityMonitoring: true,
        },
        scheduling: { automaticRestart: true, onHostMaintenance: "MIGRATE" },
        canIpForward: false,
        tags: [i.tag],
        labels: i.labels,
    };
    const templateName = pulumi.output(content).apply((c) => `${prefix.slice(0, 40)}-${slot}-${contentHash(c)}`);
    return new gcp.compute.InstanceTemplate(`${name}-${slot}`, { ...content, name: templateName }, { parent });
}

/** 10 hex digits of the sha256 of a template's content. */
function contentHash(content: unknown): string {
    return createHash("sha256").update(JSON.stringify(content)).digest("hex").slice(0, 10);
}

/** A slot's regional MIG: the template, auto-healing, and the proactive rolling replacement. */
function migArgs(
    prefix: string,
    slot: Slot,
    args: GcpInstanceGroupArgs,
    settings: GroupSettings,
    template: gcp.compute.InstanceTemplate,
    healthCheck: gcp.compute.HealthCheck,
): gcp.compute.RegionInstanceGroupManagerArgs {
    return {
        name: `${prefix}-${slot}`,
        project: args.project,
        region: args.region,
        baseInstanceName: `${prefix}-${slot}`.slice(0, 58),
        versions: [{ instanceTemplate: template.selfLinkUnique }],
        namedPorts: [{ name: "http", port: settings.port }],
        autoHealingPolicies: { healthCheck: healthCheck.id, initialDelaySec: 300 },
        // Regional MIGs: a fixed surge of at least the number of zones (3), nothing unavailable
        // (https://cloud.google.com/compute/docs/instance-groups/rolling-out-updates-to-managed-instance-groups#max_surge).
        updatePolicy: {
            type: "PROACTIVE",
            minimalAction: "REPLACE",
            mostDisruptiveAllowedAction: "REPLACE",
            replacementMethod: "SUBSTITUTE",
            instanceRedistributionType: "PROACTIVE",
            maxSurgeFixed: 3,
            maxUnavailableFixed: 0,
            minReadySec: 60,
        },
        instanceLifecyclePolicy: { forceUpdateOnRepair: "YES", defaultActionOnFailure: "REPAIR" },
        waitForInstances: false,
    };
}

/**
 * The URL map: every host to the slots by weight (the only inputs a flip changes, at the top level and in the
 * path matcher), and a route per slot for `?immutable-slot=<slot>`. Weights are 0-1000; ours are percents.
 */
function urlMapArgs(
    name: string,
    project: pulumi.Input<string> | undefined,
    plan: pulumi.Output<SlotPlan>,
    backends: Record<string, gcp.compute.BackendService>,
): gcp.compute.URLMapArgs {
    const weighted = Object.entries(backends).map(([slot, bs]) => ({
        backendService: bs.id,
        weight: plan.apply((p) => p.weights[slot as Slot] ?? 0),
    }));
    return {
        project,
        description: `${name}: blue-green by weight`,
        defaultRouteAction: { weightedBackendServices: weighted },
        hostRules: [{ hosts: ["*"], pathMatcher: "slots" }],
        pathMatchers: [
            {
                name: "slots",
                defaultRouteAction: { weightedBackendServices: weighted },
                routeRules: Object.entries(backends).map(([slot, bs], index) => ({
                    priority: index + 1,
                    matchRules: [
                        { prefixMatch: "/", queryParameterMatches: [{ name: SLOT_QUERY_KEY, exactMatch: slot }] },
                    ],
                    service: bs.id,
                })),
            },
        ],
    };
}
