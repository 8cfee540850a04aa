/**
 * Fail closed: what a normalizer could not read. Every normalizer returns either a judged shape or, for a field
 * it cannot read, an {@link Unreadable} naming the field, the raw value and why; a rule facing one reports it
 * (a violation for mandatory rules, an advisory for advisory ones), never "clean".
 */

/** A field the pack cannot read. */
export interface Unreadable {
    /** The field's path in the resource's inputs: `securityRules[0].destinationPortRange`. */
    field: string;
    /** The value as written. */
    raw: unknown;
    /** Why it cannot be read: `not a port, a range, a comma list or "*"`. */
    why: string;
    /** Which part of a shape the field stands for, when a normalizer needs to tell (`ports`, `sources`, `all`). */
    aspect?: string;
}

/** The value for a message: JSON, cut at 80 characters. */
export function showRaw(raw: unknown): string {
    let text: string;
    try {
        text = raw === undefined ? "undefined" : JSON.stringify(raw);
    } catch {
        text = String(raw);
    }
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The message of an unreadable field: `cannot read destinationPortRange "twenty-two": not a port...`. */
export function describeUnreadable(u: Unreadable): string {
    return `cannot read ${u.field} ${showRaw(u.raw)}: ${u.why}`;
}

/** Reports each unreadable field `which` selects (every one by default): fail closed, never clean. */
export function reportUnreadable(
    unreadable: readonly Unreadable[],
    report: (message: string) => void,
    which: (u: Unreadable) => boolean = () => true,
): void {
    for (const u of unreadable) {
        if (which(u)) {
            report(describeUnreadable(u));
        }
    }
}

/** Selects the unreadable fields of these aspects (for {@link reportUnreadable}). */
export function ofAspect(...aspects: string[]): (u: Unreadable) => boolean {
    return (u) => u.aspect !== undefined && aspects.includes(u.aspect);
}

/** Joins a path and a field (`ingress[0]` + `fromPort`). */
export function fieldPath(path: string, field: string): string {
    return path ? `${path}.${field}` : field;
}
