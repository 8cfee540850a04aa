/**
 * Plaintext secrets as the pack sees them: the one detector of components/core/secrets.ts (shared with the
 * components, vendored when the pack is published) applied to environment entries and to boot scripts. A
 * Pulumi secret is no help here: the value still ends up in clear text in the task definition, service spec
 * or user data.
 */
import { plaintextSecret as finding, SECRET_NAME, SECRET_VALUES } from "../../components/core/secrets";

/** Why a name/value pair is a plaintext secret ("holds an AWS access key id"), or undefined. */
export function plaintextSecret(name: string, value: string | undefined): string | undefined {
    return finding(name, value)?.reason;
}

const ASSIGNMENT =
    /(?:^|[\s;&|])(?:export\s+|set\s+|\$env:)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("[^"\n]*"|'[^'\n]*'|[^\s;&|]+)/g;

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
        if (SECRET_NAME.test(name) && finding(name, value) !== undefined) {
            found.push(`${name}=<literal>`);
        }
    }
    return found;
}
