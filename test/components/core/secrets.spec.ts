/**
 * The one secret detector (components/core/secrets.ts) and ONE table of cases, checked against every user of
 * it: the detector itself, the service components' env check (components/core/serviceArgs.ts), the image
 * build args check (components/image/buildInputs.ts: a secret-looking name alone is refused there), and the
 * policy pack (plaintext-secret-forbid on container env and on boot scripts).
 */
import * as assert from "node:assert/strict";
import { plaintextSecret, SECRET_NAME, SecretKind } from "../../../components/core/secrets";
import { plaintextSecretProblem } from "../../../components/core/serviceArgs";
import { looksLikeSecret } from "../../../components/image/buildInputs";
import { scriptSecrets } from "../../../policy/model/secrets";
import { plaintextSecretForbid } from "../../../policy/rules/plaintextSecretForbid";

/** [name, value, what the detector must say: the shape of the value, "name" (named like a secret), or undefined]. */
export const SECRET_CASES: ReadonlyArray<[string, string, string | undefined]> = [
    ["CONFIG", "AKIAABCDEFGHIJKLMNOP", "an AWS access key id"],
    ["AWS_KEY", "ASIAABCDEFGHIJKLMNOP", "an AWS access key id"],
    ["TLS_KEY", "-----BEGIN RSA PRIVATE KEY-----\nMIIE", "a PEM private key"],
    ["GH", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "a GitHub token"],
    ["SLACK", "xoxb-1234567890-abcdefghij", "a Slack token"],
    ["MAPS", `AIza${"a".repeat(35)}`, "a Google API key"],
    ["NPMRC", `npm_${"a".repeat(36)}`, "an npm token"],
    [
        "STORAGE",
        "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abcdefghijklmnopqrstuvwxyz==",
        "an Azure storage key",
    ],
    ["SESSION", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop", "a JSON web token"],
    ["DATABASE_URL", "postgres://app:s3cret@db:5432/app", "a password in a URL"],
    ["SQL", "Server=db;Database=app;User Id=app;Password=s3cret;", "a password in a connection string"],
    ["PAYMENTS", `sk_live_${"a".repeat(24)}`, "a Stripe secret key"],
    ["GITLAB", `glpat-${"a".repeat(20)}`, "a GitLab token"],
    ["MAIL", `SG.${"a".repeat(22)}.${"b".repeat(43)}`, "a SendGrid API key"],
    ["DB_PASSWORD", "hunter2", "name"],
    ["API_KEY", "sk-test-123", "name"],
    ["CLIENT_SECRET", "abc123def", "name"],
    ["DATABASE_URL", "mysql-host-without-password", "name"],
    ["NPM_AUTH", "abc", "name"],
    ["DB_PASSWORD", "arn:aws:secretsmanager:us-east-1:1:secret:db", undefined],
    ["API_KEY", "projects/p/secrets/api-key", undefined],
    ["CLIENT_SECRET", "https://vault.vault.azure.net/secrets/client", undefined],
    ["DB_PASSWORD", "${DB_PASSWORD}", undefined],
    ["DATABASE_URL", "postgres://app:${DB_PASSWORD}@db:5432/app", undefined],
    ["TOKEN_TTL", "3600", undefined],
    ["ENABLE_TOKENS", "true", undefined],
    ["DB_PASSWORD", "", undefined],
    ["PORT", "8080", undefined],
    ["GREETING", "hello world", undefined],
    ["KEY_ROTATION_URL", "https://example.com/rotate", undefined],
];

describe("the one secret detector and its table of cases", () => {
    for (const [name, value, expected] of SECRET_CASES) {
        const title = `${name}=${JSON.stringify(value.slice(0, 24))} ${expected ? (expected === "name" ? "is named like a secret" : `holds ${expected}`) : "is not a secret"}`;
        it(title, () => {
            // The detector.
            const finding = plaintextSecret(name, value);
            if (expected === undefined) {
                assert.equal(finding, undefined);
            } else if (expected === "name") {
                assert.equal(finding?.kind, SecretKind.Name);
            } else {
                assert.deepEqual(finding, { kind: SecretKind.Value, reason: `holds ${expected}` });
            }
            // The service components refuse exactly these env values, and say why.
            const problem = plaintextSecretProblem(name, value);
            assert.equal(problem !== undefined, expected !== undefined, `serviceArgs: ${problem}`);
            if (expected && expected !== "name") {
                assert.ok(problem!.includes(expected), problem);
            }
            // Image build args: refused by the detector, or by a secret-looking name alone.
            assert.equal(looksLikeSecret(name, value), expected !== undefined || SECRET_NAME.test(name));
            // The pack: container env (Cloud Run), and an exported assignment in a boot script.
            const reports: string[] = [];
            plaintextSecretForbid.validate(
                "gcp:cloudrunv2/service:Service",
                { template: { containers: [{ image: "a/b@sha256:" + "1".repeat(64), envs: [{ name, value }] }] } },
                {},
                (m) => reports.push(m),
            );
            assert.equal(reports.length, expected === undefined ? 0 : 1, JSON.stringify(reports));
            if (expected && expected !== "name") {
                assert.ok(reports[0].includes(`holds ${expected}`), reports[0]);
            }
            if (!value.includes("\n") && !value.includes("$")) {
                const found = scriptSecrets(`#!/bin/sh\nexport ${name}='${value}'\n`);
                assert.equal(found.length > 0, expected !== undefined, `boot script: ${JSON.stringify(found)}`);
            }
        });
    }
});
