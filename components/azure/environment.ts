/**
 * The Container Apps managed environment of AzureContainerService, when it makes its own: a Log Analytics
 * workspace and the environment that sends the apps' logs there.
 */
import * as app from "@pulumi/azure-native/app";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";

/** The environment and its workspace. */
export interface AzureEnvironment {
    logAnalytics: operationalinsights.Workspace;
    managedEnvironment: app.ManagedEnvironment;
}

/** A Log Analytics workspace and a managed environment logging to it. */
export function azureEnvironment(
    name: string,
    parent: pulumi.Resource,
    place: { resourceGroupName: pulumi.Input<string>; location?: pulumi.Input<string> },
    retentionInDays: pulumi.Input<number>,
    tags: Record<string, pulumi.Input<string>>,
): AzureEnvironment {
    const logAnalytics = new operationalinsights.Workspace(
        `${name}-logs`,
        { ...place, sku: { name: "PerGB2018" }, retentionInDays, tags },
        { parent },
    );
    const keys = operationalinsights.getSharedKeysOutput(
        { resourceGroupName: place.resourceGroupName, workspaceName: logAnalytics.name },
        { parent },
    );
    const managedEnvironment = new app.ManagedEnvironment(
        `${name}-env`,
        {
            ...place,
            appLogsConfiguration: {
                destination: "log-analytics",
                logAnalyticsConfiguration: {
                    customerId: logAnalytics.customerId,
                    sharedKey: pulumi.secret(keys.apply((k) => k.primarySharedKey ?? "")),
                },
            },
            tags,
        },
        { parent },
    );
    return { logAnalytics, managedEnvironment };
}
