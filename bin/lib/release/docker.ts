/**
 * The docker engine, through its client: one BuildKit build, and the containers of the smoke test. The
 * client is Debian's /usr/bin/docker by default (see process.ts `dockerCommand`), with DOCKER_BUILDKIT=1.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ProcessError, dockerCommand, run, runChecked, tail, type ProcessResult } from "./process";

/** One build of one image. */
export interface BuildRequest {
    /** The build context directory. */
    context: string;
    /** The Dockerfile path. */
    dockerfile: string;
    /** Target platform (`linux/amd64`), when not the engine's own. */
    platform?: string;
    /** BuildKit secrets, as docker takes them: `id=npmrc,src=/path/to/.npmrc`. Never build args. */
    secrets: string[];
    /** Build arguments `NAME=value` (not for secrets: they end up in the image history). */
    buildArgs: string[];
    /** Image labels, e.g. `org.opencontainers.image.revision`. */
    labels: Record<string, string>;
    /** Kill the build after this many milliseconds. */
    timeoutMs: number;
}

/** A container started for the smoke test. */
export interface StartedContainer {
    /** The container id. */
    id: string;
    /** `127.0.0.1:PORT` the container port is published on, when one was asked for. */
    address?: string;
}

/** What the release needs from a container engine (the specs substitute a fake). */
export interface ContainerEngine {
    /** Builds once; resolves with the local image id (`sha256:` of the image config). */
    build(request: BuildRequest): Promise<{ imageId: string; log: string }>;
    /** Starts the image detached, publishing `containerPort` on a random loopback port. */
    start(imageId: string, containerPort: number | undefined, timeoutMs: number): Promise<StartedContainer>;
    /** Runs a command inside a running container. */
    exec(containerId: string, argv: string[], timeoutMs: number): Promise<ProcessResult>;
    /** Whether the container still runs, and its exit code when it does not. */
    state(containerId: string): Promise<{ running: boolean; exitCode: number }>;
    /** The container's output so far (stdout and stderr). */
    logs(containerId: string): Promise<string>;
    /** Removes the container (forcefully). */
    remove(containerId: string): Promise<void>;
}

/** The engine behind the docker client. */
export class DockerEngine implements ContainerEngine {
    constructor(readonly docker: string = dockerCommand()) {}

    /** Resolves with a reason when the engine cannot be used (client missing, daemon unreachable), else undefined. */
    async unavailable(): Promise<string | undefined> {
        const info = await run(this.docker, ["version", "--format", "{{.Server.Version}}"], { timeoutMs: 10_000 });
        if (info.code !== 0) {
            return `docker engine not reachable through ${this.docker}: ${tail(info.stderr || info.stdout, 3) || `status ${info.code}`}`;
        }
        return undefined;
    }

    async build(request: BuildRequest): Promise<{ imageId: string; log: string }> {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-build-"));
        const iidfile = path.join(dir, "iid");
        const args = ["build", "--progress=plain", "--iidfile", iidfile, "--file", request.dockerfile];
        if (request.platform) {
            args.push("--platform", request.platform);
        }
        for (const secret of request.secrets) {
            args.push("--secret", secret);
        }
        for (const arg of request.buildArgs) {
            args.push("--build-arg", arg);
        }
        for (const [key, value] of Object.entries(request.labels)) {
            args.push("--label", `${key}=${value}`);
        }
        args.push(request.context);
        try {
            const result = await run(this.docker, args, {
                timeoutMs: request.timeoutMs,
                env: { DOCKER_BUILDKIT: "1" },
            });
            const log = result.stderr + result.stdout;
            if (result.code !== 0 || result.timedOut) {
                if (/buildx component is missing|buildx.*not installed/i.test(log)) {
                    throw new Error(
                        `${this.docker} has no BuildKit builder (buildx missing); use Debian's client: IMMUTABLE_DOCKER=/usr/bin/docker`,
                    );
                }
                throw new ProcessError("docker build", result);
            }
            const imageId = fs.readFileSync(iidfile, "utf8").trim();
            return { imageId, log };
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }

    async start(imageId: string, containerPort: number | undefined, timeoutMs: number): Promise<StartedContainer> {
        const args = ["run", "--detach", "--label", "immutable.release.smoke=1"];
        if (containerPort !== undefined) {
            args.push("--publish", `127.0.0.1::${containerPort}`);
        }
        args.push(imageId);
        const id = (await runChecked(this.docker, args, { timeoutMs })).stdout.trim();
        if (containerPort === undefined) {
            return { id };
        }
        const port = await run(this.docker, ["port", id, `${containerPort}/tcp`], { timeoutMs });
        const address = port.stdout
            .split(/\r?\n/)
            .map((l) => l.trim())
            .find((l) => l.startsWith("127.0.0.1:"));
        if (!address) {
            await this.remove(id);
            throw new Error(
                `docker did not publish container port ${containerPort} (${tail(port.stderr || port.stdout, 3)})`,
            );
        }
        return { id, address };
    }

    exec(containerId: string, argv: string[], timeoutMs: number): Promise<ProcessResult> {
        return run(this.docker, ["exec", containerId, ...argv], { timeoutMs });
    }

    async state(containerId: string): Promise<{ running: boolean; exitCode: number }> {
        const result = await runChecked(
            this.docker,
            ["inspect", "--format", "{{.State.Running}} {{.State.ExitCode}}", containerId],
            { timeoutMs: 10_000 },
        );
        const [running, code] = result.stdout.trim().split(" ");
        return { running: running === "true", exitCode: Number(code) };
    }

    async logs(containerId: string): Promise<string> {
        const result = await run(this.docker, ["logs", "--tail", "50", containerId], { timeoutMs: 10_000 });
        return (result.stdout + result.stderr).trim();
    }

    async remove(containerId: string): Promise<void> {
        await run(this.docker, ["rm", "--force", "--volumes", containerId], { timeoutMs: 30_000 });
    }
}
