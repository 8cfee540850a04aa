/**
 * The blue-green slot model shared by every deploy target. Two slots, `blue` and `green`, each pinned to a
 * release (a version and an image pinned by digest); `live` names the slot that takes the traffic and
 * `canaryWeight` optionally sends a share of it to the other (idle) slot.
 *
 * - deploying v43 = give the idle slot the v43 release (and make it `lastDeployed`);
 * - switching     = flip `live`;
 * - rollback      = flip `live` back.
 *
 * A flip changes only the traffic split computed here, never a slot's release, so the deploy targets change
 * only their traffic resource. Pure functions over plain values; components call {@link resolveSlots}.
 */
import * as pulumi from "@pulumi/pulumi";
import { Validator } from "./validation";
import { describeVersionProblem, versionProblem } from "./version";

/** The two slots of a blue-green service. */
export enum Slot {
    Blue = "blue",
    Green = "green",
}

/** Both slots, in the fixed order every target lists them (traffic entries never reorder on a flip). */
export const SLOTS: readonly Slot[] = [Slot.Blue, Slot.Green];

/** The release one slot runs. */
export interface SlotReleaseArgs {
    /** The release version this slot runs (`v42`, a git SHA): it names the slot's revision on every cloud. */
    version: pulumi.Input<string>;
    /** The image of that release, pinned by digest (`repo@sha256:<64 hex>`). */
    image: pulumi.Input<string>;
    /**
     * The name of the revision already serving this slot (Cloud Run, Container Apps), as recorded when the slot
     * was deployed: traffic names it while the slot is not `lastDeployed`. Default: derived from the current
     * settings, which is that name as long as no revision setting changed since. Ignored on AWS and for the
     * slot deployed last (its revision is the one the template creates).
     */
    revision?: pulumi.Input<string>;
}

/** The slot part of every container service's args. */
export interface SlotsArgs {
    /** The release in the blue slot. Leave unset to retire the slot (never while it takes traffic). */
    blue?: SlotReleaseArgs;
    /** The release in the green slot. Leave unset to retire the slot (never while it takes traffic). */
    green?: SlotReleaseArgs;
    /** The slot that takes the traffic. Flipping it is the switch, and flipping it back the rollback. */
    live: pulumi.Input<Slot>;
    /** Percent of the traffic (0-100) sent to the idle slot as a canary. Default 0. */
    canaryWeight?: pulumi.Input<number>;
    /**
     * The slot that received a release last. Cloud Run and Container Apps keep one service template, which
     * holds this slot's release (the other slot's revision already exists and keeps serving). Required when
     * both slots hold a release; with one release it is that slot. Independent of `live`, so a flip changes
     * nothing but the traffic.
     */
    lastDeployed?: pulumi.Input<Slot>;
}

/** One slot's release, resolved. */
export interface SlotRelease {
    version: string;
    image: string;
    /** The recorded revision name, when given. */
    revision?: string;
}

/** The resolved slot state every target derives its resources and its traffic from. */
export interface SlotPlan {
    live: Slot;
    idle: Slot;
    /** Slots holding a release, in {@link SLOTS} order. */
    slots: Slot[];
    /** The release per slot (only slots that hold one). */
    releases: Partial<Record<Slot, SlotRelease>>;
    /** Traffic percent per slot holding a release; sums to 100. */
    weights: Partial<Record<Slot, number>>;
    /** The slot whose release is the service template (Cloud Run, Container Apps). */
    template: Slot;
}

/** Traffic percent per slot holding a release (the `trafficWeights` output of every service). */
export function slotWeights(plan: SlotPlan): Record<string, number> {
    return Object.fromEntries(plan.slots.map((s) => [s, plan.weights[s] ?? 0]));
}

/** The release version per slot holding a release (the `slotVersions` output of every service). */
export function slotVersions(plan: SlotPlan): Record<string, string> {
    return Object.fromEntries(plan.slots.map((s) => [s, plan.releases[s]!.version]));
}

/** Plain slot input, after Outputs are resolved. */
export interface PlainSlots {
    blue?: { version?: unknown; image?: unknown; revision?: unknown };
    green?: { version?: unknown; image?: unknown; revision?: unknown };
    live?: unknown;
    canaryWeight?: unknown;
    lastDeployed?: unknown;
}

function isSlot(value: unknown): value is Slot {
    return value === Slot.Blue || value === Slot.Green;
}

/** The other slot. */
export function otherSlot(slot: Slot): Slot {
    return slot === Slot.Blue ? Slot.Green : Slot.Blue;
}

/**
 * How a slot's image is checked and normalized: container services pin `repo@sha256:` (the default), instance
 * groups pass their cloud's machine-image check (components/core/instanceGroupArgs.ts).
 */
export type SlotImageCheck = (v: Validator, field: string, value: unknown) => string;

/** The container check: `repo@sha256:<64 hex>`. */
export const pinnedImage: SlotImageCheck = (v, field, value) => v.pinned(field, value);

/**
 * Validates plain slot input and resolves it. Errors name the component, its name and the field:
 * `ContainerService "api": live is "green", but green holds no release: ...`.
 */
export function planSlots(v: Validator, input: PlainSlots, image: SlotImageCheck = pinnedImage): SlotPlan {
    if (!isSlot(input.live)) {
        v.fail("live", `must be "blue" or "green", got ${JSON.stringify(input.live)}`);
    }
    const live = input.live;
    const idle = otherSlot(live);
    const releases: Partial<Record<Slot, SlotRelease>> = {};
    for (const slot of SLOTS) {
        const r = input[slot];
        if (r === undefined || r === null) {
            continue;
        }
        if (typeof r !== "object") {
            v.fail(slot, `must be {version, image}, got ${JSON.stringify(r)}`);
        }
        const version = v.nonEmpty(`${slot}.version`, r.version);
        const problem = versionProblem(version);
        if (problem) {
            v.fail(
                `${slot}.version`,
                `${describeVersionProblem(problem)} (it tags the image and names revisions), got ${JSON.stringify(version)}`,
            );
        }
        releases[slot] = {
            version,
            image: image(v, `${slot}.image`, r.image),
            ...recordedRevision(v, slot, r.revision),
        };
    }
    const canary =
        input.canaryWeight === undefined || input.canaryWeight === null
            ? 0
            : v.intIn("canaryWeight", input.canaryWeight, 0, 100);
    if (!releases[live]) {
        v.fail(
            "live",
            `is "${live}", but ${live} holds no release: a slot that takes traffic must have a release (the live slot cannot be emptied; flip live first, then retire the slot in a later change)`,
        );
    }
    if (canary > 0 && !releases[idle]) {
        v.fail(
            "canaryWeight",
            `is ${canary}, but the idle slot ${idle} holds no release: a slot that takes traffic must have a release`,
        );
    }
    const slots = SLOTS.filter((s) => releases[s] !== undefined);
    let template: Slot;
    if (input.lastDeployed !== undefined && input.lastDeployed !== null) {
        if (!isSlot(input.lastDeployed)) {
            v.fail("lastDeployed", `must be "blue" or "green", got ${JSON.stringify(input.lastDeployed)}`);
        }
        if (!releases[input.lastDeployed]) {
            v.fail("lastDeployed", `is "${input.lastDeployed}", but that slot holds no release`);
        }
        template = input.lastDeployed;
    } else if (slots.length === 1) {
        template = slots[0];
    } else {
        return v.fail(
            "lastDeployed",
            'must name the slot deployed last ("blue" or "green") when both slots hold a release; it stays as it is when live flips',
        );
    }
    const weights: Partial<Record<Slot, number>> = { [live]: 100 - canary };
    if (releases[idle]) {
        weights[idle] = canary;
    }
    return { live, idle, slots, releases, weights, template };
}

/** A recorded revision name: a DNS label (what both clouds accept), or nothing. */
function recordedRevision(v: Validator, slot: Slot, revision: unknown): { revision?: string } {
    if (revision === undefined || revision === null || revision === "") {
        return {};
    }
    if (typeof revision !== "string" || !/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(revision)) {
        v.fail(
            `${slot}.revision`,
            `must be a revision name (lowercase letters, digits and hyphens, starting with a letter, at most 63), got ${JSON.stringify(revision)}`,
        );
    }
    return { revision };
}

/** True when the value is neither an Output nor a Promise (so it can be validated now). */
export function isKnown(value: unknown): boolean {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) {
        return false;
    }
    if (Array.isArray(value)) {
        return value.every(isKnown);
    }
    if (value && typeof value === "object") {
        return Object.values(value).every(isKnown);
    }
    return true;
}

/**
 * Resolves the slot args of a component. Plain values are validated at once, so a bad input throws from the
 * component's constructor; Outputs are validated when they resolve. Which slots hold a release must be
 * known now (it decides which resources exist): an object per slot, its fields may be Outputs.
 */
export function resolveSlots(
    component: string,
    name: string,
    args: SlotsArgs,
    image: SlotImageCheck = pinnedImage,
): pulumi.Output<SlotPlan> {
    const v = new Validator(component, name);
    const raw = {
        blue: args.blue
            ? { version: args.blue.version, image: args.blue.image, revision: args.blue.revision }
            : undefined,
        green: args.green
            ? { version: args.green.version, image: args.green.image, revision: args.green.revision }
            : undefined,
        live: args.live,
        canaryWeight: args.canaryWeight,
        lastDeployed: args.lastDeployed,
    };
    if (isKnown(raw)) {
        return pulumi.output(planSlots(v, raw as PlainSlots, image));
    }
    return pulumi.output(raw).apply((plain) => planSlots(v, plain as PlainSlots, image));
}

/** The slots that hold a release, known at construction (they decide which resources exist). */
export function presentSlots(args: Pick<SlotsArgs, Slot>): Slot[] {
    return SLOTS.filter((s) => args[s] !== undefined);
}

/** Lowercase letters, digits and single hyphens (what revision names and labels accept). */
export function dnsLabel(text: string): string {
    return text
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-|-$/g, "");
}

/** {@link dnsLabel} cut to at most `max` characters, without a trailing hyphen. */
export function dnsLabelWithin(text: string, max: number): string {
    return dnsLabel(text).slice(0, max).replace(/-$/, "");
}
