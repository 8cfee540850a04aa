/**
 * Where the specs' services live: plain values, no cloud SDK (the facade's loading spec imports them in a
 * process that must load only the chosen cloud's SDK).
 */
/** The AWS network of the specs: the ALB's public subnets (one per zone) and the tasks' private subnets. */
export const AWS_NETWORK = {
    vpcId: "vpc-0spec",
    albSubnetIds: ["subnet-0a", "subnet-0b"],
    taskSubnetIds: ["subnet-0c", "subnet-0d"],
};

/** Where the specs' Azure services live and the scopes their identity is granted (the fixtures' registry and vault). */
export const AZURE_PLACE = {
    resourceGroupName: "rg-spec",
    location: "eastus",
    registryId:
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/immutable-releases/providers/Microsoft.ContainerRegistry/registries/immutablereleases",
    keyVaultId:
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-spec/providers/Microsoft.KeyVault/vaults/kv-immutable",
};
