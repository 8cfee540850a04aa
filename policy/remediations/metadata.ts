/**
 * GCP metadata flags, for the remediations that set one (project-ssh-keys-forbid, serial-port-forbid): where the
 * resource keeps its metadata (the access model's `metadataPath`: `metadata`, `preservedState.metadata`,
 * `metadata.items`; a project metadata item is the entry itself) and whether the pack can read it.
 */
import { instanceAccess } from "../model/access";
import { describeUnreadable } from "../model/unreadable";
import type { RemediationPlan } from "./remediation";

/** The plan that sets metadata `key` to `value` on a GCP resource, or why it declines. */
export function setMetadataFlag(type: string, props: Record<string, any>, key: string, value: string): RemediationPlan {
    const access = instanceAccess(type, props);
    const unreadable = access.unreadable.find((u) => u.aspect === "metadata" || u.aspect === `metadata:${key}`);
    if (unreadable) {
        return { declined: `${describeUnreadable(unreadable)}: a value the pack cannot read is a person's to fix` };
    }
    if (access.metadataPath === undefined) {
        return { declined: `${type} keeps no metadata the remediation knows` };
    }
    if (access.metadataPath === "") {
        // A project metadata item: the entry itself (the rule rejects it only when its key is `key`).
        return { sets: [{ path: ["value"], value }] };
    }
    return { sets: [{ path: [...access.metadataPath.split("."), key], value }] };
}
