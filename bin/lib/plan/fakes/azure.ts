/**
 * Azure (@pulumi/azure-native): ARM resource ids, names, host names, identities and the functions programs
 * commonly call (client config, resource groups, listKeys-style credentials). The id format is ARM's
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules,
 * https://learn.microsoft.com/rest/api/resources/resources/get-by-id).
 */
import { lowerFirst, parseToken } from "./common";
import type { CallFake, FakeContext, OutputPattern, ResourceFake } from "./common";
import { FAKE_TIME, autoName, privateIp, publicIp, stableBase64, stableHash, stableUuid } from "./stable";

/** The resource provider namespace of a module (`storage` → `Microsoft.Storage`). */
const NAMESPACE: Record<string, string> = {
    app: "Microsoft.App",
    authorization: "Microsoft.Authorization",
    cache: "Microsoft.Cache",
    cdn: "Microsoft.Cdn",
    compute: "Microsoft.Compute",
    containerinstance: "Microsoft.ContainerInstance",
    containerregistry: "Microsoft.ContainerRegistry",
    containerservice: "Microsoft.ContainerService",
    dbformysql: "Microsoft.DBforMySQL",
    dbforpostgresql: "Microsoft.DBforPostgreSQL",
    documentdb: "Microsoft.DocumentDB",
    eventhub: "Microsoft.EventHub",
    insights: "Microsoft.Insights",
    keyvault: "Microsoft.KeyVault",
    managedidentity: "Microsoft.ManagedIdentity",
    network: "Microsoft.Network",
    operationalinsights: "Microsoft.OperationalInsights",
    resources: "Microsoft.Resources",
    servicebus: "Microsoft.ServiceBus",
    sql: "Microsoft.Sql",
    storage: "Microsoft.Storage",
    web: "Microsoft.Web",
};

/** Name inputs that do not follow `<type>Name`. */
const NAME_KEY: Record<string, string> = {
    "azure-native:storage:StorageAccount": "accountName",
    "azure-native:compute:VirtualMachine": "vmName",
    "azure-native:containerservice:ManagedCluster": "resourceName",
    "azure-native:managedidentity:UserAssignedIdentity": "resourceName",
    "azure-native:app:ManagedEnvironment": "environmentName",
    "azure-native:web:WebApp": "name",
    "azure-native:web:AppServicePlan": "name",
    "azure-native:operationalinsights:Workspace": "workspaceName",
    "azure-native:keyvault:Vault": "vaultName",
    "azure-native:sql:Server": "serverName",
    "azure-native:documentdb:DatabaseAccount": "accountName",
};

/** The resource's own name: its name input, else azure-native's auto-name (logical name and a suffix). */
export function azureName(type: string, name: string, inputs: Record<string, any>): string {
    const key = NAME_KEY[type];
    if (key && typeof inputs[key] === "string") return inputs[key];
    const wanted = `${parseToken(type).resource}name`.toLowerCase();
    for (const [k, v] of Object.entries(inputs)) {
        if (k.toLowerCase() === wanted && typeof v === "string") return v;
    }
    return autoName(name, "");
}

/** `Microsoft.Storage/storageAccounts` for a type token. */
export function armType(type: string): string {
    const { module: mod, resource } = parseToken(type);
    const ns = NAMESPACE[mod] ?? `Microsoft.${mod.charAt(0).toUpperCase()}${mod.slice(1)}`;
    return `${ns}/${lowerFirst(resource)}s`;
}

/** The ARM id of a resource. */
export function azureId(type: string, name: string, inputs: Record<string, any>, ctx: FakeContext): string {
    const sub = `/subscriptions/${ctx.azure.subscriptionId}`;
    if (type === "azure-native:resources:ResourceGroup")
        return `${sub}/resourceGroups/${azureName(type, name, inputs)}`;
    const group = typeof inputs.resourceGroupName === "string" ? inputs.resourceGroupName : "mock-rg";
    const own = azureName(type, name, inputs);
    const parents: Record<string, string | undefined> = {
        "azure-native:network:Subnet":
            inputs.virtualNetworkName && `Microsoft.Network/virtualNetworks/${inputs.virtualNetworkName}/subnets`,
        "azure-native:sql:Database": inputs.serverName && `Microsoft.Sql/servers/${inputs.serverName}/databases`,
        "azure-native:storage:BlobContainer":
            inputs.accountName &&
            `Microsoft.Storage/storageAccounts/${inputs.accountName}/blobServices/default/containers`,
        "azure-native:keyvault:Secret": inputs.vaultName && `Microsoft.KeyVault/vaults/${inputs.vaultName}/secrets`,
    };
    return `${sub}/resourceGroups/${group}/providers/${parents[type] ?? armType(type)}/${own}`;
}

/** Computed outputs per resource type. */
export const AZURE_RESOURCES: Record<string, ResourceFake> = {
    "azure-native:resources:ResourceGroup": (name, inputs, ctx) => ({
        name: inputs.resourceGroupName ?? autoName(name),
        location: inputs.location ?? ctx.azure.location,
    }),
    "azure-native:containerregistry:Registry": (name, inputs) => {
        const registryName = inputs.registryName ?? name.replace(/[^a-zA-Z0-9]/g, "");
        return { name: registryName, loginServer: `${registryName.toLowerCase()}.azurecr.io` };
    },
    "azure-native:operationalinsights:Workspace": (name, inputs) => ({
        name: inputs.workspaceName ?? name,
        customerId: stableUuid(`workspace:${name}`),
    }),
    "azure-native:managedidentity:UserAssignedIdentity": (name, _inputs, ctx) => ({
        name,
        principalId: stableUuid(`principal:${name}`),
        clientId: stableUuid(`client:${name}`),
        tenantId: ctx.azure.tenantId,
    }),
    // The environment's domain is a function of its id, so an app's FQDN (from managedEnvironmentId) matches it.
    "azure-native:app:ManagedEnvironment": (name, inputs, ctx) => ({
        name: inputs.environmentName ?? name,
        defaultDomain: `${stableHash(`${name}-id`, 10)}.${inputs.location ?? ctx.azure.location}.azurecontainerapps.io`,
        staticIp: publicIp(["cae", name]),
    }),
    "azure-native:app:ContainerApp": (name, inputs, ctx) => {
        const appName = inputs.containerAppName ?? name;
        const domain = `${stableHash(inputs.managedEnvironmentId ?? "", 10)}.${inputs.location ?? ctx.azure.location}.azurecontainerapps.io`;
        const fqdn = `${appName}.${domain}`;
        const suffix = inputs.template?.revisionSuffix;
        return {
            name: appName,
            latestRevisionName: suffix ? `${appName}--${suffix}` : appName,
            // A plan shows the deploy that succeeds: the new revision became ready.
            latestReadyRevisionName: suffix ? `${appName}--${suffix}` : appName,
            latestRevisionFqdn: suffix ? `${appName}--${suffix}.${domain}` : fqdn,
            configuration: {
                ...(inputs.configuration ?? {}),
                ingress: { ...(inputs.configuration?.ingress ?? {}), fqdn },
            },
        };
    },
    "azure-native:storage:StorageAccount": (name, inputs) => {
        const account = azureName("azure-native:storage:StorageAccount", name, inputs);
        const endpoints = (suffix: string) =>
            Object.fromEntries(
                ["blob", "queue", "table", "file", "web", "dfs"].map((s) => [
                    s,
                    `https://${account}${suffix}.${s}.core.windows.net/`,
                ]),
            );
        return { name: account, primaryEndpoints: endpoints(""), secondaryEndpoints: endpoints("-secondary") };
    },
    "azure-native:web:WebApp": (name, inputs) => {
        const site = azureName("azure-native:web:WebApp", name, inputs);
        return {
            name: site,
            defaultHostName: `${site}.azurewebsites.net`,
            hostNames: [`${site}.azurewebsites.net`],
            outboundIpAddresses: [publicIp(["web", name, 1]), publicIp(["web", name, 2])].join(","),
        };
    },
    "azure-native:network:PublicIPAddress": (name, inputs) => ({
        ipAddress: publicIp(["pip", name]),
        dnsSettings: inputs.dnsSettings?.domainNameLabel
            ? {
                  ...inputs.dnsSettings,
                  fqdn: `${inputs.dnsSettings.domainNameLabel}.${inputs.location ?? "eastus"}.cloudapp.azure.com`,
              }
            : inputs.dnsSettings,
    }),
    "azure-native:network:NetworkInterface": (name, inputs) => ({
        ipConfigurations: (inputs.ipConfigurations ?? []).map((c: any, i: number) => ({
            ...c,
            privateIPAddress: c.privateIPAddress ?? privateIp(["nic", name, i]),
        })),
        macAddress: stableHash(["mac", name], 12)
            .toUpperCase()
            .replace(/(..)(?!$)/g, "$1-"),
    }),
    "azure-native:keyvault:Vault": (name, inputs) => {
        const vault = azureName("azure-native:keyvault:Vault", name, inputs);
        return {
            name: vault,
            properties: { ...(inputs.properties ?? {}), vaultUri: `https://${vault}.vault.azure.net/` },
        };
    },
    "azure-native:keyvault:Secret": (name, inputs) => ({
        properties: {
            ...(inputs.properties ?? {}),
            secretUri: `https://${inputs.vaultName ?? "vault"}.vault.azure.net/secrets/${inputs.secretName ?? name}`,
            secretUriWithVersion: `https://${inputs.vaultName ?? "vault"}.vault.azure.net/secrets/${inputs.secretName ?? name}/${stableHash(name, 32)}`,
        },
    }),
    "azure-native:sql:Server": (name, inputs) => ({
        fullyQualifiedDomainName: `${azureName("azure-native:sql:Server", name, inputs)}.database.windows.net`,
    }),
    "azure-native:containerservice:ManagedCluster": (name, inputs, ctx) => ({
        fqdn: `${inputs.dnsPrefix ?? name}-${stableHash(name, 8)}.hcp.${inputs.location ?? ctx.azure.location}.azmk8s.io`,
        kubernetesVersion: inputs.kubernetesVersion ?? "1.31.1",
        nodeResourceGroup: `MC_${inputs.resourceGroupName ?? "rg"}_${azureName("azure-native:containerservice:ManagedCluster", name, inputs)}_${inputs.location ?? ctx.azure.location}`,
    }),
    "azure-native:documentdb:DatabaseAccount": (name, inputs) => ({
        documentEndpoint: `https://${azureName("azure-native:documentdb:DatabaseAccount", name, inputs)}.documents.azure.com:443/`,
    }),
    "azure-native:cache:Redis": (name, inputs) => ({
        hostName: `${azureName("azure-native:cache:Redis", name, inputs)}.redis.cache.windows.net`,
        port: 6379,
        sslPort: 6380,
    }),
};

/** Output-only properties by name pattern, for any Azure type without a table entry for them. */
export const azurePattern: OutputPattern = (type, name, prop, inputs, ctx) => {
    if (prop === "name") return azureName(type, name, inputs);
    if (prop === "type") return armType(type);
    if (prop === "location") return inputs.location ?? ctx.azure.location;
    if (prop === "provisioningState") return "Succeeded";
    if (prop === "azureApiVersion") return "2024-01-01";
    if (prop === "etag") return `W/"${stableUuid([type, name, "etag"])}"`;
    if (prop === "resourceGuid") return stableUuid([type, name, "guid"]);
    if (/^(principalId|tenantId|clientId|objectId|customerId|uniqueId)$/.test(prop))
        return prop === "tenantId" ? ctx.azure.tenantId : stableUuid([type, name, prop]);
    if (/(Fqdn|^fqdn|HostName|^hostName)$/.test(prop))
        return `${azureName(type, name, inputs)}.${parseToken(type).module}.azure.com`;
    if (/(Uri|Url|Endpoint|^endpoint)$/.test(prop))
        return `https://${azureName(type, name, inputs)}.${parseToken(type).module}.azure.com/`;
    if (/(Time|Date|On|Created)$/.test(prop)) return FAKE_TIME;
    if (prop === "version" || prop === "purpose")
        return prop === "version" ? stableHash([type, name], 32).toUpperCase() : "";
    if (/^(createdBy|updatedBy)$/.test(prop)) return "33333333-3333-3333-3333-333333333333";
    if (prop === "runningStatus") return "Running";
    if (/^(deploymentErrors|privateLinkDefaultDomain)$/.test(prop)) return "";
    if (/Id$/.test(prop)) return stableHash([type, name, prop], 32).toUpperCase();
    if (/PrivateIPAddress$|^privateIPAddress$/.test(prop)) return privateIp([type, name, prop]);
    return undefined;
};

/** Results of Azure provider functions by token. */
export const AZURE_CALLS: Record<string, CallFake> = {
    "azure-native:authorization:getClientConfig": (_i, ctx) => ({
        clientId: "22222222-2222-2222-2222-222222222222",
        objectId: "33333333-3333-3333-3333-333333333333",
        subscriptionId: ctx.azure.subscriptionId,
        tenantId: ctx.azure.tenantId,
    }),
    "azure-native:authorization:getClientToken": (inputs) => ({
        token: `mock-entra-token-${stableHash(inputs.endpoint ?? "arm", 8)}`,
    }),
    "azure-native:resources:getResourceGroup": (inputs, ctx) => ({
        name: inputs.resourceGroupName,
        id: `/subscriptions/${ctx.azure.subscriptionId}/resourceGroups/${inputs.resourceGroupName}`,
        location: ctx.azure.location,
        type: "Microsoft.Resources/resourceGroups",
        properties: { provisioningState: "Succeeded" },
        tags: {},
        azureApiVersion: "2024-03-01",
    }),
    "azure-native:operationalinsights:getSharedKeys": (inputs) => ({
        primarySharedKey: `mock-shared-key-${stableHash(inputs, 16)}`,
        secondarySharedKey: `mock-shared-key-2-${stableHash(inputs, 16)}`,
    }),
    "azure-native:containerregistry:listRegistryCredentials": (inputs) => ({
        username: inputs.registryName,
        passwords: [
            { name: "password", value: stableBase64(["acr", inputs.registryName, 1], 32) },
            { name: "password2", value: stableBase64(["acr", inputs.registryName, 2], 32) },
        ],
    }),
    "azure-native:storage:listStorageAccountKeys": (inputs) => ({
        keys: ["key1", "key2"].map((keyName) => ({
            keyName,
            value: stableBase64(["storage", inputs.accountName, keyName], 64),
            permissions: "FULL",
            creationTime: FAKE_TIME,
        })),
    }),
    "azure-native:containerservice:listManagedClusterUserCredentials": (inputs) => ({
        kubeconfigs: [
            {
                name: "clusterUser",
                value: Buffer.from(
                    `apiVersion: v1\nkind: Config\nclusters:\n- name: ${inputs.resourceName}\n  cluster:\n    server: https://${inputs.resourceName}.hcp.eastus.azmk8s.io:443\n`,
                ).toString("base64"),
            },
        ],
    }),
    "azure-native:keyvault:getSecret": (inputs, ctx) => ({
        name: inputs.secretName,
        id: `/subscriptions/${ctx.azure.subscriptionId}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.KeyVault/vaults/${inputs.vaultName}/secrets/${inputs.secretName}`,
        properties: { secretUri: `https://${inputs.vaultName}.vault.azure.net/secrets/${inputs.secretName}` },
        type: "Microsoft.KeyVault/vaults/secrets",
        location: ctx.azure.location,
        tags: {},
    }),
    "azure-native:network:getVirtualNetwork": (inputs, ctx) => ({
        name: inputs.virtualNetworkName,
        id: `/subscriptions/${ctx.azure.subscriptionId}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Network/virtualNetworks/${inputs.virtualNetworkName}`,
        addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
        subnets: [],
        location: ctx.azure.location,
        provisioningState: "Succeeded",
        etag: `W/"${stableUuid(inputs)}"`,
    }),
};
