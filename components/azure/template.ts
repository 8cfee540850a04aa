/**
 * The Container Apps revision template of a slot, rendered from plain settings, and the revision names: each
 * revision suffix is `<slot>-<version>-<hash of the rendered template and the secrets it reads>`, so a new
 * template (image, env, secret versions, cpu/memory, scaling, probes) always gets a new name, and
 * `<app>--<suffix>` stays within 54 characters. Pure functions over resolved values.
 */
import { revisionSuffix, slotRevisions, type SlotRevisions, templateHash } from "../core/revisions";
import { dnsLabel, type Slot, type SlotPlan, type SlotRelease } from "../core/slots";
import { REVISION_NAME_MAX } from "./limits";

/** Everything of a revision but its slot and release, resolved. */
export interface AppSettings {
    port: number;
    healthPath: string;
    env: Record<string, string>;
    /** Env name to its Key Vault secret URL (the app-level secret named {@link secretName}). */
    secrets: Record<string, string>;
    minInstances: number;
    maxInstances: number;
    cpu: number;
    memoryMiB: number;
    tmpPaths: string[];
}

/** The Container Apps secret name of an environment variable (lowercase alphanumerics and hyphens). */
export function secretName(envName: string): string {
    return dnsLabel(envName.replace(/_/g, "-")) || "secret";
}

/** The revision template of `slot` running `release`, without its suffix. */
export function appTemplate(s: AppSettings, slot: Slot, release: SlotRelease): Record<string, unknown> {
    const env = [
        ...Object.keys(s.env)
            .sort()
            .map((name) => ({ name, value: s.env[name] })),
        ...Object.keys(s.secrets)
            .sort()
            .map((name) => ({ name, secretRef: secretName(name) })),
        { name: "PORT", value: String(s.port) },
        { name: "RELEASE_SLOT", value: slot },
        { name: "RELEASE_VERSION", value: release.version },
    ];
    const probe = (type: string) => ({ type, httpGet: { path: s.healthPath, port: s.port }, periodSeconds: 10 });
    return {
        containers: [
            {
                name: "app",
                image: release.image,
                env,
                resources: { cpu: s.cpu, memory: `${s.memoryMiB / 1024}Gi` },
                probes: [probe("Liveness"), probe("Readiness")],
                volumeMounts: s.tmpPaths.map((mountPath, i) => ({ volumeName: `tmp-${i}`, mountPath })),
            },
        ],
        volumes: s.tmpPaths.map((_p, i) => ({ name: `tmp-${i}`, storageType: "EmptyDir" })),
        scale: { minReplicas: s.minInstances, maxReplicas: s.maxInstances },
    };
}

/** The suffix of a slot's revision; the hash covers the template and the secret URLs it reads. */
export function appRevisionSuffix(appName: string, slot: Slot, release: SlotRelease, s: AppSettings): string {
    const hash = templateHash({ template: appTemplate(s, slot, release), secrets: s.secrets });
    return revisionSuffix(slot, release.version, hash, REVISION_NAME_MAX - appName.length - 2);
}

/** The service template (with its `revisionSuffix`) and the revision serving each slot. */
export function appRevisions(appName: string, plan: SlotPlan, s: AppSettings): SlotRevisions<Record<string, unknown>> {
    return slotRevisions(plan, (slot, release) => {
        const suffix = appRevisionSuffix(appName, slot, release, s);
        return {
            template: { ...appTemplate(s, slot, release), revisionSuffix: suffix },
            name: `${appName}--${suffix}`,
        };
    });
}
