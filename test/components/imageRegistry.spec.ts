import * as assert from "node:assert/strict";
import { synthesize, type SynthesizedResource } from "../../bin/lib/synthesize";
import { AwsImageRegistry } from "../../components/aws/imageRegistry";
import { AcrSku, AzureImageRegistry } from "../../components/azure/imageRegistry";
import { GcpImageRegistry } from "../../components/gcp/imageRegistry";
import { DEFAULT_KEEP_RELEASES } from "../../components/core/retention";
import { acrTokenExchange } from "../../components/azure/acrToken";
import { CALL_RESULT } from "../../bin/lib/mockState";
import { synthesizeStack } from "../../bin/lib/stacks";
import { plain } from "./support/clouds";

async function registered(program: () => void): Promise<SynthesizedResource[]> {
    return (await synthesize(program, { project: "immutable", stack: "spec" })).resources;
}
const ofType = (rs: SynthesizedResource[], type: string) => rs.filter((r) => r.type === type);

describe("immutable registries", () => {
    describe("AwsImageRegistry (ECR)", () => {
        it("refuses to move tags (IMMUTABLE, no exclusions), scans on push and encrypts at rest", async () => {
            const [repo] = ofType(await registered(() => new AwsImageRegistry("api")), "aws:ecr/repository:Repository");
            assert.equal(repo.inputs.imageTagMutability, "IMMUTABLE");
            assert.equal(repo.inputs.imageTagMutabilityExclusionFilters, undefined);
            assert.deepEqual(repo.inputs.imageScanningConfiguration, { scanOnPush: true });
            assert.deepEqual(repo.inputs.encryptionConfigurations, [{ encryptionType: "AES256" }]);
            assert.equal(repo.inputs.forceDelete, false);
        });

        it("keeps the last N releases with a lifecycle policy (default 30, configurable)", async () => {
            for (const [keep, expected] of [
                [undefined, DEFAULT_KEEP_RELEASES],
                [5, 5],
            ] as const) {
                const [policy] = ofType(
                    await registered(() => new AwsImageRegistry("api", { keepReleases: keep })),
                    "aws:ecr/lifecyclePolicy:LifecyclePolicy",
                );
                const doc = JSON.parse(policy.inputs.policy as string);
                const rule = doc.rules.find((r: any) => r.selection.countType === "imageCountMoreThan");
                assert.deepEqual(rule.selection, {
                    tagStatus: "tagged",
                    tagPatternList: ["*"],
                    countType: "imageCountMoreThan",
                    countNumber: expected,
                });
                assert.equal(
                    rule.rulePriority,
                    Math.max(...doc.rules.map((r: any) => r.rulePriority)),
                    "the keep rule comes last",
                );
            }
        });

        it("exposes the repository URL and short-lived push credentials as a secret", async () => {
            let reg: AwsImageRegistry | undefined;
            const synth = await synthesize(
                () => {
                    reg = new AwsImageRegistry("api", { repositoryName: "sample-service" });
                    return { url: reg.repositoryUrl, server: reg.server, password: reg.password };
                },
                { project: "immutable", stack: "spec" },
            );
            assert.equal(synth.outputs.url, "123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-service");
            assert.equal(synth.outputs.server, "123456789012.dkr.ecr.us-east-1.amazonaws.com");
            const stack = synth.resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
            assert.equal(
                (stack.registeredOutputs!.password as any)["4dabf18193072939515e22adb298388d"],
                "1b47061264138c4ac30d75fd1eb44270",
            );
        });
    });

    describe("GcpImageRegistry (Artifact Registry)", () => {
        it("is a DOCKER repository with immutable tags", async () => {
            const [repo] = ofType(
                await registered(() => new GcpImageRegistry("api", { location: "europe-west1" })),
                "gcp:artifactregistry/repository:Repository",
            );
            assert.equal(repo.inputs.format, "DOCKER");
            assert.deepEqual(repo.inputs.dockerConfig, { immutableTags: true });
            assert.equal(repo.inputs.location, "europe-west1");
        });

        it("keeps the N most recent versions and deletes the rest (KEEP outranks DELETE)", async () => {
            const [repo] = ofType(
                await registered(() => new GcpImageRegistry("api", { location: "us-central1", keepReleases: 12 })),
                "gcp:artifactregistry/repository:Repository",
            );
            assert.equal(repo.inputs.cleanupPolicyDryRun, false);
            assert.deepEqual(repo.inputs.cleanupPolicies, [
                { id: "keep-last-releases", action: "KEEP", mostRecentVersions: { keepCount: 12 } },
                { id: "delete-older-releases", action: "DELETE", condition: { tagState: "ANY" } },
            ]);
        });
    });

    describe("AzureImageRegistry (ACR)", () => {
        it("disables the admin user and anonymous pull", async () => {
            const [acr] = ofType(
                await registered(() => new AzureImageRegistry("apireg", { resourceGroupName: "rg" })),
                "azure-native:containerregistry:Registry",
            );
            assert.equal(acr.inputs.adminUserEnabled, false);
            assert.equal(acr.inputs.anonymousPullEnabled, false);
            assert.deepEqual(acr.inputs.sku, { name: "Standard" });
        });

        it("purges all but the last N release tags with a nightly ACR task", async () => {
            const [task] = ofType(
                await registered(
                    () =>
                        new AzureImageRegistry("apireg", {
                            resourceGroupName: "rg",
                            repositoryName: "sample-service",
                            keepReleases: 7,
                        }),
                ),
                "azure-native:containerregistry:Task",
            );
            const step = task.inputs.step as { type: string; encodedTaskContent: string };
            assert.equal(step.type, "EncodedTask");
            const yaml = Buffer.from(step.encodedTaskContent, "base64").toString("utf8");
            assert.match(yaml, /acr purge --filter 'sample-service:\.\*' --ago 0d --keep 7 --untagged/);
            assert.deepEqual((task.inputs.trigger as any).timerTriggers, [
                { name: "nightly-purge", schedule: "0 3 * * *", status: "Enabled" },
            ]);
        });

        it("adds the untagged-manifest retention policy on Premium only", async () => {
            const premium = ofType(
                await registered(
                    () => new AzureImageRegistry("apireg", { resourceGroupName: "rg", sku: AcrSku.Premium }),
                ),
                "azure-native:containerregistry:Registry",
            )[0];
            assert.deepEqual(premium.inputs.policies, { retentionPolicy: { days: 7, status: "enabled" } });
        });
    });

    const invalid: Array<[string, () => unknown, RegExp]> = [
        [
            "keepReleases 0 on ECR",
            () => new AwsImageRegistry("api", { keepReleases: 0 }),
            /^AwsImageRegistry "api": keepReleases must be an integer from 1 to 10000, got 0$/,
        ],
        [
            "a fractional keepReleases on Artifact Registry",
            () => new GcpImageRegistry("api", { location: "us-central1", keepReleases: 2.5 }),
            /^GcpImageRegistry "api": keepReleases must be an integer/,
        ],
        [
            "an Artifact Registry without a location",
            () => new GcpImageRegistry("api", { location: "" }),
            /^GcpImageRegistry "api": location must name a region/,
        ],
        [
            "an ACR name with dashes",
            () => new AzureImageRegistry("api", { resourceGroupName: "rg", registryName: "my-registry" }),
            /^AzureImageRegistry "api": registryName must be 5-50 letters and digits, got "my-registry"$/,
        ],
    ];
    for (const [what, make, message] of invalid) {
        it(`refuses ${what}`, async () => {
            await assert.rejects(registered(make), (err: Error) => (assert.match(err.message, message), true));
        });
    }
});

describe("one args shape for the three registries", () => {
    const shared = { repositoryName: "api", keepReleases: 7, labels: { team: "payments" }, buildCache: true };

    it("takes repositoryName, keepReleases, labels and buildCache on every cloud, the same way", async () => {
        const s = await synthesize(
            () => {
                const aws = new AwsImageRegistry("r-aws", shared);
                const gcp = new GcpImageRegistry("r-gcp", {
                    ...shared,
                    location: "us-central1",
                    artifactRepositoryId: "releases",
                });
                const azure = new AzureImageRegistry("r-azure", {
                    ...shared,
                    resourceGroupName: "rg",
                    registryName: "immutablereleases",
                });
                return {
                    urls: [aws.repositoryUrl, gcp.repositoryUrl, azure.repositoryUrl],
                    caches: [aws.cacheRepositoryUrl, gcp.cacheRepositoryUrl, azure.cacheRepositoryUrl],
                };
            },
            { project: "immutable", stack: "spec" },
        );
        assert.deepEqual(s.outputs.urls, [
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/api",
            "us-central1-docker.pkg.dev/immutable-mock/releases/api",
            "immutablereleases.azurecr.io/api",
        ]);
        assert.deepEqual(s.outputs.caches, [
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/api-buildcache",
            "us-central1-docker.pkg.dev/immutable-mock/releases-buildcache/api",
            "immutablereleases.azurecr.io/api-buildcache",
        ]);
        const ecr = s.resources.find((r) => r.name === "r-aws-repo")!;
        assert.deepEqual(ecr.inputs.tags, { team: "payments" });
        const gar = s.resources.find((r) => r.name === "r-gcp-repo")!;
        assert.deepEqual(gar.inputs.labels, { team: "payments" });
        assert.equal((gar.inputs.cleanupPolicies as any)[0].mostRecentVersions.keepCount, 7);
        const acr = s.resources.find((r) => r.type === "azure-native:containerregistry:Registry")!;
        assert.deepEqual(acr.inputs.tags, { team: "payments" });
    });

    const renamed: Array<[string, () => unknown, RegExp]> = [
        [
            "imageName (GCP)",
            () => new GcpImageRegistry("api", { location: "us-central1", imageName: "api" } as any),
            /GcpImageRegistry "api": imageName was renamed repositoryName/,
        ],
        [
            "repositoryId (GCP)",
            () => new GcpImageRegistry("api", { location: "us-central1", repositoryId: "releases" } as any),
            /repositoryId was renamed artifactRepositoryId/,
        ],
        [
            "imageName (Azure)",
            () => new AzureImageRegistry("apireg", { resourceGroupName: "rg", imageName: "api" } as any),
            /AzureImageRegistry "apireg": imageName was renamed repositoryName/,
        ],
        [
            "tags (AWS)",
            () => new AwsImageRegistry("api", { tags: { a: "b" } } as any),
            /AwsImageRegistry "api": tags was renamed labels/,
        ],
    ];
    for (const [what, make, message] of renamed) {
        it(`refuses the former arg ${what}, naming the new one`, async () => {
            await assert.rejects(registered(make), message);
        });
    }
});

describe("a build cache immutable tags accept", () => {
    it("ECR: a separate cache repository where only the cache tag may move; the release repository stays IMMUTABLE", async () => {
        const rs = await registered(() => new AwsImageRegistry("api", { buildCache: true }));
        const release = rs.find((r) => r.name === "api-repo")!;
        const cache = rs.find((r) => r.name === "api-buildcache")!;
        assert.equal(release.inputs.imageTagMutability, "IMMUTABLE");
        assert.equal(cache.inputs.name, "api-buildcache");
        assert.equal(cache.inputs.imageTagMutability, "IMMUTABLE_WITH_EXCLUSION");
        assert.deepEqual(cache.inputs.imageTagMutabilityExclusionFilters, [
            { filter: "buildcache*", filterType: "WILDCARD" },
        ]);
    });

    it("Artifact Registry: a separate cache repository, labelled as the build cache; releases keep immutable tags", async () => {
        const rs = await registered(() => new GcpImageRegistry("api", { location: "us-central1", buildCache: true }));
        const release = rs.find((r) => r.name === "api-repo")!;
        const cache = rs.find((r) => r.name === "api-buildcache")!;
        assert.deepEqual(release.inputs.dockerConfig, { immutableTags: true });
        assert.equal(cache.inputs.repositoryId, "api-buildcache");
        assert.deepEqual(cache.inputs.labels, { "immutable-role": "build-cache" });
    });

    it("creates no cache repository unless asked", async () => {
        const rs = await registered(() => new AwsImageRegistry("api"));
        assert.equal(ofType(rs, "aws:ecr/repository:Repository").length, 1);
    });
});

describe("ACR push credentials that exist before the push", () => {
    const token = "azure-native:authorization:getClientToken";
    let saved: unknown;
    let post: typeof acrTokenExchange.post;
    const requests: Array<{ url: string; form: Record<string, string> }> = [];
    beforeEach(() => {
        saved = CALL_RESULT[token];
        CALL_RESULT[token] = () => ({ token: "entra-access-token" });
        post = acrTokenExchange.post;
        requests.length = 0;
    });
    afterEach(() => {
        if (saved === undefined) {
            delete CALL_RESULT[token];
        } else {
            CALL_RESULT[token] = saved as (typeof CALL_RESULT)[string];
        }
        acrTokenExchange.post = post;
    });

    it("exchanges the deployer's Entra token at the new registry for a refresh token, the password of user 00000000-...", async () => {
        acrTokenExchange.post = async (url, form) => {
            requests.push({ url, form });
            return { status: 200, body: JSON.stringify({ refresh_token: "acr-refresh-token" }) };
        };
        const s = await synthesize(
            () => {
                const acr = new AzureImageRegistry("apireg", {
                    resourceGroupName: "rg",
                    registryName: "immutablereleases",
                });
                return { username: acr.username, password: acr.password };
            },
            { project: "immutable", stack: "spec" },
        );
        assert.deepEqual(requests, [
            {
                url: "https://immutablereleases.azurecr.io/oauth2/exchange",
                form: {
                    grant_type: "access_token",
                    service: "immutablereleases.azurecr.io",
                    tenant: "11111111-1111-1111-1111-111111111111",
                    access_token: "entra-access-token",
                },
            },
        ]);
        assert.deepEqual(s.outputs, {
            username: "00000000-0000-0000-0000-000000000000",
            password: "acr-refresh-token",
        });
    });

    it("fails with ACR's own answer when the registry refuses the exchange", async () => {
        acrTokenExchange.post = async () => ({ status: 401, body: '{"errors":[{"code":"UNAUTHORIZED"}]}' });
        await assert.rejects(
            synthesize(
                () => {
                    const acr = new AzureImageRegistry("apireg", {
                        resourceGroupName: "rg",
                        registryName: "immutablereleases",
                    });
                    return { password: acr.password };
                },
                { project: "immutable", stack: "spec" },
            ),
            /ACR immutablereleases\.azurecr\.io refused to exchange the deployer's Entra token for registry credentials \(HTTP 401: .*UNAUTHORIZED.*\); the deployer needs AcrPush/,
        );
    });

    it("hands the minted credentials to the build, which waits for the registry", async () => {
        acrTokenExchange.post = async () => ({
            status: 200,
            body: JSON.stringify({ refresh_token: "acr-refresh-token" }),
        });
        const s = await synthesizeStack("build", { config: { version: "v42", clouds: JSON.stringify(["azure"]) } });
        const image = s.resources.find((r) => r.type === "docker-build:index:Image")!;
        const registries = plain(image.inputs).registries;
        assert.deepEqual(registries, [
            {
                address: "immutablereleases.azurecr.io",
                username: "00000000-0000-0000-0000-000000000000",
                password: "acr-refresh-token",
            },
        ]);
        const acr = s.resources.find((r) => r.type === "azure-native:containerregistry:Registry")!;
        assert.ok(
            image.dependencies.includes(acr.urn) ||
                Object.values(image.propertyDependencies).some((d) => d.includes(acr.urn)),
            "the push waits for the registry",
        );
    });
});
