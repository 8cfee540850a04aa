/**
 * Compares two syntheses of the same program by URN, as the engine would diff them: resources only in one,
 * and for resources in both, the leaf input paths whose values differ (`traffics[1].percent`).
 */
import type { SynthesizedResource, Synthesis } from "../../../bin/lib/synthesize";
import { plain } from "./clouds";

/** One resource whose inputs differ. */
export interface ChangedResource {
    urn: string;
    type: string;
    name: string;
    /** Leaf paths whose values differ, sorted. */
    paths: string[];
}

/** The difference between two syntheses. */
export interface SynthesisDiff {
    added: string[];
    removed: string[];
    changed: ChangedResource[];
}

/** Leaf values of an object by path (`a.b[0].c`). Empty objects and arrays are leaves. */
export function leaves(value: unknown, prefix = "", out = new Map<string, string>()): Map<string, string> {
    if (Array.isArray(value) && value.length > 0) {
        value.forEach((v, i) => leaves(v, `${prefix}[${i}]`, out));
    } else if (value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0) {
        for (const [k, v] of Object.entries(value)) {
            leaves(v, prefix ? `${prefix}.${k}` : k, out);
        }
    } else {
        out.set(prefix, JSON.stringify(value));
    }
    return out;
}

/** The leaf paths that differ between two input maps. */
export function changedPaths(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
    const la = leaves(plain(a));
    const lb = leaves(plain(b));
    const paths = new Set<string>();
    for (const [k, v] of la) {
        if (lb.get(k) !== v) {
            paths.add(k);
        }
    }
    for (const k of lb.keys()) {
        if (!la.has(k)) {
            paths.add(k);
        }
    }
    return [...paths].sort();
}

/** Diffs two syntheses by URN (custom resources and components alike). */
export function diffSyntheses(before: Synthesis, after: Synthesis): SynthesisDiff {
    const index = (s: Synthesis) => new Map<string, SynthesizedResource>(s.resources.map((r) => [r.urn, r]));
    const a = index(before);
    const b = index(after);
    const changed: ChangedResource[] = [];
    for (const [urn, ra] of a) {
        const rb = b.get(urn);
        if (rb) {
            const paths = changedPaths(ra.inputs, rb.inputs);
            if (paths.length > 0) {
                changed.push({ urn, type: ra.type, name: ra.name, paths });
            }
        }
    }
    return {
        added: [...b.keys()].filter((u) => !a.has(u)),
        removed: [...a.keys()].filter((u) => !b.has(u)),
        changed,
    };
}
