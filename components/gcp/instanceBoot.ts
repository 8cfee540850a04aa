/**
 * What a GCP instance of an instance group is told at boot: its boot script (components/core/bootScript.ts) with
 * each secret read from Secret Manager at its pinned version, with the token of the instance's service account
 * from the metadata server (curl; JSON read by python3). Pure functions over resolved values.
 */
import { BOOT_DIR, type BootSecret, JSON_GET_HELPER, shellQuote } from "../core/bootScript";

/** The shell helpers the GCP fetch commands use. */
export const GCP_BOOT_HELPERS = [
    JSON_GET_HELPER,
    "gcp_secret() {",
    `    curl -fsS -H 'Metadata-Flavor: Google' -o ${BOOT_DIR}/token.json 'http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token'`,
    `    curl -fsS -H "Authorization: Bearer $(json_get ${BOOT_DIR}/token.json access_token)" -o ${BOOT_DIR}/secret.json "https://secretmanager.googleapis.com/v1/$1:access"`,
    `    json_get ${BOOT_DIR}/secret.json payload data > ${BOOT_DIR}/secret.b64`,
    `    base64 -d ${BOOT_DIR}/secret.b64`,
    `    rm -f ${BOOT_DIR}/token.json ${BOOT_DIR}/secret.json ${BOOT_DIR}/secret.b64`,
    "}",
];

/** The Secret Manager version a reference names: `projects/<p>/secrets/<id>/versions/<n>`. */
export function gcpSecretVersionName(secret: string, version: string, project: string): string {
    const full = secret.startsWith("projects/") ? secret : `projects/${project}/secrets/${secret}`;
    return `${full}/versions/${version}`;
}

/** The command that prints one secret's value. */
export function gcpSecretFetch(name: string, versionName: string): BootSecret {
    return { name, fetch: `gcp_secret ${shellQuote(versionName)}` };
}
