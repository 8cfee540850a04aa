/**
 * `immutable release`: builds the image ONCE (BuildKit), refuses unpinned FROM lines, smoke-tests the built
 * image, then publishes the one digest to every registry (push once, copy by digest, verify, version tags
 * last) and writes the release manifest the environment stacks consume.
 * Exit status: 0 released (or already released with the same digest), 1 the release failed or was refused
 * (the reason is printed; no version tag points at an untested or partial image), 2 bad usage.
 */
import type { Command } from "commander";
import { collect, failureStatus, seconds, UsageError } from "../lib/command";
import { io } from "../lib/io";
import { StepError } from "../lib/release/errors";
import type { ReleaseRequest } from "../lib/release/release";

/** The release pipeline, loaded when `release` runs: `--help` and the other commands never load it. */
function lib() {
    return {
        ...(require("../lib/release/docker") as typeof import("../lib/release/docker")),
        ...(require("../lib/release/manifest") as typeof import("../lib/release/manifest")),
        ...(require("../lib/release/progress") as typeof import("../lib/release/progress")),
        ...(require("../lib/release/registries") as typeof import("../lib/release/registries")),
        ...(require("../lib/release/release") as typeof import("../lib/release/release")),
        ...(require("../lib/release/skopeo") as typeof import("../lib/release/skopeo")),
        ...(require("../lib/release/smoke") as typeof import("../lib/release/smoke")),
        ...(require("../lib/release/source") as typeof import("../lib/release/source")),
    };
}

/** The options commander hands over. */
export interface ReleaseCliOptions {
    context: string;
    dockerfile?: string;
    version: string;
    gitSha?: string;
    registry?: string[];
    insecureRegistry?: string[];
    smoke?: string;
    skipSmoke?: boolean;
    smokeTimeout: string;
    buildTimeout: string;
    pushTimeout: string;
    secret?: string[];
    buildArg?: string[];
    platform?: string;
    out?: string;
}

/** Turns the command-line options into a release request (throws UsageError for bad usage). */
export async function requestFromOptions(options: ReleaseCliOptions): Promise<ReleaseRequest> {
    if (options.smoke === undefined && !options.skipSmoke) {
        throw new UsageError(
            "--smoke URL|COMMAND is required (the image is tested before it is pushed); --skip-smoke publishes an untested image deliberately",
        );
    }
    if (options.smoke !== undefined && options.skipSmoke) {
        throw new UsageError("--smoke and --skip-smoke exclude each other");
    }
    for (const secret of options.secret ?? []) {
        if (!/(^|,)id=[^,]+/.test(secret)) {
            throw new UsageError(
                `--secret ${secret}: expected id=NAME,src=FILE (a BuildKit secret, mounted at /run/secrets/NAME by RUN --mount=type=secret)`,
            );
        }
    }
    const { parseRegistries, parseSmoke, resolveGitSha } = lib();
    let registries;
    let smoke;
    try {
        registries = parseRegistries(options.registry ?? [], options.insecureRegistry ?? []);
        smoke = options.smoke === undefined ? undefined : parseSmoke(options.smoke);
    } catch (err: any) {
        throw new UsageError(err.message);
    }
    const gitSha = await resolveGitSha(options.context, options.gitSha);
    return {
        context: options.context,
        dockerfile: options.dockerfile,
        version: options.version,
        gitSha,
        registries,
        smoke,
        platform: options.platform,
        secrets: options.secret ?? [],
        buildArgs: options.buildArg ?? [],
        timeouts: {
            buildMs: seconds("--build-timeout", options.buildTimeout),
            smokeMs: seconds("--smoke-timeout", options.smokeTimeout),
            pushMs: seconds("--push-timeout", options.pushTimeout),
        },
    };
}

/** Runs `release` with the real engine and skopeo; returns the exit status. */
export async function runRelease(options: ReleaseCliOptions): Promise<number> {
    const out = io();
    const { DockerEngine, Skopeo, StepProgress, release, writeManifest } = lib();
    try {
        const request = await requestFromOptions(options);
        const engine = new DockerEngine();
        const transport = new Skopeo();
        for (const reason of [await engine.unavailable(), await transport.unavailable()]) {
            if (reason) {
                throw new StepError("check", `${reason} (on a CI machine: .ci/services start)`);
            }
        }
        const progress = new StepProgress("release", out.err, out.stderrIsTTY);
        const manifest = await release(request, { engine, transport, progress });
        if (options.out) {
            writeManifest(options.out, manifest);
            progress.note(`manifest written to ${options.out}`);
        } else {
            out.out(`${JSON.stringify(manifest, null, 2)}\n`);
        }
        return 0;
    } catch (err) {
        return failureStatus("release", err);
    }
}

/** Adds the `release` subcommand. */
export function register(program: Command): void {
    program
        .command("release")
        .description(
            "Build the image once, smoke-test it, publish one digest to every registry, write the release manifest.",
        )
        .requiredOption("--context <dir>", "build context directory")
        .option(
            "--dockerfile <file>",
            "Dockerfile (default: <context>/Dockerfile); every FROM must be pinned by digest",
        )
        .requiredOption(
            "--version <tag>",
            "release version: the tag written in every registry, never moved (e.g. the git SHA)",
        )
        .option(
            "--git-sha <sha>",
            "the commit built (default: $GITHUB_SHA / $CI_COMMIT_SHA / ..., else git rev-parse HEAD in the context)",
        )
        .option(
            "--registry <[name=]repository>",
            "destination repository, repeatable; the name keys the manifest refs (aws, gcp, azure; inferred for ECR, Artifact Registry, ACR hosts); the first one receives the push, the others a copy by digest",
            collect,
        )
        .option(
            "--insecure-registry <host>",
            "plain-HTTP registry host, repeatable (loopback hosts always are)",
            collect,
        )
        .option(
            "--smoke <url|command>",
            "check run on the built image before any push: http(s)://localhost:PORT/PATH (PORT is the container port) or a command run inside the running container",
        )
        .option("--skip-smoke", "publish without a smoke test (recorded in the manifest as skipped)")
        .option("--smoke-timeout <seconds>", "how long the smoke check may take to pass", "30")
        .option("--build-timeout <seconds>", "build timeout", "1800")
        .option("--push-timeout <seconds>", "timeout of each push, copy or registry read", "600")
        .option(
            "--secret <id=NAME,src=FILE>",
            "BuildKit build secret, repeatable (RUN --mount=type=secret,id=NAME); never a build arg",
            collect,
        )
        .option("--build-arg <NAME=value>", "build argument, repeatable (not for secrets)", collect)
        .option("--platform <os/arch>", "target platform, e.g. linux/amd64")
        .option("--out <file>", "write the release manifest here (default: print it on standard output)")
        .addHelpText(
            "after",
            "\nExit status: 0 released (or already released with this digest), 1 failed or refused (no version tag\npoints at an untested or partial image; the step and the reason are printed), 2 bad usage.",
        )
        .action(async (options: ReleaseCliOptions) => {
            process.exitCode = await runRelease(options);
        });
}
