/**
 * The first real `pulumi up` works on every cloud (issue 13): what each cloud needs before a revision pulls its
 * image or reads a secret, names within every limit, revision names that follow the template, sizes each
 * runtime accepts, waiting for health, and replaced revisions that retire. One spec per point, on the
 * components and on the shipped stacks; the constraints layer (test/constraints/) checks the same truths on
 * every synthesis.
 */
import * as assert from "node:assert/strict";
import { RESOURCE_STATE } from "../../bin/lib/mockState";
import { synthesize, type Synthesis } from "../../bin/lib/synthesize";
import { AzureContainerService } from "../../components/azure/containerService";
import type { ContainerServiceArgs } from "../../components/core/serviceArgs";
import { Slot } from "../../components/core/slots";
import { CONSTRAINTS, evaluate, MOCK_WORLD } from "../constraints";
import { AWS_NETWORK, AZURE_PLACE, byType, CLOUDS, one, plain } from "./support/clouds";
import { digestOf, REPOS } from "./support/fixtures";
import { useMockAnswers } from "./support/mockAnswers";
import { synthEnvironment } from "./support/stacks";

const [AWS, GCP, AZURE] = CLOUDS;
const SHA = "565442c85c265da0ea882a48fd2f25b16d7913e4";

/** Synthesizes a program whose outputs are the component's own (the ones it set). */
function synth(program: () => unknown): Promise<Synthesis> {
    return synthesize(
        () => Object.fromEntries(Object.entries(program() as object).filter(([, value]) => value !== undefined)),
        { project: "immutable", stack: "spec" },
    );
}

function service(cloud: (typeof CLOUDS)[number], extra: Partial<ContainerServiceArgs> & Record<string, unknown> = {}) {
    return synth(() =>
        cloud.create(String(extra.name ?? "api"), {
            blue: { version: "v42", image: `${REPOS[cloud.cloud]}@${digestOf("v42")}` },
            green: { version: "v43", image: `${REPOS[cloud.cloud]}@${digestOf("v43")}` },
            live: Slot.Blue,
            lastDeployed: Slot.Green,
            ...extra,
        } as ContainerServiceArgs),
    );
}

function violations(s: Synthesis, rule: string): string[] {
    return evaluate(CONSTRAINTS, s, MOCK_WORLD)
        .filter((f) => f.rule === rule)
        .map((f) => f.message);
}

const dependsOnUrn = (r: { dependencies: string[] }, urn: string) => r.dependencies.includes(urn);

describe("the first real pulumi up", () => {
    useMockAnswers();

    describe("GCP: the Cloud Run service agent may pull from the build project's repository", () => {
        it("grants roles/artifactregistry.reader on the release repository (another project) to service-<number>@serverless-robot-prod, and the service waits for it", async () => {
            const s = await synthEnvironment(GCP.cloud, "v43", { blue: "current" });
            const grant = one(s, "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember");
            const g = plain(grant.inputs);
            assert.deepEqual(
                { project: g.project, location: g.location, repository: g.repository, role: g.role },
                {
                    project: "immutable-mock",
                    location: "us-central1",
                    repository: "releases",
                    role: "roles/artifactregistry.reader",
                },
            );
            assert.match(g.member, /^serviceAccount:service-\d+@serverless-robot-prod\.iam\.gserviceaccount\.com$/);
            const run = one(s, "gcp:cloudrunv2/service:Service");
            assert.ok(dependsOnUrn(run, grant.urn), "the service depends on the grant");
            assert.ok(
                s.invokes.some((i) => i.token === "gcp:organizations/getProject:getProject"),
                "the project number comes from the running project",
            );
            assert.deepEqual(violations(s, "gcp.run.image-pull-granted"), []);
        });

        it("grants nothing for images outside Artifact Registry, and nothing when grantImagePull is false", async () => {
            const hub = `docker.io/library/nginx@${digestOf("nginx")}`;
            const outside = await synth(() =>
                GCP.create("api", { blue: { version: "v1", image: hub }, live: Slot.Blue }),
            );
            assert.equal(byType(outside, "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember").length, 0);
            const off = await service(GCP, { grantImagePull: false });
            assert.equal(byType(off, "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember").length, 0);
        });

        it("refuses slots whose images come from two Artifact Registry repositories (one grant per service)", async () => {
            await assert.rejects(
                service(GCP, {
                    green: { version: "v43", image: `us-central1-docker.pkg.dev/other/else/api@${digestOf("v43")}` },
                }),
                /GcpContainerService "api": image the slots' images come from 2 Artifact Registry repositories/,
            );
        });
    });

    describe("Azure: an identity with its roles exists before the app", () => {
        it("creates the identity, grants it AcrPull on the registry and Key Vault Secrets User on the vault, and the app waits for both", async () => {
            const s = await service(AZURE, { secrets: { DB_PASSWORD: AZURE.secretRef } });
            const identity = one(s, "azure-native:managedidentity:UserAssignedIdentity");
            const grants = byType(s, "azure-native:authorization:RoleAssignment").map((r) => plain(r.inputs));
            assert.deepEqual(
                grants.map((g) => [g.scope, g.roleDefinitionId.split("/").pop(), g.principalType]).sort(),
                [
                    [AZURE_PLACE.registryId, "7f951dda-4ed3-4680-a7ca-43fe172d538d", "ServicePrincipal"],
                    [AZURE_PLACE.keyVaultId, "4633458b-17de-408a-b874-0445c86b69e6", "ServicePrincipal"],
                ],
            );
            assert.ok(grants.every((g) => g.principalId === plain(identity.outputs).principalId));
            const app = one(s, "azure-native:app:ContainerApp");
            for (const r of byType(s, "azure-native:authorization:RoleAssignment")) {
                assert.ok(dependsOnUrn(app, r.urn), `the app depends on ${r.name}`);
            }
            assert.equal(s.outputs.identityPrincipalId, plain(identity.outputs).principalId);
            assert.equal(s.outputs.runtimeIdentity, plain(identity.outputs).principalId);
        });

        it("refuses ACR images without registryId, and secrets without keyVaultId, naming what the identity needs", async () => {
            await assert.rejects(
                service(AZURE, { registryId: undefined }),
                /AzureContainerService "api": registryId is required: the app's identity needs AcrPull on immutablereleases\.azurecr\.io before the app pulls/,
            );
            await assert.rejects(
                service(AZURE, { keyVaultId: undefined, secrets: { DB_PASSWORD: AZURE.secretRef } }),
                /keyVaultId is required with secrets/,
            );
            await assert.rejects(
                service(AZURE, { registryId: AZURE_PLACE.registryId.replace(/immutablereleases$/, "otherregistry") }),
                /registryId names registry otherregistry, but the images come from immutablereleases\.azurecr\.io/,
            );
        });

        it("uses an existing identity as given: no identity or assignment of its own, its principal as output", async () => {
            const identityId =
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-spec/providers/Microsoft.ManagedIdentity/userAssignedIdentities/api-pull";
            const s = await synth(
                () =>
                    new AzureContainerService("api", {
                        resourceGroupName: "rg-spec",
                        identityId,
                        blue: { version: "v42", image: `${REPOS.azure}@${digestOf("v42")}` },
                        live: Slot.Blue,
                    }),
            );
            assert.equal(byType(s, "azure-native:managedidentity:UserAssignedIdentity").length, 0);
            assert.equal(byType(s, "azure-native:authorization:RoleAssignment").length, 0);
            const app = plain(one(s, "azure-native:app:ContainerApp").inputs);
            assert.deepEqual(app.identity.userAssignedIdentities, [identityId]);
            assert.deepEqual(app.configuration.registries, [
                { server: "immutablereleases.azurecr.io", identity: identityId },
            ]);
            assert.match(String(s.outputs.runtimeIdentity), /^[0-9a-f-]{36}$/);
        });

        it("exposes the identity's principal from the shipped stack", async () => {
            const s = await synthEnvironment(AZURE.cloud, "v43", { blue: "current" });
            const identity = one(s, "azure-native:managedidentity:UserAssignedIdentity");
            assert.equal(s.outputs.runtimeIdentity, plain(identity.outputs).principalId);
            const acrPull = byType(s, "azure-native:authorization:RoleAssignment").map((r) => plain(r.inputs).scope);
            assert.deepEqual(acrPull, [
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/immutable-releases/providers/Microsoft.ContainerRegistry/registries/immutablereleases",
            ]);
        });
    });

    describe("names within every limit", () => {
        it("keeps a Container Apps revision within 54 characters for a 32-character app name and a git-SHA version", async () => {
            const appName = "a".repeat(31) + "z";
            const s = await service(AZURE, {
                appName,
                blue: { version: SHA, image: `${REPOS.azure}@${digestOf("v42")}` },
                green: { version: SHA, image: `${REPOS.azure}@${digestOf("v43")}` },
            });
            const names = Object.values(s.outputs.revisionNames as Record<string, string>);
            for (const n of names) {
                assert.ok(n.length <= 54, `${n} is ${n.length} characters`);
                assert.ok(n.startsWith(`${appName}--green-`) || n.startsWith(`${appName}--blue-`), n);
            }
            assert.deepEqual(violations(s, "azure.app.revision-name"), []);
        });

        it("keeps a Cloud Run revision within 63 characters for a 30-character service and a git-SHA version", async () => {
            const s = await service(GCP, {
                serviceName: "s".repeat(30),
                blue: { version: SHA, image: `${REPOS.gcp}@${digestOf("v42")}` },
                green: { version: SHA, image: `${REPOS.gcp}@${digestOf("v43")}` },
            });
            for (const n of Object.values(s.outputs.revisionNames as Record<string, string>)) {
                assert.ok(n.length <= 63, `${n} is ${n.length} characters`);
            }
            assert.deepEqual(violations(s, "gcp.run.revision-name"), []);
        });
    });

    describe("revision names that follow the template", () => {
        const changes: Array<[string, Partial<ContainerServiceArgs>]> = [
            ["an env value", { env: { LOG_LEVEL: "debug" } }],
            ["cpu and memory", { cpu: 2, memoryMiB: 4096 }],
            ["scaling", { scaling: { minInstances: 2, maxInstances: 4 } }],
            ["the health path (probes)", { healthPath: "/ready" }],
        ];
        for (const cloud of [GCP, AZURE]) {
            for (const [what, change] of changes) {
                it(`${cloud.component}: a change of ${what} alone gives the deployed slot a new revision name`, async () => {
                    const before = await service(cloud, { env: { LOG_LEVEL: "info" } });
                    const after = await service(cloud, { env: { LOG_LEVEL: "info" }, ...change });
                    const names = (s: Synthesis) => s.outputs.revisionNames as Record<string, string>;
                    assert.notEqual(names(after).green, names(before).green);
                    assert.match(names(after).green, /green-v43-[0-9a-f]{8}$/);
                });
            }
            it(`${cloud.component}: a new secret version gives the deployed slot a new revision name`, async () => {
                const version =
                    cloud === GCP
                        ? ["3", "4"]
                        : ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"];
                const withVersion = (v: string) =>
                    service(cloud, { secrets: { DB_PASSWORD: { ...cloud.secretRef, version: v } } });
                const [a, b] = [await withVersion(version[0]), await withVersion(version[1])];
                assert.notEqual((a.outputs.revisionNames as any).green, (b.outputs.revisionNames as any).green);
            });
            it(`${cloud.component}: redeploying an earlier release to a slot with another config gets a new name, the same config the same name`, async () => {
                const v42green = (env: Record<string, string>) =>
                    service(cloud, {
                        env,
                        green: { version: "v42", image: `${REPOS[cloud.cloud]}@${digestOf("v42")}` },
                    });
                const first = await v42green({ LOG_LEVEL: "info" });
                const again = await v42green({ LOG_LEVEL: "info" });
                const other = await v42green({ LOG_LEVEL: "warn" });
                assert.equal((again.outputs.revisionNames as any).green, (first.outputs.revisionNames as any).green);
                assert.notEqual((other.outputs.revisionNames as any).green, (first.outputs.revisionNames as any).green);
            });
            it(`${cloud.component}: the slot not deployed last keeps the revision recorded for it`, async () => {
                const recorded = cloud === GCP ? "api-blue-v42-0a1b2c3d" : "api--blue-v42-0a1b2c3d";
                const s = await service(cloud, {
                    blue: { version: "v42", image: `${REPOS[cloud.cloud]}@${digestOf("v42")}`, revision: recorded },
                });
                assert.equal((s.outputs.revisionNames as any).blue, recorded);
            });
        }
    });

    describe("explicit dependencies on IAM", () => {
        it("AWS: every ECS service waits for the execution role's secret-reading policy and its managed policy", async () => {
            const s = await service(AWS, { secrets: { DB_PASSWORD: AWS.secretRef } });
            const policy = one(s, "aws:iam/rolePolicy:RolePolicy");
            const attachment = one(s, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
            for (const svc of byType(s, "aws:ecs/service:Service")) {
                assert.ok(dependsOnUrn(svc, policy.urn), `${svc.name} waits for ${policy.name}`);
                assert.ok(dependsOnUrn(svc, attachment.urn), `${svc.name} waits for ${attachment.name}`);
            }
        });

        it("GCP: the Cloud Run service waits for every secretAccessor binding", async () => {
            const s = await service(GCP, { secrets: { DB_PASSWORD: GCP.secretRef } });
            const run = one(s, "gcp:cloudrunv2/service:Service");
            const bindings = byType(s, "gcp:secretmanager/secretIamMember:SecretIamMember");
            assert.equal(bindings.length, 1);
            assert.ok(dependsOnUrn(run, bindings[0].urn));
        });
    });

    describe("HTTPS on AWS", () => {
        const https = {
            domainName: "api.example.com",
            certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0000",
        };

        it("puts url and the smoke-test URLs on the certificate's domain", async () => {
            const s = await service(AWS, https);
            assert.equal(s.outputs.url, "https://api.example.com");
            assert.deepEqual(s.outputs.smokeTestUrls, {
                blue: "https://api.example.com/?immutable-slot=blue",
                green: "https://api.example.com/?immutable-slot=green",
            });
            assert.deepEqual(violations(s, "aws.https.url-on-certificate-domain"), []);
        });

        it("points the domain at the load balancer with a Route 53 alias when a hosted zone is given", async () => {
            const s = await service(AWS, { ...https, hostedZoneId: "Z0123456789" });
            const record = plain(one(s, "aws:route53/record:Record").inputs);
            const alb = one(s, "aws:lb/loadBalancer:LoadBalancer");
            assert.deepEqual(
                { zoneId: record.zoneId, name: record.name, type: record.type, alias: record.aliases[0].name },
                { zoneId: "Z0123456789", name: "api.example.com", type: "A", alias: plain(alb.outputs).dnsName },
            );
        });

        it("refuses a certificate without the domain it is for", async () => {
            await assert.rejects(
                service(AWS, { certificateArn: https.certificateArn }),
                /AwsContainerService "api": domainName is required with certificateArn: the certificate names your domain/,
            );
        });
    });

    describe("explicit public (ALB) and private (task) subnets on AWS", () => {
        it("puts the load balancer in albSubnetIds and the tasks in taskSubnetIds, without a public IP", async () => {
            const s = await service(AWS);
            assert.deepEqual(
                plain(one(s, "aws:lb/loadBalancer:LoadBalancer").inputs).subnets,
                AWS_NETWORK.albSubnetIds,
            );
            for (const svc of byType(s, "aws:ecs/service:Service")) {
                const net = plain(svc.inputs).networkConfiguration;
                assert.deepEqual([net.subnets, net.assignPublicIp], [AWS_NETWORK.taskSubnetIds, false]);
            }
            assert.deepEqual(violations(s, "aws.alb.subnets-per-zone"), []);
            assert.deepEqual(violations(s, "aws.ecs.tasks-can-reach-ecr"), []);
        });

        it("refuses a missing task subnet list and a load balancer in one subnet", async () => {
            await assert.rejects(
                service(AWS, { taskSubnetIds: undefined }),
                /taskSubnetIds is required: the tasks' subnets/,
            );
            await assert.rejects(service(AWS, { albSubnetIds: ["subnet-0a"] }), /albSubnetIds must list at least 2/);
        });
    });

    describe("waiting for a healthy slot", () => {
        it("AWS: every ECS service waits for a steady state", async () => {
            const s = await service(AWS);
            assert.ok(
                byType(s, "aws:ecs/service:Service").every((svc) => plain(svc.inputs).waitForSteadyState === true),
            );
        });

        it("Azure: the update fails when the template's revision never becomes ready", async () => {
            const app = "azure-native:app:ContainerApp";
            const saved = RESOURCE_STATE[app];
            RESOURCE_STATE[app] = (name, inputs, ctx) => ({
                ...saved(name, inputs, ctx),
                latestReadyRevisionName: "api--blue-v42-00000000",
            });
            try {
                await assert.rejects(
                    service(AZURE, { name: "api" }),
                    /AzureContainerService "api": green revision api--green-v43-[0-9a-f]{8} never became ready \(latest ready: api--blue-v42-00000000\): its readiness probe on \/healthz fails/,
                );
            } finally {
                RESOURCE_STATE[app] = saved;
            }
        });

        it("Azure: the update fails when Container Apps did not create the template's revision", async () => {
            const app = "azure-native:app:ContainerApp";
            const saved = RESOURCE_STATE[app];
            RESOURCE_STATE[app] = (name, inputs, ctx) => ({
                ...saved(name, inputs, ctx),
                latestRevisionName: "api--old",
            });
            try {
                await assert.rejects(
                    service(AZURE),
                    /is not the app's latest revision \(api--old\): Container Apps did not create it/,
                );
            } finally {
                RESOURCE_STATE[app] = saved;
            }
        });
    });

    describe("retiring replaced revisions (Container Apps)", () => {
        it("runs in Labels mode with the deployed slot as the new revision's label, so a slot's replaced revision is deactivated", async () => {
            const s = await service(AZURE);
            const c = plain(one(s, "azure-native:app:ContainerApp").inputs).configuration;
            assert.equal(c.activeRevisionsMode, "Labels");
            assert.equal(c.targetLabel, "green");
            assert.deepEqual(
                c.ingress.traffic.map((t: any) => t.label),
                ["blue", "green"],
            );
        });
    });

    describe("sizes each runtime accepts", () => {
        const refused: Array<[(typeof CLOUDS)[number], number, number, RegExp]> = [
            [
                AWS,
                1,
                1536,
                /memoryMiB 1536 does not go with cpu 1 on Fargate: 1 vCPU takes 2048 to 8192 in steps of 1024 MiB/,
            ],
            [AWS, 3, 8192, /cpu 3 is not a Fargate task size/],
            [AZURE, 1, 3072, /memoryMiB 3072 does not go with cpu 1: Container Apps takes 2 GiB per vCPU, so 2048/],
            [AZURE, 0.3, 614, /cpu 0.3 is not a Container Apps size/],
            [GCP, 1, 256, /memoryMiB 256 is below the 512 MiB the second-generation execution environment needs/],
            [GCP, 1, 8192, /memoryMiB 8192 does not go with cpu 1: 1 CPU allows at most 4096 MiB/],
            [GCP, 3, 4096, /cpu 3 is not a Cloud Run CPU limit/],
        ];
        for (const [cloud, cpu, memoryMiB, error] of refused) {
            it(`${cloud.component} refuses ${cpu} vCPU with ${memoryMiB} MiB`, async () => {
                await assert.rejects(service(cloud, { cpu, memoryMiB }), (err: Error) => {
                    assert.match(err.message, new RegExp(`^${cloud.component} "api": `));
                    assert.match(err.message, error);
                    return true;
                });
            });
        }
        for (const cloud of CLOUDS) {
            it(`${cloud.component} accepts 1 vCPU with 2048 MiB (the shipped default) and 2 with 4096`, async () => {
                await service(cloud, { cpu: 1, memoryMiB: 2048 });
                await service(cloud, { cpu: 2, memoryMiB: 4096 });
            });
        }
    });
});
