/**
 * What a plaintext secret looks like: the one detector the components (env of a service, build args of an
 * image) and the policy pack (env of containers, boot scripts) share. Pure, no Pulumi import: the policy pack
 * vendors this file when it is published (policy/publish.sh).
 *
 * A value is a secret when it has the shape of one (a cloud key, a token, a private key, a URL with a
 * password...) whatever its name, or when its name says "secret" and it holds a literal rather than a
 * reference to a secret store (an ARN, a Secret Manager name, a Key Vault URL) or a placeholder.
 */

/** Names that say "secret" (`DB_PASSWORD`, `API_KEY`, `STRIPE_TOKEN`, `DATABASE_URL`, `NPM_AUTH`...). */
export const SECRET_NAME =
    /(passw(or)?d|passwd|passphrase|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|signing[_-]?key|credential|conn(ection)?[_-]?str(ing)?|(^|_)dsn($|_)|database[_-]?url|(^|_)auth($|_))/i;

/** One kind of value that is a secret whatever its name. */
export interface SecretShape {
    /** What it is, for messages: "an AWS access key id". */
    what: string;
    re: RegExp;
}

/** Values that are secrets whatever their name. */
export const SECRET_VALUES: readonly SecretShape[] = [
    { what: "an AWS access key id", re: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
    { what: "a PEM private key", re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
    { what: "a GitHub token", re: /\bgh[pousr]_[A-Za-z0-9]{20,}\b/ },
    { what: "a Slack token", re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
    { what: "a Google API key", re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
    { what: "an npm token", re: /\bnpm_[A-Za-z0-9]{36}\b/ },
    { what: "an Azure storage key", re: /AccountKey=[A-Za-z0-9+/=]{20,}/ },
    { what: "an Azure shared access signature", re: /SharedAccessSignature=|[?&]sig=[A-Za-z0-9%+/=]{20,}/ },
    { what: "a JSON web token", re: /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
    { what: "a password in a URL", re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:(?![$%{])[^\s@/]+@/i },
    { what: "a password in a connection string", re: /(^|;)\s*(password|pwd)\s*=\s*(?![$%{])[^;\s]{3,}/i },
    { what: "a Stripe secret key", re: /\b[sr]k_live_[0-9A-Za-z]{16,}\b/ },
    { what: "a GitLab token", re: /\bglpat-[0-9A-Za-z_-]{20,}\b/ },
    { what: "a SendGrid API key", re: /\bSG\.[0-9A-Za-z_-]{16,}\.[0-9A-Za-z_-]{16,}\b/ },
];

/** Values that are references to a secret store, or placeholders, not secrets. */
const REFERENCE: readonly RegExp[] = [
    /^arn:aws[\w-]*:(secretsmanager|ssm|kms):/i,
    /^projects\/[^/]+\/secrets\//,
    /^https:\/\/[\w-]+\.vault\.azure\.(net|cn|us)\//i,
    /^\$/, // an expansion filled at boot: $VAR, ${VAR}, $(command)
];

/** A value built at boot from a placeholder (`postgres://app:${DB_PASSWORD}@db/app`) is not a literal. */
const TEMPLATE = /\$\{[^}]+\}|\$\([^)]*\)|\{\{[^}]+\}\}/;

/** Values a secret-looking name may hold without being a secret: flags and numbers (`TOKEN_TTL=3600`). */
const NOT_A_SECRET = /^(true|false|yes|no|on|off|\d+)$/i;

/** True when `value` is a reference to a secret store or a placeholder rather than a secret. */
export function isSecretReference(value: string): boolean {
    const text = value.trim();
    return REFERENCE.some((re) => re.test(text));
}

/** The shape of secret `value` has whatever its name ("an AWS access key id"), or undefined. */
export function secretShapeOf(value: string): string | undefined {
    return SECRET_VALUES.find((s) => s.re.test(value))?.what;
}

/** Why the value is a plaintext secret. */
export enum SecretKind {
    /** The value has the shape of a secret, whatever its name. */
    Value = "value",
    /** The name says "secret" and the value is a literal. */
    Name = "name",
}

/** A plaintext secret found in a name/value pair. */
export interface SecretFinding {
    kind: SecretKind;
    /** For messages: "holds an AWS access key id", "is named like a secret and holds a literal value". */
    reason: string;
}

/**
 * Judges one name/value pair (an environment variable, a build arg): a finding when it is a plaintext
 * secret, undefined when it is not. Empty values, references and placeholders are not secrets.
 */
export function plaintextSecret(name: string, value: string | undefined): SecretFinding | undefined {
    if (value === undefined || value.trim() === "" || isSecretReference(value)) {
        return undefined;
    }
    const shape = secretShapeOf(value);
    if (shape) {
        return { kind: SecretKind.Value, reason: `holds ${shape}` };
    }
    if (SECRET_NAME.test(name) && !NOT_A_SECRET.test(value.trim()) && !TEMPLATE.test(value)) {
        return { kind: SecretKind.Name, reason: "is named like a secret and holds a literal value" };
    }
    return undefined;
}
