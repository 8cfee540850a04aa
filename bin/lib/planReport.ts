/**
 * What `plan` reports about one synthesized stack, read from the registrations the engine would receive:
 * resources grouped by the component that owns them, the image digest each cloud deploys, and the traffic
 * split between the blue and green slots (ECS listener weights, Cloud Run traffic, Container Apps traffic).
 */
import { type Cloud, cloudOfImageRef, cloudOfType } from "../../components/core/clouds";
import { sha256OfTags } from "../../components/core/machineImageRelease";
import { SECRET_SIG, SIG_KEY, UNKNOWN } from "../../policy/wire";
import type { SynthesizedResource } from "./synthesize";

/** Resources owned by one component (the nearest component ancestor; the stack itself for top-level ones). */
export interface ComponentGroup {
    /** The component's URN (the stack's URN for top-level resources). */
    urn: string;
    /** `type::name`. */
    component: string;
    /** Custom (cloud) resources under it, directly or through child components without their own group. */
    resources: number;
    /** The resource types and how many of each. */
    types: Record<string, number>;
}

/** One traffic target of a service. */
export interface TrafficEntry {
    cloud: string;
    /** The service component's `type::name`, or the traffic resource's when no component reports its slots. */
    resource: string;
    /** The slot (`blue` / `green`) when it can be told from the names, else the revision / target. */
    slot: string;
    /** Percent of the traffic. */
    weight: number;
    /** The release the slot runs, when known. */
    release?: string;
    /** True for the slot named `live`, when the service reports it. */
    live?: boolean;
}

/** The digest(s) each cloud runs. */
export type DigestsByCloud = Record<string, string[]>;

/** Resource types that boot a machine image (instances, templates, scale sets). */
const BOOTS =
    /:(\w*Instance|LaunchTemplate|LaunchConfiguration|\w*InstanceTemplate|VirtualMachine|VirtualMachineScaleSet)$/;

const PINNED = /([a-z0-9][a-z0-9._:/-]*?)@(sha256:[0-9a-f]{64})/g;

/** Groups custom resources by their nearest component ancestor. */
export function groupByComponent(resources: SynthesizedResource[]): ComponentGroup[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const groups = new Map<string, ComponentGroup>();
    for (const r of resources) {
        if (!r.custom || r.type.startsWith("pulumi:providers:")) {
            continue;
        }
        let owner = r.parent ? byUrn.get(r.parent) : undefined;
        while (owner && owner.custom) {
            owner = owner.parent ? byUrn.get(owner.parent) : undefined;
        }
        const urn = owner?.urn ?? "";
        const group = groups.get(urn) ?? {
            urn,
            component: owner && owner.type !== "pulumi:pulumi:Stack" ? `${owner.type}::${owner.name}` : "(stack)",
            resources: 0,
            types: {},
        };
        group.resources++;
        group.types[r.type] = (group.types[r.type] ?? 0) + 1;
        groups.set(urn, group);
    }
    return [...groups.values()].sort((a, b) => a.component.localeCompare(b.component));
}

/** Calls `fn` on every plain object inside a value (tag and label maps among them). */
function forEachRecord(value: unknown, fn: (record: Record<string, unknown>) => void): void {
    if (Array.isArray(value)) {
        for (const v of value) forEachRecord(v, fn);
    } else if (value && typeof value === "object") {
        fn(value as Record<string, unknown>);
        for (const v of Object.values(value)) forEachRecord(v, fn);
    }
}

/** Every `repo@sha256:...` reference in a value (JSON text inside strings included). */
function pinnedRefs(value: unknown, into: Set<string>): void {
    if (typeof value === "string") {
        if (value.includes("@sha256:")) {
            for (const m of value.matchAll(PINNED)) into.add(`${m[1]}@${m[2]}`);
        }
    } else if (Array.isArray(value)) {
        for (const v of value) pinnedRefs(v, into);
    } else if (value && typeof value === "object") {
        for (const v of Object.values(value)) pinnedRefs(v, into);
    }
}

/**
 * The digests per cloud: the images the stack's resources run (cloud from the registry host, else from the
 * resource's provider), the raw disk sha256 of the machine images its instances boot (their provenance tags,
 * components/core/machineImageRelease.ts), and for a build stack the per-cloud refs of its outputs
 * (`refs: {aws, gcp, azure}`).
 */
export function digestsByCloud(resources: SynthesizedResource[], outputs: Record<string, unknown>): DigestsByCloud {
    const found: Record<string, Set<string>> = {};
    const add = (cloud: string | undefined, ref: string) => {
        const digest = ref.slice(ref.indexOf("@") + 1);
        (found[cloud ?? "other"] ??= new Set()).add(digest);
    };
    for (const r of resources) {
        if (!r.custom) continue;
        const refs = new Set<string>();
        pinnedRefs(r.inputs, refs);
        for (const ref of refs) add(cloudOfImageRef(ref) ?? cloudOfType(r.type), ref);
    }
    // VM groups: the raw disk sha256 of the machine image their templates boot (the provenance tags MachineImage
    // sets and the instance groups copy), one identity across clouds as a digest is for containers.
    for (const r of resources) {
        const cloud = r.custom ? cloudOfType(r.type) : undefined;
        const sha256 = cloud ? vmDiskSha256(r.type, r.inputs, cloud) : undefined;
        if (sha256) (found[cloud!] ??= new Set()).add(sha256);
    }
    // Machine images: the raw disk's sha256 in the provenance tags / labels of what boots it.
    for (const r of resources) {
        const cloud = r.custom ? cloudOfType(r.type) : undefined;
        // The images themselves and the build's roles carry the tags too: only what boots one counts.
        if (!cloud || !BOOTS.test(r.type)) continue;
        forEachRecord(r.inputs, (tags) => {
            const sha = sha256OfTags(cloud, tags as Record<string, string>);
            if (sha) (found[cloud] ??= new Set()).add(sha);
        });
    }
    const outRefs = outputs.refs;
    if (outRefs && typeof outRefs === "object") {
        for (const [key, ref] of Object.entries(outRefs as Record<string, unknown>)) {
            if (typeof ref === "string" && ref.includes("@sha256:"))
                add(["aws", "gcp", "azure"].includes(key) ? key : cloudOfImageRef(ref), ref);
        }
    }
    const result: DigestsByCloud = {};
    for (const cloud of ["aws", "gcp", "azure", "other"]) {
        if (found[cloud]) result[cloud] = [...found[cloud]].sort();
    }
    return result;
}

/** The disk sha256 a VM template's provenance tags carry (launch template, instance template, scale set). */
function vmDiskSha256(type: string, inputs: Record<string, unknown>, cloud: Cloud): string | undefined {
    const tags = (value: unknown) => (isRecord(value) ? (value as Record<string, string>) : {});
    switch (type) {
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return sha256OfTags(cloud, tags(inputs.tags));
        case "gcp:compute/instanceTemplate:InstanceTemplate":
        case "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate":
            return sha256OfTags(cloud, tags(inputs.labels));
        case "azure-native:compute:VirtualMachineScaleSet":
            return sha256OfTags(cloud, tags(inputs.tags));
        default:
            return undefined;
    }
}

function slotOf(...names: Array<string | undefined>): string | undefined {
    for (const name of names) {
        const m = /(?:^|[^a-z])(blue|green)(?:[^a-z]|$)/i.exec(name ?? "");
        if (m) return m[1].toLowerCase();
    }
    return undefined;
}

function num(value: unknown): number | undefined {
    return typeof value === "number"
        ? value
        : typeof value === "string" && /^\d+(\.\d+)?$/.test(value)
          ? Number(value)
          : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The slots of every blue-green service: the service components' registered outputs (`liveSlot`,
 * `trafficWeights` {slot: percent}, `slotVersions` {slot: version}) and, for traffic resources outside such a
 * component, the resources themselves (listener weights, Cloud Run traffic, Container Apps traffic).
 */
export function trafficOf(resources: SynthesizedResource[]): TrafficEntry[] {
    const entries: TrafficEntry[] = [];
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    // Service components only: the stack's own outputs may repeat a service's weights. A facade wrapping a
    // per-cloud service repeats them too: the outermost component (the one the program wrote) reports.
    const reports = (r: SynthesizedResource) =>
        !r.custom && r.type !== "pulumi:pulumi:Stack" && isRecord(r.registeredOutputs?.trafficWeights);
    const reporters = resources.filter(reports);
    const reported = new Set<string>();
    for (const r of reporters) {
        if (reporters.some((outer) => outer !== r && ownedBy(r, outer.urn, byUrn))) continue;
        const out = r.registeredOutputs!;
        reported.add(r.urn);
        const versions = isRecord(out.slotVersions) ? out.slotVersions : {};
        const child = resources.find((c) => c.custom && cloudOfType(c.type) !== undefined && ownedBy(c, r.urn, byUrn));
        const cloud = child ? cloudOfType(child.type) : undefined;
        for (const [slot, weight] of Object.entries(out.trafficWeights as Record<string, unknown>)) {
            entries.push({
                cloud: cloud ?? "other",
                resource: `${r.type.split(":").pop()}::${r.name}`,
                slot,
                weight: num(weight) ?? 0,
                release: typeof versions[slot] === "string" ? (versions[slot] as string) : undefined,
                live: typeof out.liveSlot === "string" ? out.liveSlot === slot : undefined,
            });
        }
    }
    const inReported = (r: SynthesizedResource) => [...reported].some((urn) => ownedBy(r, urn, byUrn));
    // Target groups by ARN (mock outputs) and by name, so listener weights can name their slot.
    const targetGroups = new Map<string, SynthesizedResource>();
    for (const r of resources) {
        if (r.type === "aws:lb/targetGroup:TargetGroup" || r.type === "aws:alb/targetGroup:TargetGroup") {
            for (const key of [r.outputs.arn, r.outputs.id, r.inputs.name, r.outputs.name]) {
                if (typeof key === "string") targetGroups.set(key, r);
            }
        }
    }
    for (const r of resources) {
        if (inReported(r)) continue;
        const resource = `${r.type.split(":").pop()}::${r.name}`;
        if (/^aws:(lb|alb)\/(listener|listenerRule):/.test(r.type)) {
            const actions = (r.inputs.defaultActions ?? r.inputs.actions) as any[] | undefined;
            for (const action of Array.isArray(actions) ? actions : []) {
                const groups = action?.forward?.targetGroups;
                if (!Array.isArray(groups)) continue;
                for (const g of groups) {
                    const tg = targetGroups.get(String(g?.arn));
                    entries.push({
                        cloud: "aws",
                        resource,
                        slot: slotOf(tg?.name, String(g?.arn)) ?? tg?.name ?? String(g?.arn),
                        weight: num(g?.weight) ?? 0,
                    });
                }
            }
        } else if (r.type === "gcp:cloudrunv2/service:Service") {
            for (const t of Array.isArray(r.inputs.traffics) ? (r.inputs.traffics as any[]) : []) {
                entries.push({
                    cloud: "gcp",
                    resource,
                    slot: slotOf(t?.tag, t?.revision) ?? t?.revision ?? t?.type ?? "latest",
                    weight: num(t?.percent) ?? 0,
                    release: t?.revision,
                });
            }
        } else if (r.type === "azure-native:app:ContainerApp") {
            const traffic = (r.inputs.configuration as any)?.ingress?.traffic;
            for (const t of Array.isArray(traffic) ? traffic : []) {
                entries.push({
                    cloud: "azure",
                    resource,
                    slot: slotOf(t?.label, t?.revisionName) ?? t?.revisionName ?? "latest",
                    weight: num(t?.weight) ?? 0,
                    release: t?.revisionName,
                });
            }
        }
    }
    return entries;
}

/** True when `r` is under the component `ancestor` (at any depth). */
function ownedBy(r: SynthesizedResource, ancestor: string, byUrn: Map<string, SynthesizedResource>): boolean {
    let parent = r.parent;
    while (parent) {
        if (parent === ancestor) return true;
        parent = byUrn.get(parent)?.parent;
    }
    return false;
}

/** A wire-format property map as plain JSON for people and scripts: secrets masked, unknowns marked. */
export function plainProperties(value: unknown): unknown {
    if (value === UNKNOWN) return "[unknown]";
    if (Array.isArray(value)) return value.map(plainProperties);
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === SECRET_SIG) return "[secret]";
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) out[k] = plainProperties(v);
        return out;
    }
    return value;
}
