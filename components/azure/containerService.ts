/**
 * AzureContainerService: a blue-green service on Azure Container Apps.
 *
 * The container app runs with `activeRevisionsMode: Multiple`; each slot is a revision whose suffix derives
 * from the slot and its release (`<app>--<slot>-<version>-<digest7>`). Ingress traffic names the revisions
 * with weights and the labels `blue` / `green`, so each slot has its own URL
 * (`https://<app>---<label>.<environment domain>`) for smoke tests. The template holds the release of
 * `lastDeployed` (deploying creates that slot's revision); a flip of `live` changes only the traffic weights.
 *
 * Secrets are Key Vault references read through a user-assigned managed identity (which also pulls from ACR).
 * The managed environment sends logs to a Log Analytics workspace. Automatic image patching is disabled:
 * a revision runs exactly the digest it was given.
 */
import * as app from "@pulumi/azure-native/app";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";
import { parseImageRef } from "../core/imageRef";
import { commonSettings, type ContainerServiceArgs, type SecretRefArgs } from "../core/serviceArgs";
import {
    dnsLabel,
    isKnown,
    revisionSuffix,
    type SlotPlan,
    type SlotRelease,
    resolveSlots,
    slotVersions,
    slotWeights,
} from "../core/slots";
import { Validator } from "../core/validation";
import { componentType } from "../core/packageName";

const COMPONENT = "AzureContainerService";

/** Args of {@link AzureContainerService}: the shared container service args plus the Azure specifics. */
export interface AzureContainerServiceArgs extends ContainerServiceArgs {
    /** The resource group of every resource. */
    resourceGroupName: pulumi.Input<string>;
    /** The Azure region. Default: the resource group's. */
    location?: pulumi.Input<string>;
    /** The container app name (lowercase letters, digits, single hyphens; at most 32). Default: from the component name. */
    appName?: string;
    /** An existing Container Apps managed environment. Default: one of its own, with a Log Analytics workspace. */
    managedEnvironmentId?: pulumi.Input<string>;
    /** Days Log Analytics keeps the logs (when the component creates the environment). Default 30. */
    logRetentionDays?: pulumi.Input<number>;
}

/** A blue-green Container App; see the module comment. */
export class AzureContainerService extends pulumi.ComponentResource {
    /** The URL that takes the live traffic (the app's ingress FQDN). */
    public readonly url: pulumi.Output<string>;
    /** Per slot holding a release: its label URL, which reaches only that slot (smoke tests before the flip). */
    public readonly smokeTestUrls: pulumi.Output<Record<string, string>>;
    /** The slot taking the traffic. */
    public readonly liveSlot: pulumi.Output<string>;
    /** Traffic percent per slot. */
    public readonly trafficWeights: pulumi.Output<Record<string, number>>;
    /** The release version per slot. */
    public readonly slotVersions: pulumi.Output<Record<string, string>>;
    /** The revision name per slot. */
    public readonly revisionNames: pulumi.Output<Record<string, string>>;
    /** The container app (its `configuration.ingress.traffic` is the only input a flip changes). */
    public readonly containerApp: app.ContainerApp;
    /** The managed environment (undefined when `managedEnvironmentId` was given). */
    public readonly managedEnvironment: app.ManagedEnvironment | undefined;
    /** The Log Analytics workspace (undefined when `managedEnvironmentId` was given). */
    public readonly logAnalytics: operationalinsights.Workspace | undefined;
    /** The identity that reads the Key Vault secrets and pulls the image (grant it `Key Vault Secrets User` and `AcrPull`). */
    public readonly identity: managedidentity.UserAssignedIdentity;

    constructor(name: string, args: AzureContainerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType(COMPONENT), name, {}, opts);
        const v = new Validator(COMPONENT, name);
        const plan = resolveSlots(COMPONENT, name, args);
        const common = commonSettings(v, args);
        if (args.resourceGroupName === undefined) {
            v.fail("resourceGroupName", "is required");
        }
        const appName = args.appName ?? dnsLabel(name).slice(0, 32).replace(/-$/, "");
        if (!/^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/.test(appName) || appName.includes("--")) {
            v.fail(
                "appName",
                `must be 1-32 lowercase letters, digits or single hyphens, starting with a letter, got ${JSON.stringify(appName)}`,
            );
        }
        const secretRefs = azureSecretRefs(v, args.secrets ?? {});
        const parent = { parent: this };
        const tags = common.labels;
        const location = args.location;

        if (args.managedEnvironmentId === undefined) {
            this.logAnalytics = new operationalinsights.Workspace(
                `${name}-logs`,
                {
                    resourceGroupName: args.resourceGroupName,
                    location,
                    sku: { name: "PerGB2018" },
                    retentionInDays: args.logRetentionDays ?? 30,
                    tags,
                },
                parent,
            );
            const keys = operationalinsights.getSharedKeysOutput(
                { resourceGroupName: args.resourceGroupName, workspaceName: this.logAnalytics.name },
                parent,
            );
            this.managedEnvironment = new app.ManagedEnvironment(
                `${name}-env`,
                {
                    resourceGroupName: args.resourceGroupName,
                    location,
                    appLogsConfiguration: {
                        destination: "log-analytics",
                        logAnalyticsConfiguration: {
                            customerId: this.logAnalytics.customerId,
                            sharedKey: pulumi.secret(keys.apply((k) => k.primarySharedKey ?? "")),
                        },
                    },
                    tags,
                },
                parent,
            );
        } else {
            this.logAnalytics = undefined;
            this.managedEnvironment = undefined;
        }
        const environmentId: pulumi.Input<string> = args.managedEnvironmentId ?? this.managedEnvironment!.id;

        this.identity = new managedidentity.UserAssignedIdentity(
            `${name}-identity`,
            { resourceGroupName: args.resourceGroupName, location, tags },
            parent,
        );

        const revisionOf = (p: SlotPlan, slot: keyof SlotPlan["releases"]): string =>
            `${appName}--${revisionSuffix(slot, p.releases[slot] as SlotRelease, 30)}`;
        const template = plan.apply((p) => ({
            slot: p.template,
            release: p.releases[p.template] as SlotRelease,
            suffix: revisionSuffix(p.template, p.releases[p.template] as SlotRelease, 30),
        }));
        // ACR pulls through the identity, for every registry the slots' images come from.
        const registries = plan.apply((p) =>
            [
                ...new Set(
                    p.slots
                        .map((s) => parseImageRef(p.releases[s]!.image)?.registry)
                        .filter((r): r is string => !!r && r.endsWith(".azurecr.io")),
                ),
            ].sort(),
        );
        const env = [
            ...Object.keys(common.env)
                .sort()
                .map((key) => ({ name: key, value: common.env[key] })),
            ...Object.keys(secretRefs)
                .sort()
                .map((key) => ({ name: key, secretRef: secretName(key) })),
            { name: "PORT", value: pulumi.output(common.port).apply(String) },
            { name: "RELEASE_SLOT", value: template.slot },
            { name: "RELEASE_VERSION", value: template.release.version },
        ];
        const probe = (type: string) => ({
            type,
            httpGet: { path: common.healthPath, port: common.port },
            periodSeconds: 10,
        });

        this.containerApp = new app.ContainerApp(
            `${name}`,
            {
                containerAppName: appName,
                resourceGroupName: args.resourceGroupName,
                location,
                managedEnvironmentId: environmentId,
                identity: { type: "UserAssigned", userAssignedIdentities: [this.identity.id] },
                patchingConfiguration: { patchingMode: "Disabled" },
                configuration: {
                    activeRevisionsMode: "Multiple",
                    maxInactiveRevisions: 10,
                    secrets: Object.keys(secretRefs)
                        .sort()
                        .map((key) => ({
                            name: secretName(key),
                            keyVaultUrl: secretRefs[key],
                            identity: this.identity.id,
                        })),
                    registries: registries.apply((servers) =>
                        servers.map((server) => ({ server, identity: this.identity.id })),
                    ),
                    ingress: {
                        external: true,
                        targetPort: common.port,
                        transport: "auto",
                        allowInsecure: false,
                        // Slot order is fixed (blue, green): a flip changes the weights and nothing else.
                        traffic: plan.apply((p) =>
                            p.slots.map((slot) => ({
                                revisionName: revisionOf(p, slot),
                                weight: p.weights[slot] ?? 0,
                                label: slot,
                            })),
                        ),
                    },
                },
                template: {
                    revisionSuffix: template.suffix,
                    containers: [
                        {
                            name: "app",
                            image: template.release.image,
                            env,
                            resources: {
                                cpu: common.cpu,
                                memory: pulumi.output(common.memoryMiB).apply((m) => `${m / 1024}Gi`),
                            },
                            probes: [probe("Liveness"), probe("Readiness")],
                            volumeMounts: common.tmpPaths.map((mountPath, i) => ({
                                volumeName: `tmp-${i}`,
                                mountPath,
                            })),
                        },
                    ],
                    volumes: common.tmpPaths.map((_p, i) => ({ name: `tmp-${i}`, storageType: "EmptyDir" })),
                    scale: { minReplicas: common.minInstances, maxReplicas: common.maxInstances },
                },
                tags,
            },
            parent,
        );

        const fqdn = this.containerApp.configuration.apply((c) => c?.ingress?.fqdn ?? "");
        this.url = pulumi.interpolate`https://${fqdn}`;
        this.smokeTestUrls = pulumi
            .all([fqdn, plan])
            .apply(([host, p]) => Object.fromEntries(p.slots.map((s) => [s, labelUrl(host, s)])));
        this.liveSlot = plan.apply((p) => p.live);
        this.trafficWeights = plan.apply(slotWeights);
        this.slotVersions = plan.apply(slotVersions);
        this.revisionNames = plan.apply((p) => Object.fromEntries(p.slots.map((s) => [s, revisionOf(p, s)])));
        this.registerOutputs({
            url: this.url,
            smokeTestUrls: this.smokeTestUrls,
            liveSlot: this.liveSlot,
            trafficWeights: this.trafficWeights,
            slotVersions: this.slotVersions,
            revisionNames: this.revisionNames,
            containerApp: this.containerApp,
            managedEnvironment: this.managedEnvironment,
            logAnalytics: this.logAnalytics,
            identity: this.identity,
        });
    }
}

/** The URL of a Container Apps traffic label: `https://<app>---<label>.<environment domain>`. */
export function labelUrl(appFqdn: string, label: string): string {
    const dot = appFqdn.indexOf(".");
    return dot < 0
        ? `https://${appFqdn}---${label}`
        : `https://${appFqdn.slice(0, dot)}---${label}${appFqdn.slice(dot)}`;
}

/** The Container Apps secret name of an environment variable (lowercase alphanumerics and hyphens). */
function secretName(envName: string): string {
    return dnsLabel(envName.replace(/_/g, "-")) || "secret";
}

/** Checks the Key Vault references and returns each one's secret URL (with the version when given). */
function azureSecretRefs(v: Validator, secrets: Record<string, SecretRefArgs>): Record<string, pulumi.Input<string>> {
    const result: Record<string, pulumi.Input<string>> = {};
    const names = new Map<string, string>();
    for (const [key, ref] of Object.entries(secrets)) {
        const field = `secrets.${key}`;
        if (!ref || typeof ref !== "object" || ref.ref === undefined) {
            v.fail(field, "must be {ref: <Key Vault secret URL>, version?}");
        }
        const clash = names.get(secretName(key));
        if (clash) {
            v.fail(field, `maps to the same Container Apps secret name as secrets.${clash}`);
        }
        names.set(secretName(key), key);
        const url = (text: string, version: string | undefined): string => {
            const m =
                /^https:\/\/[a-z0-9-]{3,24}\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net)\/secrets\/[A-Za-z0-9-]{1,127}(\/[0-9a-f]{32})?$/.exec(
                    text,
                );
            if (!m) {
                v.fail(
                    `${field}.ref`,
                    "must be a Key Vault secret URL https://<vault>.vault.azure.net/secrets/<name>[/<version>] (a reference, never the value)",
                );
            }
            if (version !== undefined) {
                if (m[2]) {
                    v.fail(`${field}.version`, "is given twice: in the URL and in version");
                }
                if (!/^[0-9a-f]{32}$/.test(version)) {
                    v.fail(
                        `${field}.version`,
                        `must be a Key Vault secret version (32 hex), got ${JSON.stringify(version)}`,
                    );
                }
                return `${text}/${version}`;
            }
            return text;
        };
        result[key] =
            isKnown(ref.ref) && isKnown(ref.version)
                ? url(String(ref.ref), ref.version as string | undefined)
                : pulumi.all([ref.ref, ref.version]).apply(([r, ver]) => url(r, ver));
    }
    return result;
}
