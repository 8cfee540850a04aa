/**
 * Revision names that change whenever what runs changes. Cloud Run and Container Apps keep one service
 * template and name each revision it produces; a revision name is unique per service and a revision is
 * immutable, so a name must be new for every new template: a config-only change (env, cpu/memory, scaling,
 * probes, a secret's version) as much as a new image. The suffix is `<slot>-<version>-<hash>`, where the hash
 * is a short sha256 of the rendered template (everything of the revision but its name): the slot keeps both
 * slots apart, the version tells people what runs, the hash makes the name follow the template.
 */
import { createHash } from "node:crypto";
import { dnsLabel, type Slot, type SlotPlan, type SlotRelease } from "./slots";

/** Hex digits of the template hash in a revision name (32 bits: a collision needs ~65k templates of one slot and version). */
export const TEMPLATE_HASH_LENGTH = 8;

/** JSON with object keys sorted at every level and `undefined` members left out: equal values, equal text. */
export function canonicalJson(value: unknown): string {
    if (Array.isArray(value)) {
        return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
    }
    if (value && typeof value === "object") {
        const entries = Object.keys(value)
            .sort()
            .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
            .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
        return `{${entries.join(",")}}`;
    }
    return JSON.stringify(value ?? null);
}

/** The short hash of a rendered template (lowercase hex). */
export function templateHash(template: unknown): string {
    return createHash("sha256").update(canonicalJson(template)).digest("hex").slice(0, TEMPLATE_HASH_LENGTH);
}

/**
 * `<slot>-<version>-<hash>` in at most `max` characters: lowercase letters, digits and single hyphens, starting
 * with a letter (the slot) and ending with a letter or digit. The version is shortened first, and left out when
 * there is no room for it; the slot and the hash always stay.
 */
export function revisionSuffix(slot: Slot, version: string, hash: string, max: number): string {
    const fixed = slot.length + 1 + hash.length;
    if (max < fixed) {
        throw new Error(`a revision suffix needs ${fixed} characters (slot and template hash), only ${max} are left`);
    }
    const room = max - fixed - 1;
    const label = room > 0 ? dnsLabel(version).slice(0, room).replace(/-+$/, "") : "";
    return label ? `${slot}-${label}-${hash}` : `${slot}-${hash}`;
}

/** The service template (of the slot deployed last) and the name of the revision serving each slot. */
export interface SlotRevisions<T> {
    template: T;
    names: Record<string, string>;
}

/**
 * Renders each slot's revision (`render` gives its template and its name). The template slot's revision is the
 * one the service template creates; another slot keeps the revision recorded for it (`revision`), else the
 * name its release renders to with the current settings (the same name, as long as no setting changed).
 */
export function slotRevisions<T>(
    plan: SlotPlan,
    render: (slot: Slot, release: SlotRelease) => { template: T; name: string },
): SlotRevisions<T> {
    const names: Record<string, string> = {};
    let template: T | undefined;
    for (const slot of plan.slots) {
        const release = plan.releases[slot]!;
        const rendered = render(slot, release);
        if (slot === plan.template) {
            template = rendered.template;
            names[slot] = rendered.name;
        } else {
            names[slot] = release.revision ?? rendered.name;
        }
    }
    return { template: template!, names };
}
