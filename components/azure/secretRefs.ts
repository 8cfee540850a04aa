/**
 * Azure secret references, checked once for every Azure component: a Key Vault secret URL
 * (`https://<vault>.vault.azure.net/secrets/<name>[/<version>]`), never a value. AzureContainerService hands
 * Container Apps each URL (read through its identity); AzureInstanceGroup's boot script reads each one with the
 * group's identity (./instanceBoot.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import type { SecretRefArgs } from "../core/serviceArgs";
import { isKnown } from "../core/slots";
import type { Validator } from "../core/validation";

const KEY_VAULT_SECRET =
    /^https:\/\/[a-z0-9-]{3,24}\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net)\/secrets\/[A-Za-z0-9-]{1,127}(\/[0-9a-f]{32})?$/;

/** Checks a Key Vault reference and returns the secret URL with its version (when given). */
export function keyVaultSecretUrl(v: Validator, name: string, ref: string, version: string | undefined): string {
    const m = KEY_VAULT_SECRET.exec(ref);
    if (!m) {
        return v.fail(
            `secrets.${name}.ref`,
            "must be a Key Vault secret URL https://<vault>.vault.azure.net/secrets/<name>[/<version>] (a reference, never the value)",
        );
    }
    if (version === undefined) {
        return ref;
    }
    if (m[2]) {
        v.fail(`secrets.${name}.version`, "is given twice: in the URL and in version");
    }
    if (!/^[0-9a-f]{32}$/.test(version)) {
        v.fail(
            `secrets.${name}.version`,
            `must be a Key Vault secret version (32 hex), got ${JSON.stringify(version)}`,
        );
    }
    return `${ref}/${version}`;
}

/**
 * Checks the secret args by name (plain references at once, Outputs when they resolve) and returns each one's
 * secret URL. `checkName` runs first for each name (a component's own rule on secret names).
 */
export function keyVaultSecretUrls(
    v: Validator,
    secrets: Record<string, SecretRefArgs>,
    checkName: (name: string) => void = () => undefined,
): Record<string, pulumi.Input<string>> {
    const result: Record<string, pulumi.Input<string>> = {};
    for (const [name, ref] of Object.entries(secrets)) {
        if (!ref || typeof ref !== "object" || ref.ref === undefined) {
            v.fail(`secrets.${name}`, "must be {ref: <Key Vault secret URL>, version?}");
        }
        checkName(name);
        result[name] =
            isKnown(ref.ref) && isKnown(ref.version)
                ? keyVaultSecretUrl(v, name, String(ref.ref), ref.version as string | undefined)
                : pulumi.all([ref.ref, ref.version]).apply(([r, version]) => keyVaultSecretUrl(v, name, r, version));
    }
    return result;
}
