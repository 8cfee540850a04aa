/**
 * AzureContainerService: a blue-green service on Azure Container Apps.
 *
 * The container app runs in `Labels` revision mode: each slot is a revision labelled `blue` or `green` (the
 * template's new revision takes the label of `lastDeployed`, `targetLabel`), only labelled revisions stay
 * active, so a slot's replaced revision is deactivated as soon as its label moves to the new one
 * (https://learn.microsoft.com/azure/container-apps/deployment-labels). Revision suffixes derive from the
 * slot, its release and a hash of its rendered template (./template.ts). Ingress traffic names the revisions
 * with weights and labels, so each slot has its own URL (`https://<app>---<label>.<environment domain>`) for
 * smoke tests. A flip of `live` changes only the traffic weights.
 *
 * Secrets are Key Vault references read through a user-assigned identity, which also pulls from ACR; the
 * identity and its role assignments exist before the app (./identity.ts). After an update the template's
 * revision must be the app's latest and latest ready revision, so `pulumi up` fails when Container Apps did
 * not create it or it never became ready. The managed environment sends logs to Log Analytics. Automatic
 * image patching is disabled: a revision runs exactly the digest it was given.
 */
import * as app from "@pulumi/azure-native/app";
import type * as authorization from "@pulumi/azure-native/authorization";
import type * as managedidentity from "@pulumi/azure-native/managedidentity";
import type * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";
import { parseImageRef } from "../core/imageRef";
import { componentType } from "../core/packageName";
import { checkedName, checkSize, type CommonSettings, commonSettings, type SecretRefArgs } from "../core/serviceArgs";
import type { SlotRevisions } from "../core/revisions";
import { SERVICE_LABEL } from "../core/slotLabels";
import { type SlotOutputs, slotOutputs } from "../core/slotOutputs";
import { isKnown, presentSlots, resolveSlots, type Slot, type SlotPlan } from "../core/slots";
import { Validator } from "../core/validation";
import { azureEnvironment } from "./environment";
import { type AzureIdentity, azureIdentity } from "./identity";
import { acrNameOf, APP_NAME_RULE, containerAppsSizeProblem } from "./limits";
import { keyVaultSecretUrls } from "./secretRefs";
import type { AzureContainerServiceArgs } from "./serviceArgs";
import { type AppSettings, appRevisions, secretName } from "./template";
import { definedOutputs } from "../core/outputs";

export type { AzureContainerServiceArgs, AzureServiceSpecifics } from "./serviceArgs";

const COMPONENT = "AzureContainerService";

/** A blue-green Container App; see the module comment. */
export class AzureContainerService extends pulumi.ComponentResource implements SlotOutputs {
    /** The URL that takes the live traffic (the app's ingress FQDN). */
    public readonly url!: pulumi.Output<string>;
    /** Per slot holding a release: its label URL, which reaches only that slot (smoke tests before the flip). */
    public readonly smokeTestUrls!: pulumi.Output<Record<string, string>>;
    /** The slot taking the traffic. */
    public readonly liveSlot!: pulumi.Output<string>;
    /** Traffic percent per slot. */
    public readonly trafficWeights!: pulumi.Output<Record<string, number>>;
    /** The release version per slot. */
    public readonly slotVersions!: pulumi.Output<Record<string, string>>;
    /** The revision name per slot (after an update: the template's revision was created and is ready). */
    public readonly revisionNames: pulumi.Output<Record<string, string>>;
    /** The principal id of the identity the app runs as: grant it what the application reads. */
    public readonly runtimeIdentity: pulumi.Output<string>;
    /** The principal id of the app's user-assigned identity (the same as `runtimeIdentity`). */
    public readonly identityPrincipalId: pulumi.Output<string>;
    /** The container app (its `configuration.ingress.traffic` is the only input a flip changes). */
    public readonly containerApp: app.ContainerApp;
    /** The managed environment (undefined when `managedEnvironmentId` was given). */
    public readonly managedEnvironment: app.ManagedEnvironment | undefined;
    /** The Log Analytics workspace (undefined when `managedEnvironmentId` was given). */
    public readonly logAnalytics: operationalinsights.Workspace | undefined;
    /** The identity that reads the Key Vault secrets and pulls the image (undefined when `identityId` was given). */
    public readonly identity: managedidentity.UserAssignedIdentity | undefined;
    /** The identity's AcrPull and Key Vault Secrets User assignments, which the app waits for. */
    public readonly roleAssignments: authorization.RoleAssignment[];

    constructor(name: string, args: AzureContainerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType(COMPONENT), name, {}, opts);
        const v = new Validator(COMPONENT, name);
        const plan = resolveSlots(COMPONENT, name, args);
        const common = commonSettings(v, args);
        const appName = checkAzureArgs(v, name, args, common);
        const secretRefs = azureSecretRefs(v, args.secrets ?? {});
        const tags = common.labels;
        const place = { resourceGroupName: args.resourceGroupName, location: args.location };
        const environment =
            args.managedEnvironmentId === undefined
                ? azureEnvironment(name, this, place, args.logRetentionDays ?? 30, tags)
                : undefined;
        this.logAnalytics = environment?.logAnalytics;
        this.managedEnvironment = environment?.managedEnvironment;
        const registries = acrServers(presentSlots(args).map((s) => args[s]!.image));
        const identity = azureIdentity(
            v,
            name,
            this,
            args,
            { registries, secretUrls: Object.values(secretRefs) },
            tags,
        );
        this.identity = identity.identity;
        this.roleAssignments = identity.grants;
        const settings: pulumi.Output<AppSettings> = pulumi.output({ ...common, secrets: secretRefs });
        const revisions = pulumi.all([plan, settings]).apply(([p, s]) => appRevisions(appName, p, s));
        this.containerApp = containerApp(this, {
            name,
            appName,
            place,
            environmentId: args.managedEnvironmentId ?? environment!.managedEnvironment.id,
            identity,
            secretRefs,
            registries,
            port: common.port,
            plan,
            revisions,
            tags,
        });
        const fqdn = this.containerApp.configuration.apply((c) => c?.ingress?.fqdn ?? "");
        const outputs = slotOutputs(plan, pulumi.interpolate`https://${fqdn}`, labelUrl);
        Object.assign(this, outputs);
        this.revisionNames = readyRevisions(v, this.containerApp, plan, revisions.names, common.healthPath);
        this.runtimeIdentity = identity.principalId;
        this.identityPrincipalId = identity.principalId;
        this.registerOutputs(
            definedOutputs({
                ...outputs,
                revisionNames: this.revisionNames,
                runtimeIdentity: this.runtimeIdentity,
                identityPrincipalId: this.identityPrincipalId,
                containerApp: this.containerApp,
                managedEnvironment: this.managedEnvironment,
                logAnalytics: this.logAnalytics,
                identity: this.identity,
                roleAssignments: this.roleAssignments,
            }),
        );
    }
}

/** What the container app is made of. */
interface AppParts {
    name: string;
    appName: string;
    place: { resourceGroupName: pulumi.Input<string>; location?: pulumi.Input<string> };
    environmentId: pulumi.Input<string>;
    identity: AzureIdentity;
    secretRefs: Record<string, pulumi.Input<string>>;
    registries: pulumi.Input<string[]>;
    port: pulumi.Input<number>;
    plan: pulumi.Output<SlotPlan>;
    revisions: pulumi.Output<SlotRevisions<Record<string, unknown>>>;
    tags: Record<string, pulumi.Input<string>>;
}

/**
 * The container app: Labels revision mode (the deployed slot labels the template's new revision), Key Vault
 * secrets and ACR pulls through the identity, traffic by revision and label. It waits for the identity's role
 * assignments.
 */
function containerApp(parent: pulumi.Resource, a: AppParts): app.ContainerApp {
    const identity = a.identity.id;
    return new app.ContainerApp(
        `${a.name}`,
        {
            containerAppName: a.appName,
            ...a.place,
            managedEnvironmentId: a.environmentId,
            identity: { type: "UserAssigned", userAssignedIdentities: [identity] },
            patchingConfiguration: { patchingMode: "Disabled" },
            configuration: {
                activeRevisionsMode: "Labels",
                targetLabel: a.plan.apply((p) => p.template),
                maxInactiveRevisions: 10,
                secrets: Object.keys(a.secretRefs)
                    .sort()
                    .map((key) => ({ name: secretName(key), keyVaultUrl: a.secretRefs[key], identity })),
                registries: pulumi
                    .all([a.registries, a.identity.checked])
                    .apply(([servers]) => servers.map((server) => ({ server, identity }))),
                ingress: {
                    external: true,
                    targetPort: a.port,
                    transport: "auto",
                    allowInsecure: false,
                    // Slot order is fixed (blue, green): a flip changes the weights and nothing else.
                    traffic: pulumi.all([a.plan, a.revisions]).apply(([p, r]) =>
                        p.slots.map((slot) => ({
                            revisionName: r.names[slot],
                            weight: p.weights[slot] ?? 0,
                            label: slot,
                        })),
                    ),
                },
            },
            template: a.revisions.template,
            // The slot of each revision is its suffix's first word (core/slotLabels.ts); the service is the app.
            tags: { ...a.tags, [SERVICE_LABEL]: a.appName },
        },
        { parent, dependsOn: a.identity.grants },
    );
}

/** The app name (checked) and the Container Apps-only checks: the resource group, the size. */
function checkAzureArgs(v: Validator, name: string, args: AzureContainerServiceArgs, common: CommonSettings): string {
    v.required(args, ["resourceGroupName"]);
    const appName = checkedName(v, APP_NAME_RULE, args.appName, name);
    checkSize(v, common, containerAppsSizeProblem);
    return appName;
}

/** The ACR login servers of the slots' images (plain when the images are, an Output otherwise). */
function acrServers(images: pulumi.Input<string>[]): pulumi.Input<string[]> {
    const servers = (all: string[]) =>
        [
            ...new Set(
                all
                    .map((i) => parseImageRef(i)?.registry)
                    .filter((r): r is string => !!r && acrNameOf(r) !== undefined),
            ),
        ].sort();
    return isKnown(images) ? servers(images as string[]) : pulumi.all(images).apply(servers);
}

/**
 * The revision names, once the update is done: the template's revision must be the app's latest revision (a
 * reused or refused suffix leaves the previous one there) and its latest ready one (readiness on `healthPath`).
 * Unknown during a preview.
 */
function readyRevisions(
    v: Validator,
    containerApp: app.ContainerApp,
    plan: pulumi.Output<SlotPlan>,
    names: pulumi.Output<Record<string, string>>,
    healthPath: pulumi.Input<string>,
): pulumi.Output<Record<string, string>> {
    return pulumi
        .all([names, plan, containerApp.latestRevisionName, containerApp.latestReadyRevisionName, healthPath])
        .apply(([n, p, latest, ready, path]) => {
            const expected = n[p.template];
            if (latest !== expected) {
                v.fail(
                    `${p.template}`,
                    `revision ${expected} is not the app's latest revision (${latest ?? "none"}): Container Apps did not create it`,
                );
            }
            if (ready !== expected) {
                v.fail(
                    `${p.template}`,
                    `revision ${expected} never became ready (latest ready: ${ready ?? "none"}): its readiness probe on ${path} fails; do not flip to it`,
                );
            }
            return n;
        });
}

/** The URL of a Container Apps traffic label: `https://<app>---<label>.<environment domain>`. */
export function labelUrl(appUrl: string, label: string | Slot): string {
    const host = appUrl.replace(/^https:\/\//, "");
    const dot = host.indexOf(".");
    return dot < 0 ? `https://${host}---${label}` : `https://${host.slice(0, dot)}---${label}${host.slice(dot)}`;
}

/**
 * Checks the Key Vault references (./secretRefs.ts) and returns each one's secret URL. Two names must not map to
 * one Container Apps secret name.
 */
function azureSecretRefs(v: Validator, secrets: Record<string, SecretRefArgs>): Record<string, pulumi.Input<string>> {
    const names = new Map<string, string>();
    return keyVaultSecretUrls(v, secrets, (key) => {
        const clash = names.get(secretName(key));
        if (clash) {
            v.fail(`secrets.${key}`, `maps to the same Container Apps secret name as secrets.${clash}`);
        }
        names.set(secretName(key), key);
    });
}
