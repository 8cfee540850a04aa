/**
 * What Azure enforces on a container app, as pure checks with the documentation they rest on. The component
 * refuses these inputs before any resource exists; the specs' constraints layer holds the synthesized
 * resources to the same truths.
 */

/** Container app names: 2-32 lowercase letters, digits and hyphens, starting with a letter, no `--`. */
export const APP_NAME = /^(?!.*--)[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
export const APP_NAME_DOC =
    "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftapp";
/** How AzureContainerService names its app: `appName`, else the component's name (core/serviceArgs.ts checkedName). */
export const APP_NAME_RULE = {
    field: "appName",
    max: 32,
    pattern: APP_NAME,
    rule: "2-32 lowercase letters, digits or single hyphens, starting with a letter",
};

/**
 * A revision name is `<app>--<suffix>`, at most 54 characters together; the suffix is lowercase letters,
 * digits and hyphens, starts with a letter, ends with a letter or digit, holds no `--`. The platform's own
 * refusal reads "The length of the revision name must not be more than a combined 54 characters with the
 * container app name" (ContainerAppInvalidRevisionName, microsoft/azure-container-apps#1443); azd keeps app
 * name + `--` + suffix within 54 (Azure/azure-dev#2226).
 */
export const REVISION_NAME_MAX = 54;
export const REVISION_SUFFIX = /^[a-z](?!.*--)([a-z0-9-]*[a-z0-9])?$/;
export const REVISION_DOC = "https://learn.microsoft.com/azure/container-apps/revisions";

/**
 * Consumption plan sizes: 0.25 to 4 vCPU in steps of 0.25, memory twice the vCPUs in GiB
 * (0.25 / 0.5Gi ... 4 / 8Gi).
 */
export const SIZES_DOC = "https://learn.microsoft.com/azure/container-apps/containers#allocations";

/** Why `cpu` with `memoryMiB` is not a Container Apps (Consumption) size, or undefined when it is one. */
export function containerAppsSizeProblem(cpu: number, memoryMiB: number): string | undefined {
    if (!Number.isInteger(cpu * 4) || cpu < 0.25 || cpu > 4) {
        return `cpu ${cpu} is not a Container Apps size: take 0.25 to 4 vCPUs in steps of 0.25 (${SIZES_DOC})`;
    }
    if (memoryMiB !== cpu * 2048) {
        return `memoryMiB ${memoryMiB} does not go with cpu ${cpu}: Container Apps takes 2 GiB per vCPU, so ${cpu * 2048} (${SIZES_DOC})`;
    }
    return undefined;
}

/** Built-in role definitions (ids are the same in every tenant). */
export const ROLES = {
    /** https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/containers#acrpull */
    acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    /** https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security#key-vault-secrets-user */
    keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
} as const;

/** The parts of an ARM resource id `/subscriptions/<s>/resourceGroups/<g>/providers/<ns>/<type>/<name>`. */
export interface ArmId {
    subscription: string;
    resourceGroup: string;
    provider: string;
    type: string;
    name: string;
}

/** Parses an ARM resource id (case of the segment names ignored), or undefined. */
export function parseArmId(id: string): ArmId | undefined {
    const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)$/i.exec(id);
    return m ? { subscription: m[1], resourceGroup: m[2], provider: m[3], type: m[4], name: m[5] } : undefined;
}

/** The role definition id of a built-in role in the subscription of `scope`. */
export function roleDefinitionId(scope: string, role: string): string {
    const subscription = parseArmId(scope)?.subscription ?? /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
    return `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
}

/** The registry name of an ACR login server (`name.azurecr.io`), or undefined for other registries. */
export function acrNameOf(server: string): string | undefined {
    return /^([a-z0-9]+)\.azurecr\.(io|cn|us)$/i.exec(server)?.[1]?.toLowerCase();
}

/** The vault name of a Key Vault secret URL (`https://<vault>.vault.azure.net/secrets/...`). */
export function vaultNameOf(secretUrl: string): string | undefined {
    return /^https:\/\/([a-z0-9-]+)\.vault\./i.exec(secretUrl)?.[1]?.toLowerCase();
}
