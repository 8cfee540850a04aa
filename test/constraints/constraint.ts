/**
 * The constraints layer: what each cloud enforces and the offline mocks do not (name lengths and charsets,
 * unique revision names per template, the permission a runtime needs existing before it pulls or reads and
 * being a dependency of it, subnets per zone...), as checks over synthesized resources. Every rule carries the
 * documentation it rests on. Rules are plain values in test/constraints/rules/<area>.ts, collected by
 * test/constraints/index.ts: add a module there (machine images and instance groups add theirs beside these).
 */
import type { SynthesizedResource, Synthesis } from "../../bin/lib/synthesize";
import { plain } from "../components/support/clouds";

/** Facts of the mocked world that the synthesis does not carry (which zone a subnet is in, which are public). */
export interface World {
    /** Subnet id to its availability zone. A subnet absent here has an unknown zone (reported, never passed). */
    subnetZones: Record<string, string>;
    /** Subnets whose route table sends 0.0.0.0/0 to an internet gateway (a task there needs a public IP to pull). */
    publicSubnets: string[];
}

/** One thing a cloud would refuse, or that would fail at run time. */
export interface Finding {
    rule: string;
    urn: string;
    message: string;
    doc: string;
}

/** A rule over one synthesis. */
export interface Constraint {
    /** `<cloud>.<service>.<what>`, e.g. `aws.alb.subnets-per-zone`. */
    id: string;
    /** What the cloud enforces, in one sentence. */
    description: string;
    /** Where the cloud documents it. */
    doc: string;
    /** Resource types it reads (the runner only calls it for syntheses holding one of them). */
    types: string[];
    /** The violations in a synthesis: the resource and what is wrong. */
    check(s: Synthesis, world: World): Array<{ urn: string; message: string }>;
}

/** A rule over two syntheses of one program (before and after a change). */
export interface PairConstraint {
    id: string;
    description: string;
    doc: string;
    check(before: Synthesis, after: Synthesis): Array<{ urn: string; message: string }>;
}

/** Runs the constraints that apply to a synthesis. */
export function evaluate(constraints: Constraint[], s: Synthesis, world: World): Finding[] {
    const types = new Set(s.resources.map((r) => r.type));
    return constraints
        .filter((c) => c.types.some((t) => types.has(t)))
        .flatMap((c) => c.check(s, world).map((f) => ({ rule: c.id, doc: c.doc, ...f })));
}

/** Runs pairwise constraints over two syntheses. */
export function evaluatePair(constraints: PairConstraint[], before: Synthesis, after: Synthesis): Finding[] {
    return constraints.flatMap((c) => c.check(before, after).map((f) => ({ rule: c.id, doc: c.doc, ...f })));
}

/** The resources of a type, with their inputs in plain values. */
export function ofType(s: Synthesis, type: string): Array<SynthesizedResource & { plain: any }> {
    return s.resources.filter((r) => r.type === type).map((r) => ({ ...r, plain: plain(r.inputs) }));
}

/** The resource whose outputs hold `value` at `key` (an id, an ARN, a name). */
export function byOutput(s: Synthesis, type: string, key: string, value: unknown): SynthesizedResource | undefined {
    return s.resources.find((r) => r.type === type && plain(r.outputs)[key] === value);
}

/** True when `dependent` waits for `dependency` (an explicit dependsOn or an input taken from it). */
export function dependsOn(dependent: SynthesizedResource, dependency: SynthesizedResource): boolean {
    return (
        dependent.dependencies.includes(dependency.urn) ||
        Object.values(dependent.propertyDependencies).some((urns) => urns.includes(dependency.urn))
    );
}

/** A DNS label (RFC 1035): lowercase letters, digits and hyphens, a letter first, no hyphen last. */
export const DNS_LABEL = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
