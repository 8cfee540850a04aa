/**
 * Retention shared by the three registries: keep the last N releases so that every rollback target stays
 * pullable, and let the registry collect what is older. One number, three encodings.
 */
import * as pulumi from "@pulumi/pulumi";
import { Validator } from "./validation";

/** Releases kept when the caller says nothing: a month of daily releases. */
export const DEFAULT_KEEP_RELEASES = 30;

/** The largest count the registries accept in one rule (ECR's countNumber is an integer >= 1). */
export const MAX_KEEP_RELEASES = 10000;

/**
 * Validates `keepReleases` and returns it as an output (default {@link DEFAULT_KEEP_RELEASES}). A plain value
 * is checked at once, so the error surfaces at construction; an output when it resolves.
 */
export function keepReleasesOf(v: Validator, value: pulumi.Input<number> | undefined): pulumi.Output<number> {
    const check = (k: unknown) => v.intIn("keepReleases", k, 1, MAX_KEEP_RELEASES);
    if (value === undefined || typeof value === "number") {
        return pulumi.output(check(value ?? DEFAULT_KEEP_RELEASES));
    }
    return pulumi.output(value).apply(check);
}

/**
 * The ECR lifecycle policy document: keep the last N *tagged* images (the releases), expire older ones.
 * Only tagged images are counted (`tagStatus: tagged`, every tag by the `*` pattern): the per-platform child
 * manifests of a multi-platform release are untagged images of the same repository, and counting them would
 * keep N/(platforms + 1) releases instead of N. No rule expires untagged images for the same reason: ECR's
 * lifecycle evaluation does not follow an image index to its children, so an "untagged after a day" rule
 * would delete the platform images of kept releases
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html,
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html).
 */
export function ecrLifecyclePolicy(keep: number): string {
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
                description: `Keep the last ${keep} releases (rollback targets); expire older ones`,
                selection: {
                    tagStatus: "tagged",
                    tagPatternList: ["*"],
                    countType: "imageCountMoreThan",
                    countNumber: keep,
                },
                action: { type: "expire" },
            },
        ],
    });
}

/** The lifecycle policy of a build-cache repository: cache images nothing tags any more go after a week. */
export function ecrCacheLifecyclePolicy(): string {
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
                description: "Cache layers no cache tag points to any more expire after 7 days",
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
                action: { type: "expire" },
            },
        ],
    });
}

/** Artifact Registry cleanup policies: KEEP the N most recent versions, DELETE the rest (KEEP wins). */
export function garCleanupPolicies(
    keep: number,
): Array<{ id: string; action: string; mostRecentVersions?: { keepCount: number }; condition?: { tagState: string } }> {
    return [
        { id: "keep-last-releases", action: "KEEP", mostRecentVersions: { keepCount: keep } },
        { id: "delete-older-releases", action: "DELETE", condition: { tagState: "ANY" } },
    ];
}

/** The ACR task (YAML, base64-encoded for the API) that purges all but the N most recent tags of a repository. */
export function acrPurgeTask(repository: string, keep: number): string {
    const yaml = [
        "version: v1.1.0",
        "steps:",
        `  - cmd: acr purge --filter '${repository}:.*' --ago 0d --keep ${keep} --untagged`,
        "    disableWorkingDirectoryOverride: true",
        "    timeout: 3600",
        "",
    ].join("\n");
    return Buffer.from(yaml, "utf8").toString("base64");
}
