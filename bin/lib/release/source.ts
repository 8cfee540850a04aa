/**
 * What a release is built from: the context, the Dockerfile (refused when a FROM is not pinned by digest,
 * with the same check ContainerImage uses), the version (a tag that never moves) and the git commit.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { checkBaseImages, describeUnpinned } from "../../../components/image/dockerfile";
import { VersionProblem, versionProblem } from "../../../components/core/version";
import { StepError } from "./errors";
import { run } from "./process";

/** A checked build source. */
export interface ReleaseSource {
    /** Absolute context directory. */
    context: string;
    /** Absolute Dockerfile path. */
    dockerfile: string;
    /** The pinned external base images (`repo@sha256:...`). */
    baseImages: string[];
}

/** Checks the version is a valid tag and not `latest` (components/core/version.ts). */
export function checkVersion(version: string): string {
    const problem = versionProblem(version);
    if (problem === VersionProblem.Latest) {
        throw new StepError(
            "check",
            "--version latest is refused: it is the tag everyone expects to move; use the git SHA or a semver",
        );
    }
    if (problem) {
        throw new StepError(
            "check",
            `--version ${JSON.stringify(version)} is not a valid image tag (letters, digits, _ . -; at most 128; not starting with . or -)`,
        );
    }
    return version;
}

/** Resolves the context and Dockerfile and refuses unpinned base images. */
export function checkSource(context: string, dockerfile: string | undefined): ReleaseSource {
    const ctx = path.resolve(context);
    if (!fs.existsSync(ctx) || !fs.statSync(ctx).isDirectory()) {
        throw new StepError("check", `--context ${context} is not a directory`);
    }
    const file = dockerfile ? path.resolve(dockerfile) : path.join(ctx, "Dockerfile");
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err: any) {
        throw new StepError("check", `cannot read the Dockerfile ${file} (${err.code ?? err.message})`);
    }
    const report = checkBaseImages(text);
    if (report.from.length === 0) {
        throw new StepError("check", `${file} has no FROM instruction`);
    }
    if (report.unpinned.length > 0) {
        throw new StepError(
            "check",
            `${file}: base images must be pinned by digest (FROM image@sha256:...): ${describeUnpinned(report)}`,
        );
    }
    return { context: ctx, dockerfile: file, baseImages: report.pinned };
}

/** Environment variables CI systems put the commit in. */
export const GIT_SHA_VARIABLES = [
    "GITHUB_SHA",
    "CI_COMMIT_SHA",
    "BUILD_SOURCEVERSION",
    "GIT_COMMIT",
    "BITBUCKET_COMMIT",
];

/** The commit: `--git-sha`, else a CI variable, else `git rev-parse HEAD` in the context. */
export async function resolveGitSha(
    context: string,
    explicit: string | undefined,
    env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
    const given = explicit ?? GIT_SHA_VARIABLES.map((v) => env[v]).find((v) => v !== undefined && v.trim() !== "");
    const sha =
        given ??
        (await run("git", ["-C", context, "rev-parse", "HEAD"], { timeoutMs: 10_000 }).then((r) =>
            r.code === 0 ? r.stdout.trim() : undefined,
        ));
    if (sha === undefined) {
        throw new StepError(
            "check",
            `cannot tell the git commit of ${context} (not a git checkout, and none of ${GIT_SHA_VARIABLES.join(", ")} is set); pass --git-sha`,
        );
    }
    if (!/^[0-9a-f]{7,64}$/i.test(sha)) {
        throw new StepError("check", `git SHA ${JSON.stringify(sha)} is not a commit hash`);
    }
    return sha.toLowerCase();
}
