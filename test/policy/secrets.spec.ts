import { DIGEST, table } from "./support";

const TD = "aws:ecs/taskDefinition:TaskDefinition";
const ecsEnv = (environment: Array<{ name: string; value: string }>, secrets?: unknown[]) => ({
    containerDefinitions: JSON.stringify([
        { name: "api", image: `a@${DIGEST}`, readonlyRootFilesystem: true, environment, secrets },
    ]),
});

describe("plaintext-secret-forbid", () => {
    table("plaintext-secret-forbid", [
        {
            it: "rejects a literal DB_PASSWORD in ECS environment",
            type: TD,
            inputs: ecsEnv([{ name: "DB_PASSWORD", value: "hunter2" }]),
            expect: ["env DB_PASSWORD is named like a secret and holds a literal value"],
        },
        {
            it: "rejects an AWS access key id whatever the variable's name",
            type: TD,
            inputs: ecsEnv([{ name: "CONFIG", value: "AKIAABCDEFGHIJKLMNOP" }]),
            expect: ["holds an AWS access key id"],
        },
        {
            it: "accepts ECS secrets (valueFrom a Secrets Manager ARN)",
            type: TD,
            inputs: ecsEnv(
                [{ name: "PORT", value: "8080" }],
                [{ name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:us-east-1:1:secret:db" }],
            ),
            expect: [],
        },
        {
            it: "accepts a secret name whose value is a reference (ARN)",
            type: TD,
            inputs: ecsEnv([{ name: "DB_PASSWORD_ARN", value: "arn:aws:secretsmanager:us-east-1:1:secret:db" }]),
            expect: [],
        },
        {
            it: "accepts a numeric TOKEN_TTL",
            type: TD,
            inputs: ecsEnv([{ name: "TOKEN_TTL", value: "3600" }]),
            expect: [],
        },
        {
            it: "rejects a literal API_KEY in a Cloud Run v2 env",
            type: "gcp:cloudrunv2/service:Service",
            inputs: {
                template: {
                    containers: [{ image: `a/b@${DIGEST}`, envs: [{ name: "API_KEY", value: "sk-live-123456" }] }],
                },
            },
            expect: ["template.containers[0] env API_KEY"],
        },
        {
            it: "accepts Cloud Run valueSource secret references",
            type: "gcp:cloudrunv2/service:Service",
            inputs: {
                template: {
                    containers: [
                        {
                            image: `a/b@${DIGEST}`,
                            envs: [
                                { name: "API_KEY", valueSource: { secretKeyRef: { secret: "api-key", version: "3" } } },
                            ],
                        },
                    ],
                },
            },
            expect: [],
        },
        {
            it: "rejects a password in a URL in a Cloud Run v1 env",
            type: "gcp:cloudrun/service:Service",
            inputs: {
                template: {
                    spec: {
                        containers: [
                            {
                                image: `a/b@${DIGEST}`,
                                envs: [{ name: "DATABASE_URL", value: "postgres://app:s3cret@db:5432/app" }],
                            },
                        ],
                    },
                },
            },
            expect: ["a password in a URL"],
        },
        {
            it: "accepts a URL whose password is a placeholder filled at boot",
            type: "gcp:cloudrun/service:Service",
            inputs: {
                template: {
                    spec: {
                        containers: [
                            {
                                image: `a/b@${DIGEST}`,
                                envs: [{ name: "DATABASE_URL", value: "postgres://app:${DB_PASSWORD}@db:5432/app" }],
                            },
                        ],
                    },
                },
            },
            expect: [],
        },
        {
            it: "rejects a literal secret in Container Apps env",
            type: "azure-native:app:ContainerApp",
            inputs: {
                template: {
                    containers: [
                        { name: "api", image: `a/b@${DIGEST}`, env: [{ name: "CLIENT_SECRET", value: "abc123def" }] },
                    ],
                },
            },
            expect: ["env CLIENT_SECRET"],
        },
        {
            it: "accepts Container Apps secretRef",
            type: "azure-native:app:ContainerApp",
            inputs: {
                template: {
                    containers: [
                        {
                            name: "api",
                            image: `a/b@${DIGEST}`,
                            env: [{ name: "CLIENT_SECRET", secretRef: "client-secret" }],
                        },
                    ],
                },
            },
            expect: [],
        },
        {
            it: "rejects an exported password in user data",
            type: "aws:ec2/instance:Instance",
            inputs: { ami: "ami-1", userData: "#!/bin/sh\nexport DB_PASSWORD=hunter2\n" },
            expect: ["userData holds plaintext secrets: DB_PASSWORD=<literal>"],
        },
        {
            it: "rejects a PEM private key in a GCP startup script",
            type: "gcp:compute/instance:Instance",
            inputs: { metadataStartupScript: "cat > /k <<EOF\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\nEOF" },
            expect: ["a PEM private key"],
        },
        {
            it: "accepts a boot script that fetches the secret at boot",
            type: "aws:ec2/instance:Instance",
            inputs: {
                userData:
                    "DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)",
            },
            expect: [],
        },
        {
            it: "rejects a secret even when the program marked it a Pulumi secret (the engine unwraps it)",
            type: "gcp:compute/instance:Instance",
            inputs: {
                metadataStartupScript: {
                    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                    value: "export API_TOKEN=abc123",
                },
            },
            expect: ["API_TOKEN=<literal>"],
        },
    ]);
});
