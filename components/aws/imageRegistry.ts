import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BUILD_CACHE_TAG_FILTER, buildCacheRepositoryName } from "../core/buildCache";
import { componentType } from "../core/packageName";
import {
    type ImageRegistryArgs,
    type ImageRegistryOutputs,
    refuseRenamedArgs,
    registryOutputs,
} from "../core/registryArgs";
import { ecrCacheLifecyclePolicy, ecrLifecyclePolicy, keepReleasesOf } from "../core/retention";
import { Validator } from "../core/validation";
import { definedOutputs } from "../core/outputs";

/** What only ECR needs beside the shared registry args. */
export interface AwsRegistrySpecifics {
    /** KMS key ARN for encryption at rest; AES256 when omitted. */
    kmsKeyArn?: pulumi.Input<string>;
}

/** Arguments of {@link AwsImageRegistry}: the shared registry args plus the ECR specifics. */
export interface AwsImageRegistryArgs extends ImageRegistryArgs, AwsRegistrySpecifics {}

/**
 * An ECR repository that cannot move a tag: `imageTagMutability: IMMUTABLE` (no exclusions), scan on push,
 * encryption at rest, and a lifecycle policy that keeps the last N releases. With `buildCache`, a second
 * repository holds the BuildKit cache: immutable except for its cache tag (`IMMUTABLE_WITH_EXCLUSION`).
 */
export class AwsImageRegistry extends pulumi.ComponentResource implements ImageRegistryOutputs {
    /** Where images are pushed: `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
    public readonly repositoryUrl: pulumi.Output<string>;
    /** The registry host to log in to. */
    public readonly server: pulumi.Output<string>;
    /** Push credentials user name (from the ECR authorization token). */
    public readonly username: pulumi.Output<string>;
    /** Push credentials password (a 12-hour ECR token, secret). */
    public readonly password: pulumi.Output<string>;
    /** The build-cache repository URL (`buildCache`), else undefined. */
    public readonly cacheRepositoryUrl: pulumi.Output<string> | undefined;
    /** The ECR repository. */
    public readonly repository: aws.ecr.Repository;
    /** The lifecycle policy keeping the last N releases. */
    public readonly lifecyclePolicy: aws.ecr.LifecyclePolicy;
    /** The build-cache repository (`buildCache`), else undefined. */
    public readonly cacheRepository: aws.ecr.Repository | undefined;

    constructor(name: string, args: AwsImageRegistryArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("AwsImageRegistry"), name, args, opts);
        const v = new Validator("AwsImageRegistry", name);
        refuseRenamedArgs(v, args);
        const keep = keepReleasesOf(v, args.keepReleases);
        const repositoryName = args.repositoryName ?? name;
        const tags = args.labels;
        const encryption = args.kmsKeyArn
            ? { encryptionType: "KMS", kmsKey: args.kmsKeyArn }
            : { encryptionType: "AES256" };
        this.repository = new aws.ecr.Repository(
            `${name}-repo`,
            {
                name: repositoryName,
                imageTagMutability: "IMMUTABLE",
                imageScanningConfiguration: { scanOnPush: true },
                encryptionConfigurations: [encryption],
                forceDelete: false,
                tags,
            },
            { parent: this },
        );
        this.lifecyclePolicy = new aws.ecr.LifecyclePolicy(
            `${name}-retention`,
            { repository: this.repository.name, policy: keep.apply(ecrLifecyclePolicy) },
            { parent: this },
        );
        this.cacheRepository = args.buildCache
            ? ecrCacheRepository(name, this, pulumi.output(repositoryName).apply(buildCacheRepositoryName), tags)
            : undefined;
        const token = aws.ecr.getAuthorizationTokenOutput({ registryId: this.repository.registryId }, { parent: this });
        this.repositoryUrl = this.repository.repositoryUrl;
        this.server = this.repository.repositoryUrl.apply((url) => url.split("/")[0]);
        this.username = token.userName;
        this.password = pulumi.secret(token.password);
        this.cacheRepositoryUrl = this.cacheRepository?.repositoryUrl;
        this.registerOutputs(
            definedOutputs({
                ...registryOutputs(this),
                repository: this.repository,
                lifecyclePolicy: this.lifecyclePolicy,
                cacheRepository: this.cacheRepository,
            }),
        );
    }
}

/**
 * The build-cache repository: every tag immutable except the cache tag (ECR's exclusion filters,
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html), untagged cache images
 * expire after a week.
 */
function ecrCacheRepository(
    name: string,
    parent: pulumi.Resource,
    repositoryName: pulumi.Input<string>,
    tags: ImageRegistryArgs["labels"],
): aws.ecr.Repository {
    const repository = new aws.ecr.Repository(
        `${name}-buildcache`,
        {
            name: repositoryName,
            imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
            imageTagMutabilityExclusionFilters: [{ filter: BUILD_CACHE_TAG_FILTER, filterType: "WILDCARD" }],
            encryptionConfigurations: [{ encryptionType: "AES256" }],
            forceDelete: true,
            tags,
        },
        { parent },
    );
    new aws.ecr.LifecyclePolicy(
        `${name}-buildcache-retention`,
        { repository: repository.name, policy: ecrCacheLifecyclePolicy() },
        { parent },
    );
    return repository;
}
