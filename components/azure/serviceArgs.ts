/**
 * The args of AzureContainerService: the shared container service args plus what only Container Apps needs,
 * declared once and used by both the component and the cloud-neutral facade (ContainerService `azure: {...}`).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ContainerServiceArgs } from "../core/serviceArgs";

/** What only Container Apps needs beside the shared container service args. */
export interface AzureServiceSpecifics {
    /** The resource group of every resource. */
    resourceGroupName: pulumi.Input<string>;
    /** The Azure region. Default: the resource group's. */
    location?: pulumi.Input<string>;
    /** The container app name (lowercase letters, digits, single hyphens; 2-32). Default: from the component name. */
    appName?: string;
    /** An existing Container Apps managed environment. Default: one of its own, with a Log Analytics workspace. */
    managedEnvironmentId?: pulumi.Input<string>;
    /** Days Log Analytics keeps the logs (when the component creates the environment). Default 30. */
    logRetentionDays?: pulumi.Input<number>;
    /**
     * The ARM id of the container registry the images come from: the app's identity gets AcrPull on it before
     * the app exists. Required for images in ACR unless `identityId` names an identity that holds AcrPull.
     */
    registryId?: pulumi.Input<string>;
    /**
     * The ARM id of the Key Vault the secrets are in (RBAC authorization): the app's identity gets Key Vault
     * Secrets User on it before the app exists. Required with secrets unless `identityId` is given.
     */
    keyVaultId?: pulumi.Input<string>;
    /**
     * An existing user-assigned identity (ARM id) that already holds AcrPull on the registry and Key Vault Secrets
     * User on the vault. Default: an identity of its own, created and granted before the app.
     */
    identityId?: pulumi.Input<string>;
}

/** Args of AzureContainerService: the shared container service args plus the Azure specifics. */
export interface AzureContainerServiceArgs extends ContainerServiceArgs, AzureServiceSpecifics {}
