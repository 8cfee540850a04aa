/**
 * Checks on what goes into an image build: the version tag, the registries, and build args that look like
 * secrets (build args are baked into the image's history and config; secrets must be BuildKit secrets).
 */
import { execFileSync } from "node:child_process";
import { parseImageRef } from "../release/imageRef";
import { Validator } from "../release/validation";

/** A Docker tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
const TAG = /^[\w][\w.-]{0,127}$/;

/** Names that say "secret". */
const SECRET_NAME = /(secret|passw(or)?d|passwd|token|api[_-]?key|private[_-]?key|credential|access[_-]?key|auth)/i;

/** Values that are secrets whatever their name (cloud keys, tokens, PEM keys). */
const SECRET_VALUE: RegExp[] = [
    /\bAKIA[0-9A-Z]{16}\b/, // AWS access key id
    /\bgh[pousr]_[A-Za-z0-9]{20,}\b/, // GitHub tokens
    /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/, // Slack tokens
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/, // PEM private keys
    /\bAIza[0-9A-Za-z_-]{35}\b/, // Google API keys
    /\bnpm_[A-Za-z0-9]{36}\b/, // npm tokens
];

/** True when a name or a plain value looks like a secret. */
export function looksLikeSecret(name: string, value: unknown): boolean {
    return SECRET_NAME.test(name) || (typeof value === "string" && SECRET_VALUE.some((re) => re.test(value)));
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

/** Validates a version tag (plain values only). */
export function checkVersion(v: Validator, version: unknown): void {
    if (typeof version === "string" && !TAG.test(version)) {
        v.fail("version", `must be a valid image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}), got ${JSON.stringify(version)}`);
    }
    if (typeof version === "string" && version.toLowerCase() === "latest") {
        v.fail("version", "must name one release (a git SHA or a semver), not the moving tag \"latest\"");
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
        v.fail(field, `must be a repository without tag or digest (the version tag and the digest are added by the build), got ${JSON.stringify(repository)}`);
    }
}

/** The git commit of `dir` (the release's default version), or undefined outside a git checkout. */
export function gitSha(dir: string): string | undefined {
    try {
        return execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined;
    } catch {
        return undefined;
    }
}
