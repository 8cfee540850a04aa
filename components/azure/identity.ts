/**
 * The identity of AzureContainerService: a user-assigned identity created before the app, with AcrPull on
 * the registry of the images and Key Vault Secrets User on the vault of the secrets, so the app's first
 * revision can pull and read its secrets (the app depends on both assignments). Or an existing identity that
 * already holds them (`identityId`). Role assignments carry `principalType: ServicePrincipal`, which Azure asks
 * for a principal created in the same deployment
 * (https://learn.microsoft.com/azure/role-based-access-control/role-assignments-template#new-service-principal).
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import { isKnown } from "../core/slots";
import type { Validator } from "../core/validation";
import { acrNameOf, parseArmId, ROLES, roleDefinitionId, vaultNameOf } from "./limits";
import type { AzureServiceSpecifics } from "./serviceArgs";

/** The identity the app runs as and what it was granted. */
export interface AzureIdentity {
    /** The identity the component created (undefined with `identityId`). */
    identity: managedidentity.UserAssignedIdentity | undefined;
    /** Its ARM id. */
    id: pulumi.Input<string>;
    /** Its principal (object) id. */
    principalId: pulumi.Output<string>;
    /** The role assignments the app waits for. */
    grants: authorization.RoleAssignment[];
    /** Resolves once the grant scopes are checked against what the app pulls and reads (fails otherwise). */
    checked: pulumi.Output<boolean>;
}

/** What the identity must be able to do: pull from these registries, read these secrets. */
export interface IdentityNeeds {
    /** ACR login servers of the slots' images. */
    registries: pulumi.Input<string[]>;
    /** Key Vault secret URLs the app reads. */
    secretUrls: pulumi.Input<string>[];
}

/** The app's identity: the given one, or a new one granted AcrPull and Key Vault Secrets User first. */
export function azureIdentity(
    v: Validator,
    name: string,
    parent: pulumi.Resource,
    args: AzureServiceSpecifics,
    needs: IdentityNeeds,
    tags: Record<string, pulumi.Input<string>>,
): AzureIdentity {
    if (args.identityId !== undefined) {
        const parsed = pulumi.output(args.identityId).apply((id) => armIdOf(v, "identityId", id));
        const existing = managedidentity.getUserAssignedIdentityOutput(
            { resourceGroupName: parsed.resourceGroup, resourceName: parsed.name },
            { parent },
        );
        return {
            identity: undefined,
            id: args.identityId,
            principalId: existing.principalId,
            grants: [],
            checked: pulumi.output(true),
        };
    }
    const checked = checkGrantScopes(v, args, needs);
    const identity = new managedidentity.UserAssignedIdentity(
        `${name}-identity`,
        { resourceGroupName: args.resourceGroupName, location: args.location, tags },
        { parent },
    );
    const grant = (suffix: string, scope: pulumi.Input<string>, role: string) =>
        new authorization.RoleAssignment(
            `${name}-${suffix}`,
            {
                principalId: identity.principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: pulumi.output(scope).apply((s) => roleDefinitionId(s, role)),
                scope,
            },
            { parent },
        );
    const grants: authorization.RoleAssignment[] = [];
    if (args.registryId !== undefined) {
        grants.push(grant("acr-pull", args.registryId, ROLES.acrPull));
    }
    if (args.keyVaultId !== undefined) {
        grants.push(grant("secrets-user", args.keyVaultId, ROLES.keyVaultSecretsUser));
    }
    return { identity, id: identity.id, principalId: identity.principalId, grants, checked };
}

/**
 * Without an identity of their own, ACR images need `registryId` and secrets need `keyVaultId`, and those must
 * name the registry and the vault the app uses. Plain values are checked now, Outputs when they resolve.
 */
function checkGrantScopes(v: Validator, args: AzureServiceSpecifics, needs: IdentityNeeds): pulumi.Output<boolean> {
    const check = (
        registries: string[],
        registryId: string | undefined,
        vaults: string[],
        vaultId: string | undefined,
    ) => {
        if (registries.length > 0) {
            if (registryId === undefined) {
                v.fail(
                    "registryId",
                    `is required: the app's identity needs AcrPull on ${registries.join(", ")} before the app pulls (or pass identityId of an identity that holds it)`,
                );
            }
            const name = armIdOf(v, "registryId", registryId).name.toLowerCase();
            const other = registries.filter((r) => acrNameOf(r) !== name);
            if (other.length > 0) {
                v.fail("registryId", `names registry ${name}, but the images come from ${other.join(", ")}`);
            }
        }
        if (vaults.length > 0) {
            if (vaultId === undefined) {
                v.fail(
                    "keyVaultId",
                    "is required with secrets: the app's identity needs Key Vault Secrets User on the vault before the app reads them (or pass identityId)",
                );
            }
            const vault = armIdOf(v, "keyVaultId", vaultId).name.toLowerCase();
            const other = [...new Set(vaults)].filter((name) => name !== vault);
            if (other.length > 0) {
                v.fail("keyVaultId", `names vault ${vault}, but secrets come from ${other.join(", ")} as well`);
            }
        }
    };
    const vaultNames = (urls: string[]) => urls.map((u) => vaultNameOf(u) ?? u);
    const inputs = [needs.registries, args.registryId, needs.secretUrls, args.keyVaultId] as const;
    if (isKnown(inputs)) {
        const [registries, registryId, urls, vaultId] = inputs as unknown as [string[], string, string[], string];
        check(registries, registryId, vaultNames(urls), vaultId);
        return pulumi.output(true);
    }
    return pulumi
        .all([needs.registries, args.registryId, pulumi.all(needs.secretUrls), args.keyVaultId])
        .apply(([registries, registryId, urls, vaultId]) => {
            check(registries, registryId, vaultNames(urls), vaultId);
            return true;
        });
}

/** A parsed ARM id, or the error naming the field. */
function armIdOf(v: Validator, field: string, id: string | undefined) {
    const parsed = id === undefined ? undefined : parseArmId(id);
    if (!parsed) {
        v.fail(
            field,
            `must be an ARM resource id (/subscriptions/<s>/resourceGroups/<g>/providers/...), got ${JSON.stringify(id)}`,
        );
    }
    return parsed;
}
