/**
 * Secrets are never baked: components take references (Secrets Manager / SSM ARN, Secret Manager secret +
 * pinned version, Key Vault secret URL) and wire them into the runtime's secret mechanism. The mocked secret
 * stores below answer every secret lookup with a known plaintext, so a component that ever resolved a
 * reference at deploy time would put that plaintext into a resource input: no input anywhere may contain it.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { CALL_RESULT } from "../../bin/lib/mockState";
import { synthesize, type Synthesis } from "../../bin/lib/synthesize";
import type { ContainerServiceArgs } from "../../components/core/serviceArgs";
import { plaintextSecretProblem } from "../../components/core/serviceArgs";
import { Slot } from "../../components/core/slots";
import { CLOUDS, plain } from "./support/clouds";
import { digestOf, REPOS, SECRET_PLAINTEXT } from "./support/fixtures";
import { synthEnvironment } from "./support/stacks";

/** Every provider function that reads a secret's value, answered with the plaintext. */
const SECRET_LOOKUPS = [
    "aws:secretsmanager/getSecretVersion:getSecretVersion",
    "aws:ssm/getParameter:getParameter",
    "gcp:secretmanager/getSecretVersion:getSecretVersion",
    "gcp:secretmanager/getSecretVersionAccess:getSecretVersionAccess",
    "azure-native:keyvault:getSecret",
];

function allInputsText(s: Synthesis): string {
    return JSON.stringify(s.resources.map((r) => plain(r.inputs)));
}

describe("secrets are never baked", () => {
    const saved = new Map<string, unknown>();
    before(() => {
        for (const token of SECRET_LOOKUPS) {
            saved.set(token, CALL_RESULT[token]);
            CALL_RESULT[token] = () => ({
                secretString: SECRET_PLAINTEXT,
                value: SECRET_PLAINTEXT,
                secretData: SECRET_PLAINTEXT,
                properties: { value: SECRET_PLAINTEXT },
            });
        }
    });
    after(() => {
        for (const [token, fn] of saved) {
            if (fn === undefined) {
                delete CALL_RESULT[token];
            } else {
                CALL_RESULT[token] = fn as (typeof CALL_RESULT)[string];
            }
        }
    });

    for (const cloud of CLOUDS) {
        const base = (): ContainerServiceArgs => ({
            blue: { version: "v42", image: `${REPOS[cloud.cloud]}@${digestOf("v42")}` },
            live: Slot.Blue,
            env: { LOG_LEVEL: "info" },
        });
        const synth = (args: ContainerServiceArgs) =>
            synthesize(() => cloud.create("api", args) as unknown as Record<string, unknown>, {
                project: "immutable",
                stack: "spec",
            });

        describe(cloud.component, () => {
            it("passes the secret reference into the runtime and no resource input contains the plaintext", async () => {
                const s = await synth({
                    ...base(),
                    secrets: { DB_PASSWORD: cloud.secretRef, API_TOKEN: cloud.secretRef },
                });
                assert.deepEqual(cloud.secretWiring(s), { API_TOKEN: cloud.wiredRef, DB_PASSWORD: cloud.wiredRef });
                assert.ok(!allInputsText(s).includes(SECRET_PLAINTEXT), "no input holds the plaintext");
                assert.deepEqual(
                    s.invokes.filter((i) => SECRET_LOOKUPS.includes(i.token)),
                    [],
                    "no secret is read at deploy time",
                );
            });

            it("deploys the shipped prod stack with secret references and without any plaintext", async () => {
                const s = await synthEnvironment(cloud.cloud, "v43", {
                    blue: "current",
                    live: Slot.Blue,
                    secrets: JSON.stringify({ DB_PASSWORD: cloud.secretRef }),
                });
                assert.deepEqual(cloud.secretWiring(s), { DB_PASSWORD: cloud.wiredRef });
                assert.ok(!allInputsText(s).includes(SECRET_PLAINTEXT));
            });

            const refusals: [string, Record<string, pulumi.Input<string>>, RegExp][] = [
                [
                    "a password by name",
                    { DB_PASSWORD: "hunter2" },
                    /env\.DB_PASSWORD names a secret: pass it in `secrets` as a reference/,
                ],
                ["an API key by name", { STRIPE_API_KEY: "sk_live_abc" }, /env\.STRIPE_API_KEY names a secret/],
                [
                    "a URL with a password",
                    { UPSTREAM: "postgres://app:s3cr3t@db.internal:5432/app" },
                    /env\.UPSTREAM holds a secret-looking value/,
                ],
                [
                    "an AWS access key id",
                    { SOME_ID: "AKIAIOSFODNN7EXAMPLE" },
                    /env\.SOME_ID holds a secret-looking value/,
                ],
                [
                    "a private key",
                    { CERT: "-----BEGIN RSA PRIVATE KEY-----\nMIIE..." },
                    /env\.CERT holds a secret-looking value/,
                ],
                [
                    "a secret Output",
                    { LOOKS_HARMLESS: pulumi.secret("hunter2") },
                    /env\.LOOKS_HARMLESS is a secret Output/,
                ],
            ];
            for (const [what, env, error] of refusals) {
                it(`refuses ${what} in plain env`, async () => {
                    await assert.rejects(synth({ ...base(), env }), (err: Error) => {
                        assert.match(err.message, new RegExp(`${cloud.component} "api": `));
                        assert.match(err.message, error);
                        return true;
                    });
                });
            }
        });
    }

    it("accepts ordinary configuration that only looks near a secret", () => {
        for (const [name, value] of [
            ["LOG_LEVEL", "debug"],
            ["PUBLIC_URL", "https://example.com/path"],
            ["TOKEN_TTL_SECONDS_HINT", ""],
            ["FEATURE_FLAGS", "a,b,c"],
        ]) {
            assert.equal(plaintextSecretProblem(name, value), undefined, `${name}=${value}`);
        }
    });
});
