/** Releases, digests and secret references the service specs share. */
import { createHash } from "node:crypto";
import type { ReleaseRecord } from "../../../components/core/releaseRecord";

/** A deterministic sha256 digest for a label (`v42` -> sha256:<64 hex>). */
export function digestOf(label: string): string {
    return `sha256:${createHash("sha256").update(label).digest("hex")}`;
}

export const REPOS = {
    aws: "123456789012.dkr.ecr.us-east-1.amazonaws.com/api",
    gcp: "us-central1-docker.pkg.dev/immutable-mock/releases/api",
    azure: "immutablereleases.azurecr.io/api",
} as const;

/** A release record as the build stack outputs it. */
export function releaseRecord(version: string): ReleaseRecord {
    const digest = digestOf(version);
    return {
        version,
        gitSha: createHash("sha1").update(version).digest("hex"),
        digest,
        refs: { aws: `${REPOS.aws}@${digest}`, gcp: `${REPOS.gcp}@${digest}`, azure: `${REPOS.azure}@${digest}` },
    };
}

/** The plaintext each secret reference stands for in the (mocked) secret stores. Must never reach an input. */
export const SECRET_PLAINTEXT = "correct-horse-battery-staple-9f8e7d";
