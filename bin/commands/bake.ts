/**
 * `immutable bake`: builds ONE golden machine image from a declarative definition (image.yaml), boot-tests that
 * very disk under QEMU in every declared boot mode, converts it to GCP's tar.gz, Azure's fixed VHD and AWS's VMDK
 * (each converted back and compared), and publishes the directory with SHA256SUMS and the immutable.bake/v1
 * manifest MachineImage imports. Optionally uploads each format with the cloud's CLI.
 * Exit status: 0 baked, 1 the bake failed or was refused (the step and reason are printed; nothing is in --out),
 * 2 bad usage.
 */
import * as path from "node:path";
import type { Command } from "commander";
import { collect, failureStatus, seconds, UsageError } from "../lib/command";
import { io } from "../lib/io";
import type { BakeRequest } from "../lib/bake/bake";
import { StepError } from "../lib/release/errors";

/** The bake pipeline, loaded when `bake` runs: `--help` and the other commands never load it. */
function lib() {
    return {
        ...(require("../lib/bake/bake") as typeof import("../lib/bake/bake")),
        ...(require("../lib/bake/definition") as typeof import("../lib/bake/definition")),
        ...(require("../lib/bake/manifest") as typeof import("../lib/bake/manifest")),
        ...(require("../lib/bake/upload") as typeof import("../lib/bake/upload")),
        ...(require("../lib/release/progress") as typeof import("../lib/release/progress")),
        ...(require("../lib/release/process") as typeof import("../lib/release/process")),
        ...(require("../lib/release/source") as typeof import("../lib/release/source")),
    };
}

/** The options commander hands over. */
export interface BakeCliOptions {
    image: string;
    version: string;
    out?: string;
    gitSha?: string;
    sourceDateEpoch?: string;
    pinPackages?: string;
    verifyReproducible?: boolean;
    cache?: string;
    workDir?: string;
    upload?: string[];
    bootstrapTimeout: string;
    bootTimeout: string;
}

/**
 * SOURCE_DATE_EPOCH, the time every file of the image carries: `--source-date-epoch`, else $SOURCE_DATE_EPOCH,
 * else the pinned manifest's, else the commit time of the git SHA (reproducible-builds.org's convention).
 */
export async function resolveEpoch(
    explicit: string | undefined,
    env: NodeJS.ProcessEnv,
    pinned: number | undefined,
    gitSha: string,
    dir: string,
): Promise<number> {
    const given = explicit ?? env.SOURCE_DATE_EPOCH;
    if (given !== undefined && given !== "") {
        const n = Number(given);
        if (!Number.isInteger(n) || n < 0) {
            throw new UsageError(`SOURCE_DATE_EPOCH must be a whole number of seconds, got ${JSON.stringify(given)}`);
        }
        return n;
    }
    if (pinned !== undefined) {
        return pinned;
    }
    const shown = await lib().run("git", ["-C", dir, "show", "-s", "--format=%ct", gitSha], { timeoutMs: 10_000 });
    const n = Number(shown.stdout.trim());
    if (shown.code === 0 && Number.isInteger(n) && n > 0) {
        return n;
    }
    throw new StepError(
        "check",
        `cannot tell SOURCE_DATE_EPOCH: commit ${gitSha} is not in the repository of ${dir}; pass --source-date-epoch (e.g. the commit time)`,
    );
}

/** Turns the command-line options into a bake request (throws UsageError for bad usage, StepError when refused). */
export async function requestFromOptions(
    options: BakeCliOptions,
    env: NodeJS.ProcessEnv = process.env,
): Promise<BakeRequest> {
    const { parseUploads, loadDefinition, readPins, resolveGitSha } = lib();
    let uploads;
    try {
        uploads = parseUploads(options.upload ?? []);
    } catch (err: any) {
        throw new UsageError(err.message);
    }
    const timeouts = {
        bootstrapMs: seconds("--bootstrap-timeout", options.bootstrapTimeout),
        bootMs: seconds("--boot-timeout", options.bootTimeout),
    };
    const loaded = loadDefinition(options.image);
    const pins = options.pinPackages ? readPins(options.pinPackages) : undefined;
    const gitSha = await resolveGitSha(loaded.dir, options.gitSha, env);
    return {
        definition: options.image,
        version: options.version,
        gitSha,
        out: options.out ?? path.join("build", "bake", `${loaded.definition.name}-${options.version}`),
        epoch: await resolveEpoch(options.sourceDateEpoch, env, pins?.sourceDateEpoch, gitSha, loaded.dir),
        pins: pins?.packages,
        verifyReproducible: options.verifyReproducible === true,
        cacheDir: options.cache,
        workRoot: options.workDir,
        uploads,
        timeouts,
    };
}

/** Runs `bake`; returns the exit status. */
export async function runBake(options: BakeCliOptions): Promise<number> {
    const out = io();
    try {
        const request = await requestFromOptions(options);
        const { StepProgress, bake } = lib();
        await bake(request, { progress: new StepProgress("bake", out.err, out.stderrIsTTY) });
        out.out(`${path.resolve(request.out)}\n`);
        return 0;
    } catch (err) {
        return failureStatus("bake", err);
    }
}

/** Adds the `bake` subcommand. */
export function register(program: Command): void {
    program
        .command("bake")
        .description(
            "Bake one machine image: build a raw disk, boot-test it (BIOS/UEFI), convert it for GCP, Azure and AWS, write the manifest.",
        )
        .requiredOption("--image <file>", "the image definition (image.yaml; schema bin/lib/bake/image.schema.json)")
        .requiredOption("--version <version>", "release version: recorded, written into the image, never reused")
        .option(
            "--out <dir>",
            "output directory, created complete or not at all (default: build/bake/<name>-<version>)",
        )
        .option(
            "--git-sha <sha>",
            "the commit baked (default: $GITHUB_SHA / $CI_COMMIT_SHA / ..., else git rev-parse HEAD)",
        )
        .option(
            "--source-date-epoch <seconds>",
            "time stamp of every file (default: $SOURCE_DATE_EPOCH, the pinned manifest's, else the commit time)",
        )
        .option("--pin-packages <manifest.json>", "rebuild with exactly the package set of an earlier bake's manifest")
        .option("--verify-reproducible", "rebuild from scratch and require the same raw sha256 before publishing")
        .option(
            "--cache <dir>",
            "keep bootstrapped root file systems here, keyed by their inputs (not used by the rebuild)",
        )
        .option("--work-dir <dir>", "where the temporary build directory goes (default: the OS temp directory)")
        .option(
            "--upload <cloud=url>",
            "after publishing, upload a format with the cloud's CLI, repeatable: aws=s3://BUCKET/PREFIX, gcp=gs://BUCKET/PREFIX, azure=https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX[?SAS]",
            collect,
        )
        .option("--bootstrap-timeout <seconds>", "mmdebstrap timeout", "1800")
        .option("--boot-timeout <seconds>", "time for each boot test to print its smoke line (QEMU without KVM)", "300")
        .addHelpText(
            "after",
            "\nExit status: 0 baked (the directory is printed), 1 failed or refused (the step and reason are printed;\nnothing is left in --out), 2 bad usage.",
        )
        .action(async (options: BakeCliOptions) => {
            process.exitCode = await runBake(options);
        });
}
