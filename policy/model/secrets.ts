/**
 * Secret-looking plaintext: environment variables whose name says "secret" and whose value is a literal
 * (not a reference to a secret store), values that are secrets whatever their name (cloud keys, tokens,
 * PEM private keys), and assignments of such names in boot scripts. A Pulumi secret is no help here: the
 * value still ends up in clear text in the task definition, service spec or user data.
 */

/** Names that say "secret". */
export const SECRET_NAME = /(secret|passw(or)?d|passwd|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|conn(ection)?[_-]?str(ing)?|client[_-]?secret)/i;

/** Values that are secrets whatever their name. */
export const SECRET_VALUES: Array<{ what: string; re: RegExp }> = [
    { what: "an AWS access key id", re: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
    { what: "a PEM private key", re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
    { what: "a GitHub token", re: /\bgh[pousr]_[A-Za-z0-9]{30,}\b/ },
    { what: "a Slack token", re: /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/ },
    { what: "a Google API key", re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
    { what: "an Azure storage key", re: /AccountKey=[A-Za-z0-9+/=]{40,}/ },
    { what: "a password in a URL", re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:(?![$%{])[^\s@/]{3,}@/i },
];

/** Values that are references to a secret store (or placeholders), not secrets. */
const REFERENCE = [
    /^arn:aws[\w-]*:(secretsmanager|ssm|kms):/i,
    /^projects\/[^/]+\/secrets\//,
    /^https:\/\/[\w-]+\.vault\.azure\.net\//i,
    /^\$\{[^}]+\}$/, // ${VAR} placeholder
    /^(true|false|\d+)$/i, // flags and numbers (TOKEN_TTL=3600)
];

/** True when `value` is a reference to a secret store or a placeholder rather than a secret. */
export function isSecretReference(value: string): boolean {
    return value.trim().length === 0 || REFERENCE.some((re) => re.test(value.trim()));
}

/** Why a name/value pair is a plaintext secret, or undefined when it is not one. */
export function plaintextSecret(name: string, value: string | undefined): string | undefined {
    if (value === undefined || isSecretReference(value)) {
        return undefined;
    }
    const known = SECRET_VALUES.find((s) => s.re.test(value));
    if (known) {
        return `holds ${known.what}`;
    }
    return SECRET_NAME.test(name) ? "is named like a secret and holds a literal value" : undefined;
}

const ASSIGNMENT = /(?:^|[\s;&|])(?:export\s+|set\s+|\$env:)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("[^"\n]*"|'[^'\n]*'|[^\s;&|]+)/g;

/** Plaintext secrets in a boot script: secret-looking values anywhere, and assignments to secret names. */
export function scriptSecrets(text: string): string[] {
    const found: string[] = [];
    for (const s of SECRET_VALUES) {
        if (s.re.test(text)) {
            found.push(s.what);
        }
    }
    for (const m of text.matchAll(ASSIGNMENT)) {
        const name = m[1];
        const value = m[2].replace(/^["']|["']$/g, "");
        if (SECRET_NAME.test(name) && !isSecretReference(value) && !/^\$/.test(value)) {
            found.push(`${name}=<literal>`);
        }
    }
    return found;
}
