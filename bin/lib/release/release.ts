/**
 * `release`, the whole flow: check the source, build ONCE, stage the image locally (its manifest digest is
 * the release digest), preflight every registry (read-only), smoke-test the built image, then publish the
 * one digest everywhere (publish.ts: content by digest, verified, tags last) and assemble the manifest.
 * Nothing is pushed before the smoke test has passed and every registry has been checked.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ContainerEngine } from "./docker";
import { StepError } from "./errors";
import { buildManifest, type ReleaseManifest } from "./manifest";
import { formatDuration, stepRunner, type StepProgress } from "./progress";
import { preflight, publish } from "./publish";
import type { RegistryTarget } from "./registries";
import type { RegistryTransport } from "./skopeo";
import { SmokeFailure, smokeTest, type SmokeCheck } from "./smoke";
import { checkSource, checkVersion } from "./source";

/** Everything one release is made from (parsed and checked by the command). */
export interface ReleaseRequest {
    /** The build context directory. */
    context: string;
    /** The Dockerfile (default: `<context>/Dockerfile`). */
    dockerfile?: string;
    /** The version tag. */
    version: string;
    /** The git commit. */
    gitSha: string;
    /** Destinations; the first receives the push, the others a copy by digest. */
    registries: RegistryTarget[];
    /** The smoke check; undefined only with `--skip-smoke`. */
    smoke?: SmokeCheck;
    /** Build platform. */
    platform?: string;
    /** BuildKit secrets (`id=...,src=...`). */
    secrets: string[];
    /** Build arguments (`NAME=value`). */
    buildArgs: string[];
    /** Timeouts, milliseconds. */
    timeouts: { buildMs: number; smokeMs: number; pushMs: number };
}

/** The engine, the registries and the progress display (the specs pass fakes and observers). */
export interface ReleaseTools {
    /** Builds and runs images. */
    engine: ContainerEngine;
    /** Stages, pushes, copies and inspects images. */
    transport: RegistryTransport;
    /** Shows and times the steps. */
    progress: StepProgress;
    /** Awaited before every step starts (the specs look at the registries there). */
    beforeStep?: (name: string) => Promise<void> | void;
}

/** Runs a release; resolves with the manifest (not yet written), rejects with a {@link StepError}. */
export async function release(request: ReleaseRequest, tools: ReleaseTools): Promise<ReleaseManifest> {
    const { engine, transport, progress } = tools;
    const started = Date.now();
    const step = stepRunner(progress, tools.beforeStep);
    if (request.registries.length === 0) {
        throw new StepError("check", "at least one --registry is required");
    }
    const version = checkVersion(request.version);
    const source = await step(
        "check",
        async () => checkSource(request.context, request.dockerfile),
        (s) =>
            `${path.relative(process.cwd(), s.dockerfile) || s.dockerfile}: ${s.baseImages.length} pinned base image(s)`,
    );

    const built = await step(
        "build",
        () =>
            engine.build({
                context: source.context,
                dockerfile: source.dockerfile,
                platform: request.platform,
                secrets: request.secrets,
                buildArgs: request.buildArgs,
                labels: { "org.opencontainers.image.revision": request.gitSha },
                timeoutMs: request.timeouts.buildMs,
            }),
        (b) => b.imageId,
    );
    const builtAt = new Date();

    const staging = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-release-"));
    try {
        const staged = await step(
            "stage",
            () => transport.stage(built.imageId, staging, request.timeouts.pushMs),
            (m) => `digest ${m.digest}`,
        );
        if (staged.configDigest !== undefined && staged.configDigest !== built.imageId) {
            throw new StepError(
                "stage",
                `the staged manifest names config ${staged.configDigest}, not the built image ${built.imageId}`,
            );
        }
        const publication = {
            registries: request.registries,
            version,
            digest: staged.digest,
            imageId: built.imageId,
            timeoutMs: request.timeouts.pushMs,
        };
        const alreadyTagged = await step(
            "preflight",
            () => preflight(transport, publication),
            (done) =>
                done.size === 0
                    ? `version ${version} is new in ${request.registries.length} registr${request.registries.length === 1 ? "y" : "ies"}`
                    : `already published with this digest in: ${[...done].join(", ")}`,
        );

        if (request.smoke) {
            const check = request.smoke;
            await step(
                "smoke",
                async () => {
                    try {
                        return await smokeTest(engine, built.imageId, check, request.timeouts.smokeMs);
                    } catch (err: any) {
                        if (err instanceof SmokeFailure) {
                            throw new StepError("smoke", `${err.message}\nNothing was pushed.`);
                        }
                        throw err;
                    }
                },
                (attempts) => `${check.text} passed (${attempts} attempt${attempts === 1 ? "" : "s"})`,
            );
        } else {
            progress.note("smoke test SKIPPED (--skip-smoke): this image is published untested");
        }

        await publish(transport, step, staging, publication, alreadyTagged);
        const manifest = buildManifest({
            version,
            gitSha: request.gitSha,
            digest: staged.digest,
            imageId: built.imageId,
            registries: request.registries,
            baseImages: source.baseImages,
            builtAt,
            platform: request.platform,
            smoke: request.smoke ? request.smoke.text : "skipped",
            durationsMs: progress.durations(),
        });
        progress.note(
            `released ${version} ${staged.digest} to ${request.registries.map((r) => r.name).join(", ")} in ${formatDuration(Date.now() - started)}`,
        );
        return manifest;
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
}
