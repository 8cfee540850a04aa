import * as assert from "node:assert/strict";
import { synthesize, type SynthesizedResource } from "../../bin/lib/synthesize";
import { AwsImageRegistry } from "../../components/aws/imageRegistry";
import { AcrSku, AzureImageRegistry } from "../../components/azure/imageRegistry";
import { GcpImageRegistry } from "../../components/gcp/imageRegistry";
import { DEFAULT_KEEP_RELEASES } from "../../components/core/retention";

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
                const any = doc.rules.find((r: any) => r.selection.tagStatus === "any");
                assert.deepEqual(any.selection, {
                    tagStatus: "any",
                    countType: "imageCountMoreThan",
                    countNumber: expected,
                });
                assert.equal(
                    any.rulePriority,
                    Math.max(...doc.rules.map((r: any) => r.rulePriority)),
                    "the 'any' rule must come last",
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
                            imageName: "sample-service",
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
