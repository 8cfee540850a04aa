import * as assert from "node:assert/strict";
import { synthesize } from "../../bin/lib/synthesize";
import { AwsImageRegistry } from "../../components/aws/imageRegistry";
import { AzureImageRegistry } from "../../components/azure/imageRegistry";
import { GcpImageRegistry } from "../../components/gcp/imageRegistry";
import { evaluatePack } from "../../policy/evaluate";
import {
    BUILD_CACHE_ROLE_LABEL,
    BUILD_CACHE_TAG_FILTER,
    buildCacheRepositoryName,
} from "../../components/core/buildCache";
import { DIGEST, table } from "./support";

const TD = "aws:ecs/taskDefinition:TaskDefinition";
const RUN2 = "gcp:cloudrunv2/service:Service";
const RUN2_JOB = "gcp:cloudrunv2/job:Job";
const RUN1 = "gcp:cloudrun/service:Service";
const APP = "azure-native:app:ContainerApp";
const APP_JOB = "azure-native:app:Job";
const ECR = "aws:ecr/repository:Repository";
const GAR = "gcp:artifactregistry/repository:Repository";

const ecs = (...images: string[]) => ({
    family: "api",
    containerDefinitions: JSON.stringify(
        images.map((image, i) => ({ name: `c${i}`, image, readonlyRootFilesystem: true })),
    ),
});
const pinned = `123456789012.dkr.ecr.us-east-1.amazonaws.com/api@${DIGEST}`;

describe("image-digest-require", () => {
    table("image-digest-require", [
        { it: "accepts an ECS container pinned by digest", type: TD, inputs: ecs(pinned), expect: [] },
        {
            it: "rejects an image pinned by digest in a build-cache repository (ECR <repo>-buildcache)",
            type: TD,
            inputs: ecs(`123456789012.dkr.ecr.us-east-1.amazonaws.com/${buildCacheRepositoryName("api")}@${DIGEST}`),
            expect: ["is pulled from a build-cache repository"],
        },
        {
            it: "rejects a Cloud Run image from an Artifact Registry build-cache repository",
            type: RUN2,
            inputs: {
                template: { containers: [{ image: `us-docker.pkg.dev/p/api-buildcache/api@${DIGEST}` }] },
            },
            expect: ["is pulled from a build-cache repository"],
        },
        {
            it: "rejects :latest in ECS containerDefinitions (JSON text)",
            type: TD,
            inputs: ecs("nginx:latest"),
            expect: ['containerDefinitions[0] (c0) image "nginx:latest" uses :latest'],
        },
        {
            it: "rejects an image without tag or digest (which means latest)",
            type: TD,
            inputs: ecs(pinned, "redis"),
            expect: ['containerDefinitions[1] (c1) image "redis" uses :latest'],
        },
        {
            it: "rejects a version tag (tags move)",
            type: TD,
            inputs: ecs("123456789012.dkr.ecr.us-east-1.amazonaws.com/api:v42"),
            expect: ["is a tag, not pinned by digest"],
        },
        {
            it: "accepts a tag plus digest (the digest wins)",
            type: TD,
            inputs: ecs(`nginx:1.27@${DIGEST}`),
            expect: [],
        },
        {
            it: "rejects a digest that is not sha256 with 64 hex digits",
            type: TD,
            inputs: ecs("nginx@sha256:abc"),
            expect: ["not"],
        },
        {
            it: "rejects a container with no image",
            type: TD,
            inputs: { containerDefinitions: JSON.stringify([{ name: "x" }]) },
            expect: ["has no image"],
        },
        {
            it: "rejects :latest in a Cloud Run v2 service",
            type: RUN2,
            inputs: {
                location: "us-central1",
                template: { containers: [{ image: "us-docker.pkg.dev/p/r/api:latest" }] },
            },
            expect: ["template.containers[0] image"],
        },
        {
            it: "accepts a pinned Cloud Run v2 service",
            type: RUN2,
            inputs: {
                location: "us-central1",
                template: { containers: [{ image: `us-docker.pkg.dev/p/r/api@${DIGEST}` }] },
            },
            expect: [],
        },
        {
            it: "rejects a tag in a Cloud Run v2 job",
            type: RUN2_JOB,
            inputs: {
                location: "us-central1",
                template: { template: { containers: [{ image: "gcr.io/p/batch:v1" }] } },
            },
            expect: ["template.template.containers[0]"],
        },
        {
            it: "rejects :latest in a Cloud Run v1 service",
            type: RUN1,
            inputs: { location: "us-central1", template: { spec: { containers: [{ image: "gcr.io/p/api" }] } } },
            expect: ["template.spec.containers[0]"],
        },
        {
            it: "rejects a tag in a Container App, init containers included",
            type: APP,
            inputs: {
                template: {
                    initContainers: [{ name: "migrate", image: "acr.azurecr.io/migrate:v1" }],
                    containers: [{ name: "api", image: `acr.azurecr.io/api@${DIGEST}` }],
                },
            },
            expect: ["template.initContainers[0] (migrate)"],
        },
        {
            it: "rejects :latest in a Container Apps job",
            type: APP_JOB,
            inputs: { template: { containers: [{ name: "job", image: "acr.azurecr.io/job:latest" }] } },
            expect: [":latest"],
        },
    ]);
});

describe("registry-tag-immutability-require", () => {
    table("registry-tag-immutability-require", [
        {
            it: "rejects an ECR repository that leaves tag mutability at its default (MUTABLE)",
            type: ECR,
            inputs: { name: "api" },
            expect: ["imageTagMutability MUTABLE"],
        },
        {
            it: "rejects ECR MUTABLE_WITH_EXCLUSION",
            type: ECR,
            inputs: { imageTagMutability: "MUTABLE_WITH_EXCLUSION" },
            expect: ["MUTABLE_WITH_EXCLUSION"],
        },
        { it: "accepts ECR IMMUTABLE", type: ECR, inputs: { imageTagMutability: "IMMUTABLE" }, expect: [] },
        {
            it: "rejects ECR IMMUTABLE_WITH_EXCLUSION whose filters are not allowed",
            type: ECR,
            inputs: {
                imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
                imageTagMutabilityExclusionFilters: [{ filter: "latest", filterType: "WILDCARD" }],
            },
            expect: ["leaves tags mutable (latest)"],
        },
        {
            it: "accepts ECR IMMUTABLE_WITH_EXCLUSION when every filter is allowed",
            type: ECR,
            inputs: {
                imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
                imageTagMutabilityExclusionFilters: [{ filter: "cache-*", filterType: "WILDCARD" }],
            },
            config: { allowedMutableTagFilters: ["cache-*"] },
            expect: [],
        },
        {
            it: "rejects an Artifact Registry Docker repository without immutable tags",
            type: GAR,
            inputs: { format: "DOCKER", repositoryId: "api" },
            expect: ["dockerConfig.immutableTags unset"],
        },
        {
            it: "rejects immutableTags false",
            type: GAR,
            inputs: { format: "DOCKER", dockerConfig: { immutableTags: false } },
            expect: ["immutableTags"],
        },
        {
            it: "accepts an Artifact Registry Docker repository with immutable tags",
            type: GAR,
            inputs: { format: "DOCKER", mode: "STANDARD_REPOSITORY", dockerConfig: { immutableTags: true } },
            expect: [],
        },
        { it: "does not judge a non-Docker repository (npm)", type: GAR, inputs: { format: "NPM" }, expect: [] },
        {
            it: "accepts the ECR build-cache repository the components create: only the cache tag's filter excluded",
            type: ECR,
            inputs: {
                name: buildCacheRepositoryName("api"),
                imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
                imageTagMutabilityExclusionFilters: [{ filter: BUILD_CACHE_TAG_FILTER, filterType: "WILDCARD" }],
            },
            expect: [],
        },
        {
            it: "rejects ECR IMMUTABLE_WITH_EXCLUSION that excludes another filter beside the cache tag's",
            type: ECR,
            inputs: {
                imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
                imageTagMutabilityExclusionFilters: [
                    { filter: "buildcache*", filterType: "WILDCARD" },
                    { filter: "v*", filterType: "WILDCARD" },
                ],
            },
            expect: ["leaves tags mutable (v*)"],
        },
        {
            it: "rejects the cache tag's filter when the team's allowedMutableTagFilters replaces the default without it",
            type: ECR,
            inputs: {
                imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
                imageTagMutabilityExclusionFilters: [{ filter: "buildcache*", filterType: "WILDCARD" }],
            },
            config: { allowedMutableTagFilters: ["cache-*"] },
            expect: ["leaves tags mutable (buildcache*)"],
        },
        {
            it: "accepts the Artifact Registry build-cache repository the components create: labelled and named as one",
            type: GAR,
            inputs: { format: "DOCKER", repositoryId: buildCacheRepositoryName("api"), labels: BUILD_CACHE_ROLE_LABEL },
            expect: [],
        },
        {
            it: "rejects a repository labelled immutable-role: build-cache whose id is not a cache repository's (the release repository)",
            type: GAR,
            inputs: { format: "DOCKER", repositoryId: "api", labels: { team: "web", "immutable-role": "build-cache" } },
            expect: ['labelled immutable-role: build-cache, but repositoryId "api" does not end in -buildcache'],
        },
        {
            it: "rejects a repository named *-buildcache without the build-cache label",
            type: GAR,
            inputs: { format: "DOCKER", repositoryId: "api-buildcache", labels: { "immutable-role": "release" } },
            expect: ["tags can be overwritten (dockerConfig.immutableTags unset)"],
        },
        {
            it: "does not judge a remote (pull-through) repository",
            type: GAR,
            inputs: { format: "DOCKER", mode: "REMOTE_REPOSITORY" },
            expect: [],
        },
    ]);
});

describe("golden-image-require", () => {
    const tag = { "image-version": "42" };
    table("golden-image-require", [
        {
            it: "accepts an instance on an AMI id carrying the image version tag",
            type: "aws:ec2/instance:Instance",
            inputs: { ami: "ami-0abc", tags: tag },
            expect: [],
        },
        {
            it: "rejects an instance without the image version tag",
            type: "aws:ec2/instance:Instance",
            inputs: { ami: "ami-0abc" },
            expect: ['no "image-version" tag/label'],
        },
        {
            it: "rejects an SSM parameter alias as the AMI",
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            inputs: {
                imageId: "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
                tags: tag,
            },
            expect: ["SSM parameter alias"],
        },
        {
            it: "accepts the version tag in a launch template's instance tag specifications",
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            inputs: { imageId: "ami-0abc", tagSpecifications: [{ resourceType: "instance", tags: tag }] },
            expect: [],
        },
        {
            it: "does not judge an instance launched from a launch template (the template is judged)",
            type: "aws:ec2/instance:Instance",
            inputs: { launchTemplate: { id: "lt-1", version: "3" } },
            expect: [],
        },
        {
            it: "rejects a GCP instance booting an image family",
            type: "gcp:compute/instance:Instance",
            inputs: {
                bootDisk: { initializeParams: { image: "projects/debian-cloud/global/images/family/debian-12" } },
                labels: tag,
            },
            expect: ["image family"],
        },
        {
            it: "rejects a GCP template booting a family/ short name",
            type: "gcp:compute/instanceTemplate:InstanceTemplate",
            inputs: { disks: [{ boot: true, sourceImage: "family/app" }], labels: tag },
            expect: ["image family"],
        },
        {
            it: "accepts a GCP regional template on a named image with the version label",
            type: "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
            inputs: { disks: [{ boot: true, sourceImage: "projects/p/global/images/app-v42" }], labels: tag },
            expect: [],
        },
        {
            it: "uses the label the team configures",
            type: "gcp:compute/instance:Instance",
            inputs: { bootDisk: { initializeParams: { image: "projects/p/global/images/app-v42" } }, labels: tag },
            config: { versionTag: "golden" },
            expect: ['no "golden" tag/label'],
        },
        {
            it: "rejects an Azure VM on a marketplace image at version latest",
            type: "azure-native:compute:VirtualMachine",
            inputs: {
                storageProfile: {
                    imageReference: {
                        publisher: "Canonical",
                        offer: "ubuntu-24_04-lts",
                        sku: "server",
                        version: "latest",
                    },
                },
                tags: tag,
            },
            expect: ["version latest"],
        },
        {
            it: "rejects an Azure VM on a gallery image without a version",
            type: "azure-native:compute:VirtualMachine",
            inputs: {
                storageProfile: {
                    imageReference: {
                        id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/app",
                    },
                },
                tags: tag,
            },
            expect: ["without a pinned version"],
        },
        {
            it: "accepts an Azure scale set on a gallery image version",
            type: "azure-native:compute:VirtualMachineScaleSet",
            inputs: {
                virtualMachineProfile: {
                    storageProfile: {
                        imageReference: {
                            id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/app/versions/1.0.42",
                        },
                    },
                },
                tags: tag,
            },
            expect: [],
        },
    ]);
});

describe("golden-image-require: floating images and aliases on every cloud, unreadable references", () => {
    const tag = { "image-version": "42" };
    table("golden-image-require", [
        {
            it: "rejects a GCP instance on a public image family's short form (debian-cloud/debian-12)",
            type: "gcp:compute/instance:Instance",
            inputs: { bootDisk: { initializeParams: { image: "debian-cloud/debian-12" } }, labels: tag },
            expect: ['"debian-cloud/debian-12" names a public image family'],
        },
        {
            it: "reports a short form of another project (an image or a family, whichever exists)",
            type: "gcp:compute/instanceFromTemplate:InstanceFromTemplate",
            inputs: {
                sourceInstanceTemplate: "t",
                bootDisk: { initializeParams: { image: "my-project/app" } },
                labels: tag,
            },
            expect: ['cannot read bootDisk.initializeParams.image "my-project/app"'],
        },
        {
            it: "accepts a GCP instance on a self link to a named image",
            type: "gcp:compute/instance:Instance",
            inputs: {
                bootDisk: {
                    initializeParams: {
                        image: "https://www.googleapis.com/compute/v1/projects/p/global/images/app-v42",
                    },
                },
                labels: tag,
            },
            expect: [],
        },
        {
            it: "rejects a GCP instance that boots an existing disk",
            type: "gcp:compute/instance:Instance",
            inputs: { bootDisk: { source: "projects/p/zones/z/disks/pet" }, labels: tag },
            expect: ["an existing disk is a server's own disk"],
        },
        {
            it: "accepts an instance from a machine image carrying the version label",
            type: "gcp:compute/instanceFromMachineImage:InstanceFromMachineImage",
            inputs: { sourceMachineImage: "projects/p/global/machineImages/app-v42", labels: tag },
            expect: [],
        },
        {
            it: "rejects an SSM alias on a spot instance request",
            type: "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
            inputs: {
                ami: "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
                tags: tag,
            },
            expect: ["SSM parameter alias"],
        },
        {
            it: "reports an AMI that is a name, not an id",
            type: "aws:ec2/launchConfiguration:LaunchConfiguration",
            inputs: { imageId: "ubuntu-22.04" },
            expect: ['cannot read imageId "ubuntu-22.04": not an AMI id'],
        },
        {
            it: "accepts a launch configuration on an AMI id (it has no tags to carry the version)",
            type: "aws:ec2/launchConfiguration:LaunchConfiguration",
            inputs: { imageId: "ami-0123456789abcdef0" },
            expect: [],
        },
        {
            it: "rejects a spot fleet launch specification on an SSM alias",
            type: "aws:ec2/spotFleetRequest:SpotFleetRequest",
            inputs: { launchSpecifications: [{ ami: "resolve:ssm:/golden/app", tags: tag }] },
            expect: ["SSM parameter alias"],
        },
        {
            it: "accepts an Azure VM on a managed image (immutable)",
            type: "azure-native:compute:VirtualMachine",
            inputs: {
                storageProfile: {
                    imageReference: {
                        id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/app-v42",
                    },
                },
                tags: tag,
            },
            expect: [],
        },
        {
            it: "rejects a scale-set VM on a community gallery image at latest",
            type: "azure-native:compute:VirtualMachineScaleSetVM",
            inputs: {
                storageProfile: {
                    imageReference: { communityGalleryImageId: "/CommunityGalleries/c/Images/app/Versions/latest" },
                },
                tags: tag,
            },
            expect: ["without a pinned version"],
        },
        {
            it: "reports a VM whose storage profile names no image",
            type: "azure-native:compute:VirtualMachine",
            inputs: { storageProfile: { osDisk: { createOption: "FromImage" } }, tags: tag },
            expect: ["cannot read storageProfile.imageReference undefined: not set"],
        },
    ]);
});

describe("image rules on more container platforms, and unreadable values", () => {
    table("image-digest-require", [
        {
            it: "rejects a tag in an AWS Batch job definition's containerProperties",
            type: "aws:batch/jobDefinition:JobDefinition",
            inputs: { type: "container", containerProperties: JSON.stringify({ image: "busybox:1.36" }) },
            expect: ['containerProperties image "busybox:1.36" is a tag'],
        },
        {
            it: "rejects :latest in a Container Instances group",
            type: "azure-native:containerinstance:ContainerGroup",
            inputs: { osType: "Linux", containers: [{ name: "web", image: "nginx:latest" }] },
            expect: ['containers[0] (web) image "nginx:latest" uses :latest'],
        },
        {
            it: "rejects a tag in a Cloud Run worker pool",
            type: "gcp:cloudrunv2/workerPool:WorkerPool",
            inputs: { location: "l", template: { containers: [{ image: "us-docker.pkg.dev/p/r/w:v1" }] } },
            expect: ["is a tag"],
        },
        {
            it: "rejects a tag in an ECS daemon task definition",
            type: "aws:ecs/daemonTaskDefinition:DaemonTaskDefinition",
            inputs: {
                family: "d",
                containerDefinitions: [{ name: "agent", image: "agent:v3", readonlyRootFilesystem: true }],
            },
            expect: ['containerDefinitions[0] (agent) image "agent:v3" is a tag'],
        },
        {
            it: "reports an image that is not text",
            type: "gcp:cloudrunv2/service:Service",
            inputs: { template: { containers: [{ image: { repo: "x" } }] } },
            expect: ['cannot read template.containers[0].image {"repo":"x"}'],
        },
    ]);
    table("registry-tag-immutability-require", [
        {
            it: 'reports an ECR imageTagMutability "LOCKED" (not a value ECR knows)',
            type: "aws:ecr/repository:Repository",
            inputs: { imageTagMutability: "LOCKED" },
            expect: ['cannot read imageTagMutability "LOCKED"'],
        },
        {
            it: 'reports dockerConfig.immutableTags "yes"',
            type: "gcp:artifactregistry/repository:Repository",
            inputs: { format: "DOCKER", dockerConfig: { immutableTags: "yes" } },
            expect: ['cannot read dockerConfig.immutableTags "yes"'],
        },
    ]);
});

describe("registry-tag-immutability-require and the registries' build caches (components/core/buildCache.ts)", function () {
    this.timeout(30_000);

    it("accepts every repository the three image registries create with buildCache: release and cache", async () => {
        const { resources } = await synthesize(
            () => {
                new AwsImageRegistry("api-aws", { repositoryName: "api", buildCache: true });
                new GcpImageRegistry("api-gcp", { location: "us-central1", repositoryName: "api", buildCache: true });
                new AzureImageRegistry("api-azure", {
                    resourceGroupName: "rg",
                    registryName: "immutablereleases",
                    repositoryName: "api",
                    buildCache: true,
                });
            },
            { project: "immutable", stack: "build" },
        );
        const judged = resources.filter((r) => r.type === ECR || r.type === GAR);
        assert.equal(judged.length, 4, "a release and a cache repository on ECR and on Artifact Registry");
        const verdict = await evaluatePack(resources);
        assert.deepEqual(
            verdict.violations.filter((v) => v.policy === "registry-tag-immutability-require"),
            [],
        );
    });
});
