/**
 * Which slot and service a container resource belongs to, read from the labels the blue-green components put
 * on it (the contract is components/core/slotLabels.ts, documented in docs/policies.md). A label whose value is
 * not a slot name is unreadable, never "no label".
 */
import {
    AWS_SERVICE_TAG,
    AWS_SLOT_TAG,
    REVISION_SUFFIX_SLOT,
    SERVICE_LABEL,
    SLOT_LABEL,
    SLOT_NAMES,
} from "../../components/core/slotLabels";
import { RESOURCE_TYPE } from "./types";
import type { Unreadable } from "./unreadable";
import { record, str } from "./values";

/** The slot identity of a container resource. */
export interface SlotIdentity {
    /** `blue` or `green`; undefined when the resource carries no slot label. */
    slot?: string;
    /** The service label, when set. */
    service?: string;
    /** A slot label the pack cannot read. */
    unreadable?: Unreadable;
}

function labelsOf(
    type: string,
    props: Record<string, any>,
): { labels: Record<string, unknown>; field: string; slotKey: string; serviceKey: string } {
    switch (type) {
        case RESOURCE_TYPE.awsEcsTaskDefinition:
            return {
                labels: record(props.tags) ?? {},
                field: "tags",
                slotKey: AWS_SLOT_TAG,
                serviceKey: AWS_SERVICE_TAG,
            };
        case RESOURCE_TYPE.gcpCloudRunV2Service:
        case RESOURCE_TYPE.gcpCloudRunV2Job:
            return {
                labels: record(record(props.template)?.labels) ?? {},
                field: "template.labels",
                slotKey: SLOT_LABEL,
                serviceKey: SERVICE_LABEL,
            };
        case RESOURCE_TYPE.gcpCloudRunService:
            return {
                labels: record(record(record(props.template)?.metadata)?.labels) ?? {},
                field: "template.metadata.labels",
                slotKey: SLOT_LABEL,
                serviceKey: SERVICE_LABEL,
            };
        default:
            return { labels: record(props.tags) ?? {}, field: "tags", slotKey: SLOT_LABEL, serviceKey: SERVICE_LABEL };
    }
}

/** The slot and service of a container resource (from its outputs, as stack rules see them). */
export function slotIdentity(type: string, props: Record<string, any>): SlotIdentity {
    const { labels, field, slotKey, serviceKey } = labelsOf(type, props);
    const service = str(labels[serviceKey]);
    const raw = labels[slotKey];
    if (raw !== undefined && raw !== null) {
        const slot = str(raw)?.trim().toLowerCase();
        if (slot === undefined || !SLOT_NAMES.includes(slot)) {
            return {
                service,
                unreadable: { field: `${field}.${slotKey}`, raw, why: `not a slot (${SLOT_NAMES.join(" or ")})` },
            };
        }
        return { slot, service };
    }
    if (type === RESOURCE_TYPE.azureContainerApp || type === RESOURCE_TYPE.azureContainerAppJob) {
        const suffix = str(record(props.template)?.revisionSuffix);
        const m = suffix ? REVISION_SUFFIX_SLOT.exec(suffix) : null;
        if (m) {
            return { slot: m[1], service };
        }
    }
    return { service };
}
