/**
 * Gates for the specs that need the Pulumi CLI, a cloud account or both. They run for real when the
 * prerequisites are there and skip with a printed reason otherwise (never silently pass).
 */
import { spawnSync } from "node:child_process";

/** The Pulumi CLI's version, or undefined when `pulumi` is not on PATH. */
export function pulumiCliVersion(): string | undefined {
    const res = spawnSync("pulumi", ["version"], { encoding: "utf8" });
    return res.status === 0 ? res.stdout.trim() : undefined;
}

/** Why a cloud is not usable here, or undefined when its credentials are present. */
export function missingCredentials(cloud: "aws" | "gcp" | "azure"): string | undefined {
    const env = process.env;
    switch (cloud) {
        case "aws":
            return env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE
                ? undefined
                : "no AWS credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE or AWS_WEB_IDENTITY_TOKEN_FILE)";
        case "gcp":
            return env.GOOGLE_APPLICATION_CREDENTIALS || env.GOOGLE_CREDENTIALS
                ? undefined
                : "no GCP credentials (GOOGLE_APPLICATION_CREDENTIALS or GOOGLE_CREDENTIALS)";
        case "azure":
            return env.ARM_CLIENT_ID || env.AZURE_CLIENT_ID
                ? undefined
                : "no Azure credentials (ARM_CLIENT_ID / AZURE_CLIENT_ID)";
    }
}

/** Skips the current test or hook with a printed reason. */
export function skipBecause(ctx: Mocha.Context, reason: string): never {
    console.log(`      skipped: ${reason}`);
    ctx.skip();
    throw new Error("unreachable");
}
