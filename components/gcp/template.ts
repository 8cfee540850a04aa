/**
 * The Cloud Run revision template of a slot, rendered from plain settings, and the revision names: each
 * revision is named `<service>-<slot>-<version>-<hash of the rendered template>`, so a new template (image,
 * env, secret versions, cpu/memory, scaling, probes, service account) always gets a new name, and the same
 * template the same name. Pure functions over resolved values.
 */
import { revisionSuffix, slotRevisions, type SlotRevisions, templateHash } from "../core/revisions";
import { SERVICE_LABEL, SLOT_LABEL } from "../core/slotLabels";
import { dnsLabel, type Slot, type SlotPlan, type SlotRelease } from "../core/slots";
import { REVISION_NAME_MAX } from "./limits";

/** Everything of a revision but its slot and release, resolved. */
export interface RunSettings {
    port: number;
    healthPath: string;
    env: Record<string, string>;
    secrets: Record<string, { secret: string; version: string }>;
    minInstances: number;
    maxInstances: number;
    cpu: number;
    memoryMiB: number;
    tmpPaths: string[];
    labels: Record<string, string>;
    serviceAccount: string;
    /** The Cloud Run service name (the `immutable-service` label of every revision). */
    serviceName: string;
}

/** The revision template of `slot` running `release`, without its name. */
export function cloudRunTemplate(s: RunSettings, slot: Slot, release: SlotRelease): Record<string, unknown> {
    const envs = [
        { name: "RELEASE_SLOT", value: slot },
        { name: "RELEASE_VERSION", value: release.version },
        ...Object.keys(s.env)
            .sort()
            .map((name) => ({ name, value: s.env[name] })),
        ...Object.keys(s.secrets)
            .sort()
            .map((name) => ({ name, valueSource: { secretKeyRef: s.secrets[name] } })),
    ];
    const probe = { httpGet: { path: s.healthPath, port: s.port } };
    return {
        serviceAccount: s.serviceAccount,
        // In-memory scratch volumes (emptyDir) need the second generation execution environment.
        executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
        labels: {
            ...s.labels,
            [SLOT_LABEL]: slot,
            [SERVICE_LABEL]: s.serviceName,
            "immutable-version": dnsLabel(release.version).slice(0, 63),
        },
        scaling: { minInstanceCount: s.minInstances, maxInstanceCount: s.maxInstances },
        volumes: s.tmpPaths.map((_p, i) => ({ name: `tmp-${i}`, emptyDir: { medium: "MEMORY", sizeLimit: "256Mi" } })),
        containers: [
            {
                name: "app",
                image: release.image,
                ports: { containerPort: s.port },
                envs,
                resources: { limits: { cpu: String(s.cpu), memory: `${s.memoryMiB}Mi` } },
                startupProbe: { ...probe, periodSeconds: 5, failureThreshold: 12 },
                livenessProbe: { ...probe, periodSeconds: 15 },
                volumeMounts: s.tmpPaths.map((mountPath, i) => ({ name: `tmp-${i}`, mountPath })),
            },
        ],
    };
}

/** `<service>-<slot>-<version>-<template hash>`, at most 63 characters. */
export function cloudRunRevisionName(serviceName: string, slot: Slot, release: SlotRelease, template: unknown): string {
    const room = REVISION_NAME_MAX - serviceName.length - 1;
    return `${serviceName}-${revisionSuffix(slot, release.version, templateHash(template), room)}`;
}

/** The service template (named `revision`) and the revision serving each slot. */
export function cloudRunRevisions(
    serviceName: string,
    plan: SlotPlan,
    s: RunSettings,
): SlotRevisions<Record<string, unknown>> {
    return slotRevisions(plan, (slot, release) => {
        const rendered = cloudRunTemplate(s, slot, release);
        const name = cloudRunRevisionName(serviceName, slot, release, rendered);
        return { template: { ...rendered, revision: name }, name };
    });
}
