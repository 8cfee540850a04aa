/**
 * Checks on what goes into an image build: the version tag, the registries, and build args that look like
 * secrets (build args are baked into the image's history and config; secrets must be BuildKit secrets).
 */
import dockerignore from "@balena/dockerignore";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
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

/**
 * Why the git checkout at `context` cannot name a release by its commit, or undefined when it can: uncommitted
 * changes (tracked, or untracked and not git-ignored) to what goes into the build, that is the Dockerfile and
 * the files of the context its `.dockerignore` lets through, would build a new digest under the SHA of HEAD,
 * which the immutable registries refuse (the tag exists) or, worse, which then names two images.
 */
export function dirtyTreeProblem(context: string, dockerfile = "Dockerfile"): string | undefined {
    const git = (...args: string[]) =>
        execFileSync("git", args, { cwd: context, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    let status: string;
    let prefix: string;
    try {
        status = git("status", "--porcelain", "--untracked-files=all", "--", ".");
        prefix = git("rev-parse", "--show-prefix").trim();
    } catch {
        return undefined; // not a git checkout: gitSha() gives no version either
    }
    const ignored = dockerIgnored(context);
    const dockerfileInContext = path.relative(context, path.resolve(context, dockerfile)).split(path.sep).join("/");
    const changed = status
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) =>
            line
                .slice(3)
                .replace(/^.* -> /, "")
                .replace(/^"|"$/g, ""),
        )
        .map((file) => (file.startsWith(prefix) ? file.slice(prefix.length) : file))
        .filter((file) => file === dockerfileInContext || file === ".dockerignore" || !ignored(file));
    if (changed.length === 0) {
        return undefined;
    }
    const shown = changed.slice(0, 3).join(", ") + (changed.length > 3 ? ` and ${changed.length - 3} more` : "");
    return `${context} has uncommitted changes to what the build reads (${shown}): the git SHA of HEAD would name an image built from other sources; commit them, or set a version of its own`;
}

/** Whether a path of the context is left out of the build by its `.dockerignore` (Docker's own rules). */
function dockerIgnored(context: string): (file: string) => boolean {
    let rules: string;
    try {
        rules = fs.readFileSync(path.join(context, ".dockerignore"), "utf8");
    } catch {
        return () => false;
    }
    const matcher = dockerignore({}).add(rules.split(/\r?\n/));
    return (file) => matcher.ignores(file);
}
