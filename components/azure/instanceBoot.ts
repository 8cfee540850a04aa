/**
 * What an Azure instance of an instance group is told at boot: its boot script (components/core/bootScript.ts,
 * as customData for cloud-init) with each secret read from Key Vault by its URL (./secretRefs.ts), with a token of
 * the group's user-assigned identity from the instance metadata service (curl; JSON read by python3). Also the SSH
 * key Azure insists on. Pure functions over resolved values.
 */
import { createHash } from "node:crypto";
import { BOOT_DIR, type BootSecret, JSON_GET_HELPER, shellQuote } from "../core/bootScript";

/** The shell helpers the Azure fetch commands use: `azure_secret URL CLIENT_ID`. */
export const AZURE_BOOT_HELPERS = [
    JSON_GET_HELPER,
    "azure_secret() {",
    `    curl -fsS -H 'Metadata: true' -o ${BOOT_DIR}/token.json "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net&client_id=$2"`,
    `    curl -fsS -H "Authorization: Bearer $(json_get ${BOOT_DIR}/token.json access_token)" -o ${BOOT_DIR}/secret.json "$1?api-version=7.4"`,
    `    json_get ${BOOT_DIR}/secret.json value`,
    `    rm -f ${BOOT_DIR}/token.json ${BOOT_DIR}/secret.json`,
    "}",
];

/** The command that prints one secret's value. */
export function azureSecretFetch(name: string, url: string, clientId: string): BootSecret {
    return { name, fetch: `azure_secret ${shellQuote(url)} ${shellQuote(clientId)}` };
}

/** Where Azure writes the key, for the admin user. */
export const ADMIN_USER = "immutable";

/** The seed of {@link unusableSshPublicKey}: anyone can derive the key again from it. */
export const UNUSABLE_KEY_SEED = "immutable-infra: an RSA modulus derived from this text; nobody knows its factors";

/**
 * Azure requires an SSH public key on a Linux scale set whose password authentication is off. This one opens
 * nothing: its 2048-bit modulus is expanded from a public seed with SHA-512 (top and bottom bits set), so nobody
 * chose its primes and nobody holds the private key (finding it means factoring the modulus); and the images
 * run no SSH server. Deterministic, so it never changes the scale set's model.
 */
export function unusableSshPublicKey(): string {
    const blocks: Buffer[] = [];
    for (let i = 0; blocks.length * 64 < 256; i++) {
        blocks.push(createHash("sha512").update(`${UNUSABLE_KEY_SEED}#${i}`).digest());
    }
    const modulus = Buffer.concat(blocks).subarray(0, 256);
    modulus[0] |= 0x80;
    modulus[255] |= 0x01;
    const field = (b: Buffer) => {
        const len = Buffer.alloc(4);
        len.writeUInt32BE(b.length);
        return Buffer.concat([len, b]);
    };
    const blob = Buffer.concat([
        field(Buffer.from("ssh-rsa")),
        field(Buffer.from([0x01, 0x00, 0x01])),
        field(Buffer.concat([Buffer.from([0x00]), modulus])),
    ]);
    return `ssh-rsa ${blob.toString("base64")} no-one-holds-this-key`;
}
