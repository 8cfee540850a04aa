/**
 * The outputs every blue-green service exposes, computed once from the slot plan: the live URL, one URL per
 * slot that reaches only that slot, the live slot, the traffic split and the release per slot. Each service
 * class still declares these five fields itself: Pulumi's schema analyzer reads a component's outputs from
 * the own members of a class that extends `ComponentResource` directly (no base class, no mixin), so the
 * declarations stay per class and `implements SlotOutputs` keeps their types in step.
 */
import * as pulumi from "@pulumi/pulumi";
import { type Slot, type SlotPlan, slotVersions, slotWeights } from "./slots";

/** The query parameter that reaches one slot on a load balancer's live URL: `?immutable-slot=green`. */
export const SLOT_QUERY_KEY = "immutable-slot";

/** A slot's own URL on a load balancer's live URL (AWS, GCP instance groups): `<url>/?immutable-slot=<slot>`. */
export function slotQueryUrl(url: string, slot: Slot): string {
    return `${url}/?${SLOT_QUERY_KEY}=${slot}`;
}

/** The five slot outputs of every blue-green service. */
export interface SlotOutputs {
    /** The URL that takes the live traffic. */
    url: pulumi.Output<string>;
    /** Per slot holding a release: a URL that reaches only that slot (smoke tests before the flip). */
    smokeTestUrls: pulumi.Output<Record<string, string>>;
    /** The slot taking the traffic. */
    liveSlot: pulumi.Output<string>;
    /** Traffic percent per slot. */
    trafficWeights: pulumi.Output<Record<string, number>>;
    /** The release version per slot. */
    slotVersions: pulumi.Output<Record<string, string>>;
}

/**
 * Fills the five outputs from the plan, the live URL and how a slot's own URL derives from it (a query on AWS,
 * a tag host on Cloud Run, a label host on Container Apps).
 */
export function slotOutputs(
    plan: pulumi.Output<SlotPlan>,
    url: pulumi.Input<string>,
    slotUrl: (url: string, slot: Slot) => string,
): SlotOutputs {
    const live = pulumi.output(url);
    return {
        url: live,
        smokeTestUrls: pulumi
            .all([live, plan])
            .apply(([u, p]) => Object.fromEntries(p.slots.map((s) => [s, slotUrl(u, s)]))),
        liveSlot: plan.apply((p) => p.live),
        trafficWeights: plan.apply(slotWeights),
        slotVersions: plan.apply(slotVersions),
    };
}

/** The five outputs of another service (a facade passes its child's through). */
export function pickSlotOutputs(source: SlotOutputs): SlotOutputs {
    const { url, smokeTestUrls, liveSlot, trafficWeights, slotVersions } = source;
    return { url, smokeTestUrls, liveSlot, trafficWeights, slotVersions };
}
