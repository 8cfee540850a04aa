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
import { Cloud } from "../core/clouds";
import {
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
import { SLOT_QUERY_KEY, type SlotOutputs, slotOutputs, slotQueryUrl } from "../core/slotOutputs";
import { presentSlots, type Slot, type SlotPlan, type SlotRelease } from "../core/slots";
import { Validator } from "../core/validation";
import { type GcpSecretRef, gcpSecretAccess, gcpSecretRefs } from "./iam";
import { GCP_BOOT_HELPERS, gcpSecretFetch, gcpSecretVersionName } from "./instanceBoot";
import type { InstanceGroupGcpArgs } from "./instanceGroupArgs";
import { gcpLabels } from "./labels";
import { accountId } from "./limits";
import { scheduledWorkflows } from "./rotation";

const COMPONENT = "GcpInstanceGroup";

/** Where Google's load balancers and health checkers connect from (https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges). */
export const GCP_LB_SOURCE_RANGES = ["35.191.0.0/16", "130.211.0.0/22"];

export type { InstanceGroupGcpArgs } from "./instanceGroupArgs";

/** Args of {@link GcpInstanceGroup}: the shared instance group args plus the GCP specifics. */
export interface GcpInstanceGroupArgs extends InstanceGroupArgs, InstanceGroupGcpArgs {}

/** A blue-green group of phoenix Compute Engine instances behind a global load balancer; see the module comment. */
export class GcpInstanceGroup extends pulumi.ComponentResource implements SlotOutputs {
    /** The URL that takes the live traffic (the forwarding rule's address). */
    public readonly url!: pulumi.Output<string>;
    /** Per slot holding a release: a URL that reaches only that slot (smoke tests before the flip). */
    public readonly smokeTestUrls!: pulumi.Output<Record<string, string>>;
    /** The slot taking the traffic. */
    public readonly liveSlot!: pulumi.Output<string>;
    /** Traffic percent per slot. */
    public readonly trafficWeights!: pulumi.Output<Record<string, number>>;
    /** The release version per slot. */
    public readonly slotVersions!: pulumi.Output<Record<string, string>>;
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
        const prefix = checkGcpGroupArgs(v, name, args);
        const secretRefs = gcpSecretRefs(v, args.secrets ?? {});
        const project = args.project ?? gcp.organizations.getClientConfigOutput({ parent: this }).project;
        const labels = gcpLabels(settings.labels);
        const c: GcpGroupContext = {
            name,
            prefix,
            parent: this,
            args,
            settings,
            network: args.network ?? "default",
            tag: `${prefix}-vm`,
        };
        this.serviceAccount = instanceAccount(c);
        const member = pulumi.interpolate`serviceAccount:${this.serviceAccount.email}`;
        const secretGrants = gcpSecretAccess(name, this, secretRefs, member, args.project);
        this.healthCheck = healthAndFirewall(c);
        const present = presentSlots(args);
        const slots = gcpGroupSlots(
            c,
            { v, cloud: Cloud.Gcp, args, settings, plan, tags: labels, ...bootSecrets(secretRefs, project) },
            { slots: present, healthCheck: this.healthCheck, serviceAccount: this.serviceAccount, secretGrants },
        );
        this.instanceTemplates = slots.instanceTemplates;
        this.groups = slots.groups;
        this.backendServices = slots.backendServices;
        [this.urlMap, this.forwardingRule] = frontend(c, plan, this.backendServices, labels);
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
        const outputs = slotOutputs(plan, pulumi.interpolate`http://${this.forwardingRule.ipAddress}`, slotQueryUrl);
        Object.assign(this, outputs);
        this.registerOutputs(
            definedOutputs({
                ...outputs,
                urlMap: this.urlMap,
                forwardingRule: this.forwardingRule,
                healthCheck: this.healthCheck,
                instanceTemplates: this.instanceTemplates,
                groups: this.groups,
                backendServices: this.backendServices,
                serviceAccount: this.serviceAccount,
                rotationJob: this.rotationJob,
            }),
        );
    }
}

/** The region is required; returns the prefix of the group's resource names, which must start with a letter. */
function checkGcpGroupArgs(v: Validator, name: string, args: GcpInstanceGroupArgs): string {
    v.required(args, ["region"]);
    const prefix = groupPrefix(name);
    if (!/^[a-z]/.test(prefix)) {
        v.fail("name", `must start with a letter (GCP resource names), got ${JSON.stringify(name)}`);
    }
    return prefix;
}

/** What the group's builders share. */
interface GcpGroupContext {
    name: string;
    /** The prefix of resource names (a DNS label). */
    prefix: string;
    parent: pulumi.Resource;
    args: GcpInstanceGroupArgs;
    settings: GroupSettings;
    network: pulumi.Input<string>;
    /** The network tag of the instances (the firewall's target). */
    tag: string;
}

/** The service account the instances run as. */
function instanceAccount(c: GcpGroupContext): gcp.serviceaccount.Account {
    return new gcp.serviceaccount.Account(
        `${c.name}-vm`,
        {
            accountId: accountId(c.prefix, 27, "vm"),
            displayName: `Instances of ${c.name}`,
            project: c.args.project,
        },
        { parent: c.parent },
    );
}

/** The boot script's secret fetches: each reference at its pinned version, with the token helper they use. */
function bootSecrets(
    refs: Record<string, GcpSecretRef>,
    project: pulumi.Input<string>,
): Pick<GroupSlotContext, "secrets" | "helpers"> {
    const secrets = pulumi
        .all(Object.entries(refs).map(([key, r]) => pulumi.all([key, r.secret, r.version, project])))
        .apply((all) =>
            all.map(([key, secret, version, p]) => gcpSecretFetch(key, gcpSecretVersionName(secret, version, p))),
        );
    return { secrets, helpers: GCP_BOOT_HELPERS };
}

/**
 * The health check of the load balancer and of auto-healing, and the firewall rule that opens the service port
 * to Google's load balancers and health checkers only.
 */
function healthAndFirewall(c: GcpGroupContext): gcp.compute.HealthCheck {
    const healthCheck = new gcp.compute.HealthCheck(
        `${c.name}-health`,
        {
            project: c.args.project,
            checkIntervalSec: 10,
            timeoutSec: 5,
            healthyThreshold: 2,
            unhealthyThreshold: 3,
            httpHealthCheck: { port: c.settings.port, requestPath: c.settings.healthPath },
        },
        { parent: c.parent },
    );
    new gcp.compute.Firewall(
        `${c.name}-lb`,
        {
            project: c.args.project,
            network: c.network,
            direction: "INGRESS",
            description: `${c.name}: the service port, from Google's load balancers and health checkers only`,
            allows: [{ protocol: "tcp", ports: [pulumi.output(c.settings.port).apply(String)] }],
            sourceRanges: GCP_LB_SOURCE_RANGES,
            targetTags: [c.tag],
        },
        { parent: c.parent },
    );
    return healthCheck;
}

/** What every slot's resources wait for or point at. */
interface SlotWiring {
    slots: Slot[];
    healthCheck: gcp.compute.HealthCheck;
    serviceAccount: gcp.serviceaccount.Account;
    /** The secret grants the MIGs wait for (no instance boots before it may read its secrets). */
    secretGrants: pulumi.Resource[];
}

/** The resources of every slot holding a release. */
interface GcpGroupSlots {
    instanceTemplates: Record<string, gcp.compute.InstanceTemplate>;
    groups: Record<string, gcp.compute.RegionInstanceGroupManager>;
    backendServices: Record<string, gcp.compute.BackendService>;
}

/** Per slot holding a release: its instance template, its regional MIG with an autoscaler, its backend service. */
function gcpGroupSlots(c: GcpGroupContext, slotContext: GroupSlotContext, w: SlotWiring): GcpGroupSlots {
    const out: GcpGroupSlots = { instanceTemplates: {}, groups: {}, backendServices: {} };
    const parent = { parent: c.parent };
    for (const slot of w.slots) {
        const s = groupSlot(slotContext, slot);
        const template = instanceTemplate(c, slot, {
            release: s.release,
            userData: s.script,
            labels: s.tags,
            serviceAccount: w.serviceAccount,
        });
        const group = new gcp.compute.RegionInstanceGroupManager(
            `${c.name}-${slot}`,
            migArgs(c.prefix, slot, c.args, c.settings, template, w.healthCheck),
            // The rotation renames the version (a rolling replace); the template is what a release changes.
            { parent: c.parent, dependsOn: w.secretGrants, ignoreChanges: ["versions[*].name"] },
        );
        new gcp.compute.RegionAutoscaler(`${c.name}-${slot}`, autoscalerArgs(c, group), parent);
        out.instanceTemplates[slot] = template;
        out.groups[slot] = group;
        out.backendServices[slot] = new gcp.compute.BackendService(
            `${c.name}-${slot}`,
            {
                project: c.args.project,
                loadBalancingScheme: "EXTERNAL_MANAGED",
                protocol: "HTTP",
                portName: "http",
                timeoutSec: 30,
                connectionDrainingTimeoutSec: 30,
                healthChecks: w.healthCheck.id,
                backends: [{ group: group.instanceGroup, balancingMode: "UTILIZATION", capacityScaler: 1 }],
                description: `${c.name} slot ${slot}`,
            },
            parent,
        );
    }
    return out;
}

/** CPU autoscaling of a slot's MIG between the scaling bounds. */
function autoscalerArgs(
    c: GcpGroupContext,
    group: gcp.compute.RegionInstanceGroupManager,
): gcp.compute.RegionAutoscalerArgs {
    return {
        project: c.args.project,
        region: c.args.region,
        target: group.id,
        autoscalingPolicy: {
            minReplicas: c.settings.minInstances,
            maxReplicas: c.settings.maxInstances,
            cooldownPeriod: 120,
            cpuUtilization: { target: 0.6 },
        },
    };
}

/** The URL map (the only resource a flip changes), its HTTP proxy and the global forwarding rule. */
function frontend(
    c: GcpGroupContext,
    plan: pulumi.Output<SlotPlan>,
    backends: Record<string, gcp.compute.BackendService>,
    labels: Record<string, pulumi.Input<string>>,
): [gcp.compute.URLMap, gcp.compute.GlobalForwardingRule] {
    const parent = { parent: c.parent };
    const project = c.args.project;
    const urlMap = new gcp.compute.URLMap(`${c.name}`, urlMapArgs(c.name, project, plan, backends), parent);
    const proxy = new gcp.compute.TargetHttpProxy(`${c.name}`, { project, urlMap: urlMap.id }, parent);
    const forwardingRule = new gcp.compute.GlobalForwardingRule(
        `${c.name}`,
        {
            project,
            loadBalancingScheme: "EXTERNAL_MANAGED",
            ipProtocol: "TCP",
            portRange: "80",
            target: proxy.id,
            labels,
        },
        parent,
    );
    return [urlMap, forwardingRule];
}

/** What a slot's instance template is made of. */
interface TemplateInputs {
    release: pulumi.Output<SlotRelease>;
    /** The boot script (cloud-init's `user-data`). */
    userData: pulumi.Output<string>;
    labels: pulumi.Output<Record<string, string>>;
    serviceAccount: gcp.serviceaccount.Account;
}

/**
 * A slot's instance template, named `<prefix>-<slot>-<hash of its content>`: any change (a release above all) is
 * a new template, and the MIG rolls to it.
 */
function instanceTemplate(c: GcpGroupContext, slot: Slot, i: TemplateInputs): gcp.compute.InstanceTemplate {
    const content = {
        project: c.args.project,
        description: pulumi.interpolate`${c.name} ${slot}: ${i.release.version}`,
        machineType: c.args.machineType ?? "e2-small",
        disks: [{ boot: true, autoDelete: true, sourceImage: i.release.image, diskType: "pd-balanced" }],
        networkInterfaces: [{ network: c.network, subnetwork: c.args.subnetwork }],
        serviceAccount: { email: i.serviceAccount.email, scopes: ["cloud-platform"] },
        metadata: {
            "user-data": i.userData,
            "block-project-ssh-keys": "true",
            "enable-oslogin": "TRUE",
            "serial-port-enable": "FALSE",
        },
        shieldedInstanceConfig: {
            enableSecureBoot: c.settings.secureBoot,
            enableVtpm: true,
            enableIntegrityMonitoring: true,
        },
        scheduling: { automaticRestart: true, onHostMaintenance: "MIGRATE" },
        canIpForward: false,
        tags: [c.tag],
        labels: i.labels,
    };
    const templateName = pulumi.output(content).apply((x) => `${c.prefix.slice(0, 40)}-${slot}-${contentHash(x)}`);
    return new gcp.compute.InstanceTemplate(
        `${c.name}-${slot}`,
        { ...content, name: templateName },
        { parent: c.parent },
    );
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
