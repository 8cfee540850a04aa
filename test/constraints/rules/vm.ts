/**
 * What the clouds enforce on machine images and instance groups, and what our phoenix contract holds them to,
 * as checks over synthesized resources (the mocks accept anything). Each rule names the documentation it rests
 * on. VM_CONSTRAINTS judge one synthesis; RELEASE_PAIR_CONSTRAINTS two syntheses of one program before and after
 * a release; FLIP_CONSTRAINT two syntheses before and after a flip of `live`.
 */
import type { Synthesis } from "../../../bin/lib/synthesize";
import { unusableSshPublicKey } from "../../../components/azure/instanceBoot";
import { Cloud } from "../../../components/core/clouds";
import { PROVENANCE_TAG, sha256OfTags } from "../../../components/core/machineImageRelease";
import { plain } from "../../components/support/clouds";
import { type Constraint, DNS_LABEL, ofType, type PairConstraint } from "../constraint";

const AMI = "aws:ec2/ami:Ami";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const ASG = "aws:autoscaling/group:Group";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const IMAGE = "gcp:compute/image:Image";
const TEMPLATE = "gcp:compute/instanceTemplate:InstanceTemplate";
const MIG = "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager";
const FIREWALL = "gcp:compute/firewall:Firewall";
const JOB = "gcp:cloudscheduler/job:Job";
const WORKFLOW = "gcp:workflows/workflow:Workflow";
const FORWARDING = "gcp:compute/globalForwardingRule:GlobalForwardingRule";
const GALLERY_VERSION = "azure-native:compute:GalleryImageVersion";
const VMSS = "azure-native:compute:VirtualMachineScaleSet";
const NSG = "azure-native:network:NetworkSecurityGroup";
const LB = "azure-native:network:LoadBalancer";
const LOGIC = "azure-native:logic:Workflow";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";

/** The traffic resources of the instance groups (the one resource a flip may change). */
export const VM_TRAFFIC_TYPES = ["aws:lb/listener:Listener", "gcp:compute/uRLMap:URLMap", LB];

/** Provenance tags / labels of a resource, by cloud. */
function provenanceOf(type: string, i: any): { cloud: Cloud; tags: Record<string, string> } | undefined {
    switch (type) {
        case AMI:
            return { cloud: Cloud.Aws, tags: i.tags ?? {} };
        case LT:
            return {
                cloud: Cloud.Aws,
                tags: (i.tagSpecifications ?? []).find((t: any) => t.resourceType === "instance")?.tags ?? {},
            };
        case IMAGE:
        case TEMPLATE:
            return { cloud: Cloud.Gcp, tags: i.labels ?? {} };
        case GALLERY_VERSION:
        case VMSS:
            return { cloud: Cloud.Azure, tags: i.tags ?? {} };
        default:
            return undefined;
    }
}

/** Inbound rules that reach port 22, from the three ways our groups open ports. */
function sshIngress(s: Synthesis): Array<{ urn: string; message: string }> {
    const covers22 = (from: number, to: number) => from <= 22 && 22 <= to;
    const out: Array<{ urn: string; message: string }> = [];
    for (const sg of ofType(s, SG)) {
        for (const rule of sg.plain.ingress ?? []) {
            if (rule.protocol === "-1" || covers22(Number(rule.fromPort), Number(rule.toPort))) {
                out.push({ urn: sg.urn, message: `ingress ${rule.fromPort}-${rule.toPort} reaches SSH` });
            }
        }
    }
    for (const fw of ofType(s, FIREWALL)) {
        for (const allow of fw.plain.allows ?? []) {
            const ports: string[] = allow.ports ?? [];
            const reaches =
                ports.length === 0 ||
                ports.some((p) => {
                    const [from, to] = p.split("-").map(Number);
                    return covers22(from, to ?? from);
                });
            if (reaches) {
                out.push({
                    urn: fw.urn,
                    message: `allows ${allow.protocol} ${ports.join(",") || "(all ports)"}, SSH included`,
                });
            }
        }
    }
    for (const nsg of ofType(s, NSG)) {
        for (const rule of nsg.plain.securityRules ?? []) {
            const range = String(rule.destinationPortRange ?? "");
            const [from, to] = range === "*" ? [0, 65535] : range.split("-").map(Number);
            if (rule.access === "Allow" && rule.direction === "Inbound" && covers22(from, to ?? from)) {
                out.push({ urn: nsg.urn, message: `rule ${rule.name} allows ${range}, SSH included` });
            }
        }
    }
    return out;
}

export const VM_CONSTRAINTS: Constraint[] = [
    {
        id: "vm.provenance.identical-across-clouds",
        description:
            "Every image and instance template of one release carries the same version, git commit and raw disk sha256 on every cloud (GCP labels hold 63 of [a-z0-9_-]: the sha256 as two halves).",
        doc: "https://cloud.google.com/compute/docs/labeling-resources#requirements",
        types: [AMI, LT, IMAGE, TEMPLATE, GALLERY_VERSION, VMSS],
        check: (s) => {
            const byVersion = new Map<string, { sha256?: string; gitSha?: string; urn: string }>();
            const out: Array<{ urn: string; message: string }> = [];
            for (const r of s.resources) {
                const p = provenanceOf(r.type, plain(r.inputs));
                if (!p) continue;
                const version = p.tags[PROVENANCE_TAG.version];
                if (!version) {
                    out.push({ urn: r.urn, message: `no ${PROVENANCE_TAG.version} tag/label` });
                    continue;
                }
                const seen = {
                    sha256: sha256OfTags(p.cloud, p.tags),
                    gitSha: p.tags[PROVENANCE_TAG.gitSha],
                    urn: r.urn,
                };
                const key = version.toLowerCase().replace(/[^a-z0-9_-]/g, "-");
                const first = byVersion.get(key);
                if (!first) {
                    byVersion.set(key, seen);
                } else if (first.sha256 !== seen.sha256 || first.gitSha !== seen.gitSha) {
                    out.push({
                        urn: r.urn,
                        message: `version ${version}: sha256 ${seen.sha256} / git ${seen.gitSha}, elsewhere ${first.sha256} / ${first.gitSha}`,
                    });
                }
            }
            return out;
        },
    },
    {
        id: "vm.access.no-ssh",
        description:
            "No way in: no key pair on a launch template, no SSH keys in GCP metadata and project keys blocked, Azure password authentication off with only the key nobody holds, no inbound rule reaching port 22.",
        doc: "https://cloud.google.com/compute/docs/connect/restrict-ssh-keys#block-keys",
        types: [LT, TEMPLATE, VMSS, SG, FIREWALL, NSG],
        check: (s) => [
            ...ofType(s, LT)
                .filter((lt) => lt.plain.keyName)
                .map((lt) => ({ urn: lt.urn, message: `installs key pair ${lt.plain.keyName}` })),
            ...ofType(s, TEMPLATE).flatMap((t) => {
                const m = t.plain.metadata ?? {};
                const out = [];
                if (m["ssh-keys"] || m.sshKeys) out.push({ urn: t.urn, message: "SSH keys in metadata" });
                if (String(m["block-project-ssh-keys"]).toLowerCase() !== "true")
                    out.push({ urn: t.urn, message: "project SSH keys not blocked" });
                return out;
            }),
            ...ofType(s, VMSS).flatMap((v) => {
                const os = v.plain.virtualMachineProfile?.osProfile ?? {};
                const keys: string[] = (os.linuxConfiguration?.ssh?.publicKeys ?? []).map((k: any) => k.keyData);
                const out = [];
                if (os.linuxConfiguration?.disablePasswordAuthentication !== true || os.adminPassword)
                    out.push({ urn: v.urn, message: "password authentication on" });
                if (keys.some((k) => k !== unusableSshPublicKey()))
                    out.push({ urn: v.urn, message: "an SSH key someone may hold" });
                return out;
            }),
            ...sshIngress(s),
        ],
    },
    {
        id: "aws.asg.lifetime",
        description:
            "An Auto Scaling group's maxInstanceLifetime is 0 or 86,400-31,536,000 seconds; ours sets one (phoenix).",
        doc: "https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-max-instance-lifetime.html",
        types: [ASG],
        check: (s) =>
            ofType(s, ASG)
                .filter(
                    (g) =>
                        !(
                            Number(g.plain.maxInstanceLifetime) >= 86400 &&
                            Number(g.plain.maxInstanceLifetime) <= 31536000
                        ),
                )
                .map((g) => ({ urn: g.urn, message: `maxInstanceLifetime ${g.plain.maxInstanceLifetime}` })),
    },
    {
        id: "aws.asg.instance-refresh",
        description:
            "An instance refresh's checkpoints rise and end at 100, its healthy percentages are 0-100 (min) and 100-200 (max), and the group names a launch template version by number (a refresh never starts on $Latest).",
        doc: "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html",
        types: [ASG],
        check: (s) =>
            ofType(s, ASG).flatMap((g) => {
                const p = g.plain.instanceRefresh?.preferences ?? {};
                const points: number[] = p.checkpointPercentages ?? [];
                const out = [];
                if (!/^\d+$/.test(String(g.plain.launchTemplate?.version)))
                    out.push(`launch template version ${g.plain.launchTemplate?.version}`);
                if (
                    points.length > 0 &&
                    (points[points.length - 1] !== 100 || points.some((x, i) => i > 0 && x <= points[i - 1]))
                )
                    out.push(`checkpoints ${points.join(",")}`);
                if (
                    p.minHealthyPercentage !== undefined &&
                    (p.minHealthyPercentage < 0 || p.minHealthyPercentage > 100)
                )
                    out.push(`minHealthyPercentage ${p.minHealthyPercentage}`);
                if (
                    p.maxHealthyPercentage !== undefined &&
                    (p.maxHealthyPercentage < 100 || p.maxHealthyPercentage > 200)
                )
                    out.push(`maxHealthyPercentage ${p.maxHealthyPercentage}`);
                return out.map((message) => ({ urn: g.urn, message }));
            }),
    },
    {
        id: "gcp.mig.regional-surge",
        description:
            "A regional MIG's fixed surge and unavailability are 0 or at least its number of zones (3 by default).",
        doc: "https://cloud.google.com/compute/docs/instance-groups/rolling-out-updates-to-managed-instance-groups#max_surge",
        types: [MIG],
        check: (s) =>
            ofType(s, MIG).flatMap((m) => {
                const zones = (m.plain.distributionPolicyZones ?? []).length || 3;
                const u = m.plain.updatePolicy ?? {};
                return (["maxSurgeFixed", "maxUnavailableFixed"] as const)
                    .filter((k) => u[k] !== undefined && u[k] !== 0 && u[k] < zones)
                    .map((k) => ({ urn: m.urn, message: `${k} ${u[k]} is below ${zones} zones` }));
            }),
    },
    {
        id: "gcp.compute.names-and-labels",
        description:
            "Compute names (images, templates, MIGs) are DNS labels of at most 63; labels are at most 63 of [a-z0-9_-], keys starting with a letter.",
        doc: "https://cloud.google.com/compute/docs/naming-resources#resource-name-format",
        types: [IMAGE, TEMPLATE, MIG, FORWARDING],
        check: (s) =>
            [...ofType(s, IMAGE), ...ofType(s, TEMPLATE), ...ofType(s, MIG), ...ofType(s, FORWARDING)].flatMap((r) => {
                const out = [];
                const name = r.plain.name;
                if (name !== undefined && (!DNS_LABEL.test(String(name)) || String(name).length > 63))
                    out.push(`name ${JSON.stringify(name)}`);
                for (const [k, v] of Object.entries<string>(r.plain.labels ?? {})) {
                    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(k) || !/^[a-z0-9_-]{0,63}$/.test(String(v)))
                        out.push(`label ${k}=${v}`);
                }
                return out.map((message) => ({ urn: r.urn, message }));
            }),
    },
    {
        id: "gcp.rotation.every-mig",
        description:
            "Every MIG is rolled daily by a Cloud Scheduler job (a five-field cron, UTC) that runs a workflow, as GCP has no instance lifetime.",
        doc: "https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules",
        types: [MIG],
        check: (s) => {
            const rolled = new Set<string>();
            for (const job of ofType(s, JOB)) {
                const body = job.plain.httpTarget?.body;
                const workflow = ofType(s, WORKFLOW).find((w) =>
                    job.plain.httpTarget?.uri?.endsWith(`/workflows/${w.plain.name}/executions`),
                );
                if (
                    !body ||
                    !workflow ||
                    !/regionInstanceGroupManagers\.patch/.test(workflow.plain.sourceContents ?? "")
                )
                    continue;
                if (!/^\d{1,2} \d{1,2} \* \* \*$/.test(String(job.plain.schedule))) continue;
                for (const mig of JSON.parse(JSON.parse(Buffer.from(body, "base64").toString()).argument).migs ?? [])
                    rolled.add(mig);
            }
            return ofType(s, MIG)
                .filter((m) => !rolled.has(m.plain.name))
                .map((m) => ({ urn: m.urn, message: `no daily rotation rolls ${m.plain.name}` }));
        },
    },
    {
        id: "azure.lb.one-rule-per-pool-port",
        description: "Without floating IP, no two load-balancing rules send to the same backend pool and port.",
        doc: "https://learn.microsoft.com/azure/load-balancer/load-balancer-multivip-overview",
        types: [LB],
        check: (s) =>
            ofType(s, LB).flatMap((lb) => {
                const seen = new Map<string, string>();
                const out = [];
                for (const rule of lb.plain.loadBalancingRules ?? []) {
                    if (rule.enableFloatingIP) continue;
                    const key = `${rule.backendAddressPool?.id}:${rule.backendPort}`;
                    if (seen.has(key))
                        out.push({
                            urn: lb.urn,
                            message: `rules ${seen.get(key)} and ${rule.name} both send to ${key}`,
                        });
                    seen.set(key, rule.name);
                }
                return out;
            }),
    },
    {
        id: "azure.vmss.rolling-needs-probe-on-rule",
        description:
            "A scale set with the Rolling upgrade policy names a health probe that a load-balancing rule of its backend pool uses (or an application health extension).",
        doc: "https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-configure-rolling-upgrades",
        types: [VMSS],
        check: (s) =>
            ofType(s, VMSS)
                .filter((v) => v.plain.upgradePolicy?.mode === "Rolling")
                .flatMap((v) => {
                    const probe = v.plain.virtualMachineProfile?.networkProfile?.healthProbe?.id;
                    const pools: string[] = (
                        v.plain.virtualMachineProfile?.networkProfile?.networkInterfaceConfigurations ?? []
                    )
                        .flatMap((n: any) => n.ipConfigurations ?? [])
                        .flatMap((ip: any) => (ip.loadBalancerBackendAddressPools ?? []).map((p: any) => p.id));
                    const rules = ofType(s, LB).flatMap((lb) => lb.plain.loadBalancingRules ?? []);
                    const used = rules.some(
                        (r: any) => r.probe?.id === probe && pools.includes(r.backendAddressPool?.id),
                    );
                    return probe && used
                        ? []
                        : [
                              {
                                  urn: v.urn,
                                  message: `probe ${probe ?? "(none)"} is on no rule of pools ${pools.join(", ")}`,
                              },
                          ];
                }),
    },
    {
        id: "azure.gallery.version-name",
        description: "A gallery image version is named major.minor.patch, each a 32-bit integer.",
        doc: "https://learn.microsoft.com/azure/virtual-machines/shared-image-galleries#image-versions",
        types: [GALLERY_VERSION],
        check: (s) =>
            ofType(s, GALLERY_VERSION)
                .filter((g) => {
                    const parts = String(g.plain.galleryImageVersionName).split(".");
                    return parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p) || Number(p) > 2147483647);
                })
                .map((g) => ({
                    urn: g.urn,
                    message: `version name ${JSON.stringify(g.plain.galleryImageVersionName)}`,
                })),
    },
    {
        id: "azure.rotation.every-scale-set",
        description:
            "Every scale set is rotated daily by a Logic App recurrence whose identity holds Virtual Machine Contributor on it, as Azure has no instance lifetime.",
        doc: "https://learn.microsoft.com/azure/logic-apps/concepts-schedule-automated-recurring-tasks-workflows",
        types: [VMSS],
        check: (s) =>
            ofType(s, VMSS).flatMap((v) => {
                const id = v.outputs.id;
                const app = ofType(s, LOGIC).find((w) => {
                    const d = w.plain.definition ?? {};
                    const daily = Object.values<any>(d.triggers ?? {}).some(
                        (t) => t.type === "Recurrence" && t.recurrence?.frequency === "Day",
                    );
                    const patches = Object.values<any>(d.actions ?? {}).some(
                        (a) => a.inputs?.method === "PATCH" && String(a.inputs?.uri).includes(`${id}?`),
                    );
                    return daily && patches;
                });
                if (!app) return [{ urn: v.urn, message: "no daily rotation patches it" }];
                const granted = ofType(s, ROLE_ASSIGNMENT).some(
                    (r) =>
                        r.plain.scope === id && /9980e02c-c2be-4d73-94e8-173b1dc7cf3c$/.test(r.plain.roleDefinitionId),
                );
                return granted
                    ? []
                    : [{ urn: v.urn, message: "the rotation may not change it (no Virtual Machine Contributor)" }];
            }),
    },
];

/** The template of each slot (launch template, instance template, scale set) by URN. */
function templates(s: Synthesis): Map<string, { type: string; inputs: any }> {
    return new Map(
        s.resources
            .filter((r) => [LT, TEMPLATE, VMSS].includes(r.type))
            .map((r) => [r.urn, { type: r.type, inputs: plain(r.inputs) }]),
    );
}

/** The image a template boots. */
function imageOf(type: string, i: any): string | undefined {
    return type === LT
        ? i.imageId
        : type === TEMPLATE
          ? i.disks?.find((d: any) => d.boot)?.sourceImage
          : i.virtualMachineProfile?.storageProfile?.imageReference?.id;
}

export const RELEASE_PAIR_CONSTRAINTS: PairConstraint[] = [
    {
        id: "vm.release.replaces-instances",
        description:
            "A new image replaces instances, never changes them in place: an instance template is immutable (a new one, by name), a launch template change is a new version the group follows by number with an instance refresh, a scale set changes under a Rolling upgrade policy.",
        doc: "https://cloud.google.com/compute/docs/instance-templates",
        check: (before, after) => {
            const a = templates(before);
            const out: Array<{ urn: string; message: string }> = [];
            for (const [urn, t] of templates(after)) {
                const old = a.get(urn);
                if (!old || imageOf(old.type, old.inputs) === imageOf(t.type, t.inputs)) continue;
                if (t.type === TEMPLATE && old.inputs.name === t.inputs.name) {
                    out.push({ urn, message: `template ${t.inputs.name} keeps its name with a new image` });
                }
                if (t.type === LT) {
                    const group = after.resources.find(
                        (r) =>
                            r.type === ASG &&
                            plain(r.inputs).launchTemplate?.id ===
                                plain(after.resources.find((x) => x.urn === urn)!.outputs).id,
                    );
                    const g = group ? plain(group.inputs) : undefined;
                    if (
                        !g ||
                        !/^\d+$/.test(String(g.launchTemplate.version)) ||
                        g.instanceRefresh?.strategy !== "Rolling"
                    ) {
                        out.push({
                            urn,
                            message: "the group does not follow the new version by number with a rolling refresh",
                        });
                    }
                }
                if (t.type === VMSS && !["Rolling", "Automatic"].includes(t.inputs.upgradePolicy?.mode)) {
                    out.push({
                        urn,
                        message: `upgradePolicy ${t.inputs.upgradePolicy?.mode}: the new image reaches no running instance`,
                    });
                }
            }
            return out;
        },
    },
];

/** Before and after a flip of `live`: exactly one resource changes, a traffic resource. */
export const FLIP_CONSTRAINT: PairConstraint = {
    id: "vm.flip.one-traffic-resource",
    description:
        "A flip of live changes exactly one resource, the traffic resource (listener weights, URL map weights, load balancer rules), and creates or deletes nothing.",
    doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#rule-action-types",
    check: (before, after) => {
        const b = new Map(before.resources.map((r) => [r.urn, JSON.stringify(plain(r.inputs))]));
        const a = new Map(after.resources.map((r) => [r.urn, JSON.stringify(plain(r.inputs))]));
        const out: Array<{ urn: string; message: string }> = [];
        for (const urn of new Set([...a.keys(), ...b.keys()])) {
            if (!a.has(urn) || !b.has(urn))
                out.push({ urn, message: a.has(urn) ? "created by a flip" : "deleted by a flip" });
        }
        const changed = after.resources.filter((r) => b.has(r.urn) && b.get(r.urn) !== a.get(r.urn));
        if (changed.length !== 1 || !VM_TRAFFIC_TYPES.includes(changed[0].type)) {
            for (const r of changed)
                out.push({ urn: r.urn, message: `changed by a flip (${changed.length} resources changed)` });
        }
        return out;
    },
};
