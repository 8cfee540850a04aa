/**
 * Checks on what goes into an image build: the version tag, the registries, and build args that look like
 * secrets (build args are baked into the image's history and config; secrets must be BuildKit secrets).
 */
import { execFileSync } from "node:child_process";
import { parseImageRef } from "../core/imageRef";
import { plaintextSecret, SECRET_NAME } from "../core/secrets";
import { Validator } from "../core/validation";
import { describeVersionProblem, versionProblem } from "../core/version";

/** True when a build arg looks like a secret: by its name alone, or by a plain value (./core/secrets.ts). */
export function looksLikeSecret(name: string, value: unknown): boolean {
    return SECRET_NAME.test(name) || (typeof value === "string" && plaintextSecret(name, value) !== undefined);
}

/** Refuses build args that look like secrets, naming the arg and the fix. */
export function checkBuildArgs(v: Validator, buildArgs: Record<string, unknown> | undefined): void {
    for (const [key, value] of Object.entries(buildArgs ?? {})) {
        if (looksLikeSecret(key, value)) {
            v.fail(
                `buildArgs.${key}`,
                "looks like a secret: build args are baked into the image history; pass it in `secrets` " +
                    `(a BuildKit secret) and read it with RUN --mount=type=secret,id=${key}`,
            );
        }
    }
}

/** Validates a version (plain values only; ../core/version.ts says what a version is). */
export function checkVersion(v: Validator, version: unknown): void {
    const problem = typeof version === "string" ? versionProblem(version) : undefined;
    if (problem) {
        v.fail("version", `${describeVersionProblem(problem)}, got ${JSON.stringify(version)}`);
    }
}

/** Validates a repository URL to push to: a repository, without a tag or a digest. */
export function checkRepository(v: Validator, field: string, repository: unknown): void {
    if (typeof repository !== "string") {
        return; // an output: known only at deployment
    }
    const parsed = parseImageRef(repository);
    if (!parsed) {
        v.fail(field, `must be an image repository (host/path), got ${JSON.stringify(repository)}`);
    }
    if (parsed!.tag !== undefined || parsed!.digest !== undefined) {
        v.fail(
            field,
            `must be a repository without tag or digest (the version tag and the digest are added by the build), got ${JSON.stringify(repository)}`,
        );
    }
}

/** The git commit of `dir` (the release's default version), or undefined outside a git checkout. */
export function gitSha(dir: string): string | undefined {
    try {
        return (
            execFileSync("git", ["rev-parse", "HEAD"], {
                cwd: dir,
                encoding: "utf8",
                stdio: ["ignore", "pipe", "ignore"],
            }).trim() || undefined
        );
    } catch {
        return undefined;
    }
}
