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

/** The ECR lifecycle policy document: untagged leftovers go after a day, tagged releases beyond N go. */
export function ecrLifecyclePolicy(keep: number): string {
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
                description: "Untagged manifests (interrupted pushes) expire after one day",
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: `Keep the last ${keep} releases (rollback targets); expire older ones`,
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep },
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
