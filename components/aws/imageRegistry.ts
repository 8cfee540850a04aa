import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Validator } from "../core/validation";
import { ecrLifecyclePolicy, keepReleasesOf } from "../core/retention";
import { componentType } from "../core/packageName";

/** Arguments of {@link AwsImageRegistry}. */
export interface AwsImageRegistryArgs {
    /** Repository name (the image name), e.g. `sample-service`. Defaults to the component name. */
    repositoryName?: pulumi.Input<string>;
    /** Releases to keep; older images expire (default 30). Rollback targets must stay inside this window. */
    keepReleases?: pulumi.Input<number>;
    /** KMS key ARN for encryption at rest; AES256 when omitted. */
    kmsKeyArn?: pulumi.Input<string>;
    /** Tags applied to the repository. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * An ECR repository that cannot move a tag: `imageTagMutability: IMMUTABLE` (no exclusions), scan on push,
 * encryption at rest, and a lifecycle policy that keeps the last N releases.
 */
export class AwsImageRegistry extends pulumi.ComponentResource {
    /** Where images are pushed: `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
    public readonly repositoryUrl: pulumi.Output<string>;
    /** The registry host to log in to. */
    public readonly server: pulumi.Output<string>;
    /** Push credentials user name (from the ECR authorization token). */
    public readonly username: pulumi.Output<string>;
    /** Push credentials password (a 12-hour ECR token, secret). */
    public readonly password: pulumi.Output<string>;
    /** The ECR repository. */
    public readonly repository: aws.ecr.Repository;
    /** The lifecycle policy keeping the last N releases. */
    public readonly lifecyclePolicy: aws.ecr.LifecyclePolicy;

    constructor(name: string, args: AwsImageRegistryArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("AwsImageRegistry"), name, args, opts);
        const keep = keepReleasesOf(new Validator("AwsImageRegistry", name), args.keepReleases);
        this.repository = new aws.ecr.Repository(
            `${name}-repo`,
            {
                name: args.repositoryName ?? name,
                imageTagMutability: "IMMUTABLE",
                imageScanningConfiguration: { scanOnPush: true },
                encryptionConfigurations: [
                    args.kmsKeyArn ? { encryptionType: "KMS", kmsKey: args.kmsKeyArn } : { encryptionType: "AES256" },
                ],
                forceDelete: false,
                tags: args.tags,
            },
            { parent: this },
        );
        this.lifecyclePolicy = new aws.ecr.LifecyclePolicy(
            `${name}-retention`,
            { repository: this.repository.name, policy: keep.apply(ecrLifecyclePolicy) },
            { parent: this },
        );
        const token = aws.ecr.getAuthorizationTokenOutput({ registryId: this.repository.registryId }, { parent: this });
        this.repositoryUrl = this.repository.repositoryUrl;
        this.server = this.repository.repositoryUrl.apply((url) => url.split("/")[0]);
        this.username = token.userName;
        this.password = pulumi.secret(token.password);
        this.registerOutputs({
            repositoryUrl: this.repositoryUrl,
            server: this.server,
            username: this.username,
            password: this.password,
            repository: this.repository,
            lifecyclePolicy: this.lifecyclePolicy,
        });
    }
}
