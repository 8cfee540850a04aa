/**
 * @real-image: `release` on real images, a real docker engine and three real registries on 127.0.0.1
 * (standing in for ECR, Artifact Registry and ACR). Runs inside `npm test` when the engine, skopeo, the
 * registry binary and a static busybox are available (`.ci/services start` provides them), and skips with
 * the reason otherwise (but fails when `.ci/services start` ran: CI must not skip them). Select alone with `npx mocha test/bin/release/realImages.spec.ts` or `--grep @real-image`.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readReleaseManifest } from "../../../components/core/releaseRecord";
import { DockerEngine, type BuildRequest } from "../../../bin/lib/release/docker";
import { run as runProcess } from "../../../bin/lib/release/process";
import { StepError } from "../../../bin/lib/release/errors";
import { StepProgress } from "../../../bin/lib/release/progress";
import { parseRegistries } from "../../../bin/lib/release/registries";
import { release, type ReleaseRequest, type ReleaseTools } from "../../../bin/lib/release/release";
import { Skopeo } from "../../../bin/lib/release/skopeo";
import { parseSmoke } from "../../../bin/lib/release/smoke";
import { runCli } from "../harness";
import { registryBinary, startRegistries, type LocalRegistry } from "./support/localRegistries";

const FIXTURE = path.join(__dirname, "fixture");
const BUSYBOX = "/bin/busybox";
const GIT_SHA = "feedfacecafebeef0123456789abcdef01234567";

/** Counts the builds the release asks for. */
class CountingEngine extends DockerEngine {
    builds = 0;
    async build(request: BuildRequest) {
        this.builds++;
        return super.build(request);
    }
}

/** True when /bin/busybox exists and is statically linked (no ELF interpreter): it must run in a scratch image. */
function staticBusybox(): boolean {
    return fs.existsSync(BUSYBOX) && !fs.readFileSync(BUSYBOX).includes("/ld-linux");
}

/** True when CI asks for the real-image specs (.ci/run sets IMMUTABLE_REQUIRE_REAL_IMAGES=1 after `.ci/services start`): then they must run, not skip. */
function servicesStarted(): boolean {
    return process.env.IMMUTABLE_REQUIRE_REAL_IMAGES === "1";
}

/** Why the suite cannot run here, or undefined. */
async function missing(): Promise<string | undefined> {
    const reasons = [
        await new DockerEngine().unavailable(),
        await new Skopeo().unavailable(),
        registryBinary() ? undefined : "no registry binary (apt-get install docker-registry)",
        staticBusybox() ? undefined : `no static ${BUSYBOX} (apt-get install busybox-static)`,
    ].filter(Boolean);
    return reasons.length ? `${reasons.join("; ")}; run .ci/services start` : undefined;
}

/** Temporary directories the suite made, removed at the end. */
const temporary: string[] = [];
function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    temporary.push(dir);
    return dir;
}

/** A build context: the fixture plus busybox, in a temporary directory (the repo tree is not written). */
function context(healthz = "ok\n"): string {
    const dir = tempDir("immutable-fixture-");
    fs.cpSync(FIXTURE, dir, { recursive: true });
    fs.copyFileSync(BUSYBOX, path.join(dir, "busybox"));
    fs.writeFileSync(path.join(dir, "www", "healthz"), healthz);
    return dir;
}

describe("release on real images @real-image", function () {
    this.timeout(120_000);
    let registries: LocalRegistry[] = [];
    let ctx = "";
    const seen: Record<string, string> = {};

    const specs = (repo: string) => registries.map((r) => `${r.name}=${r.host}/${repo}`);
    const request = (repo: string, overrides: Partial<ReleaseRequest> = {}): ReleaseRequest => ({
        context: ctx,
        version: "v1",
        gitSha: GIT_SHA,
        registries: parseRegistries(specs(repo)),
        smoke: parseSmoke("http://localhost:8080/healthz"),
        secrets: [],
        buildArgs: [],
        timeouts: { buildMs: 60_000, smokeMs: 10_000, pushMs: 60_000 },
        ...overrides,
    });
    const tools = (extra: Partial<ReleaseTools> = {}): ReleaseTools & { engine: CountingEngine; lines: string[] } => {
        const lines: string[] = [];
        return {
            engine: new CountingEngine(),
            transport: new Skopeo(),
            progress: new StepProgress("release", (t) => void lines.push(t), false),
            lines,
            ...extra,
        } as any;
    };
    const digests = (repo: string, reference: string) => Promise.all(registries.map((r) => r.digest(repo, reference)));

    before(async function () {
        const reason = await missing();
        if (reason && servicesStarted()) {
            throw new Error(`.ci/services started the services, yet the real-image specs cannot run: ${reason}`);
        }
        if (reason) {
            console.log(`      skipped: ${reason}`);
            this.skip();
        }
        registries = await startRegistries(registryBinary()!, ["aws", "gcp", "azure"]);
        ctx = context();
    });

    after(async () => {
        for (const r of registries) {
            await r.stop();
            fs.rmSync(path.dirname(r.storage), { recursive: true, force: true });
        }
        temporary.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
        if (Object.keys(seen).length) {
            console.log(
                `      digests seen: ${Object.entries(seen)
                    .map(([k, v]) => `${k} ${v}`)
                    .join("; ")}`,
            );
        }
    });

    it("builds once, smoke-tests before any push, and serves the same digest from all three registries", async () => {
        const t = tools();
        const catalogsAtSmoke: string[][] = [];
        t.beforeStep = async (name) => {
            if (name === "smoke") {
                catalogsAtSmoke.push(...(await Promise.all(registries.map((r) => r.catalog()))));
            }
        };
        const manifest = await release(request("app"), t);
        assert.equal(t.engine.builds, 1);
        assert.deepEqual(catalogsAtSmoke, [[], [], []], "nothing was in any registry when the smoke test started");
        const names = t.progress.timings.map((s) => s.name);
        assert.ok(names.indexOf("smoke") < names.indexOf("push aws"));
        const tagged = await digests("app", "v1");
        const pinned = await digests("app", manifest.digest);
        assert.deepEqual(tagged, [manifest.digest, manifest.digest, manifest.digest]);
        assert.deepEqual(pinned, tagged);
        registries.forEach((r, i) => (seen[`${r.name}(${r.host})`] = tagged[i]!));
        const d = manifest.durationsMs;
        console.log(
            `      build ${d.build} ms, stage ${d.stage} ms, smoke ${d.smoke} ms, push aws ${d["push aws"]} ms, copy gcp ${d["copy gcp"]} ms, copy azure ${d["copy azure"]} ms (concurrent), tags ${d["tag aws"]}/${d["tag gcp"]}/${d["tag azure"]} ms (concurrent)`,
        );
    });

    it("pushes nothing when the smoke test (a command run inside the container) fails, and shows the container's logs", async () => {
        const t = tools();
        const unhealthy = request("unhealthy", {
            dockerfile: path.join(ctx, "Dockerfile.unhealthy"),
            smoke: parseSmoke("/bin/busybox wget -q -O- http://127.0.0.1:8080/healthz"),
            timeouts: { buildMs: 60_000, smokeMs: 1_000, pushMs: 60_000 },
        });
        await assert.rejects(release(unhealthy, t), (err: unknown) => {
            assert.ok(err instanceof StepError);
            assert.equal(err.step, "smoke");
            assert.match(err.reason, /wget .* exited with status 1: .*404 Not Found/);
            assert.match(err.reason, /container logs[\s\S]*response:404/);
            return true;
        });
        for (const r of registries) {
            assert.ok(!(await r.catalog()).includes("unhealthy"), `${r.name} holds nothing of the failed image`);
        }
    });

    it("re-releases the same version with the same content through the command line, writing a valid manifest", async () => {
        const before = await digests("app", "v1");
        const out = path.join(tempDir("immutable-out-"), "release.json");
        const run = await runCli([
            "release",
            "--context",
            ctx,
            "--version",
            "v1",
            "--git-sha",
            GIT_SHA,
            ...specs("app").flatMap((s) => ["--registry", s]),
            "--skip-smoke",
            "--out",
            out,
        ]);
        assert.equal(run.exitCode, 0, run.stderr);
        assert.equal(run.stderr.match(/^release: build done/gm)?.length, 1, run.stderr);
        assert.match(run.stderr, /preflight done .*already published with this digest in: aws, gcp, azure/);
        assert.doesNotMatch(run.stderr, /release: (push|copy) /, "nothing is pushed again");
        const record = readReleaseManifest(out);
        assert.deepEqual(await digests("app", "v1"), before);
        assert.equal(record.digest, before[0]);
        assert.deepEqual(Object.keys(record.refs), ["aws", "gcp", "azure"]);
        assert.equal(JSON.parse(fs.readFileSync(out, "utf8")).smoke, "skipped");
    });

    it("refuses a re-release of the same version with different content, and the tags do not move", async () => {
        const before = await digests("app", "v1");
        const t = tools();
        await assert.rejects(release(request("app", { context: context("changed\n") }), t), (err: unknown) => {
            assert.ok(err instanceof StepError);
            assert.equal(err.step, "preflight");
            assert.match(err.reason, /version v1 is already published with another digest.*Versions are immutable/);
            return true;
        });
        assert.ok(!t.progress.timings.some((s) => s.name === "smoke" || s.name.startsWith("push")));
        assert.deepEqual(await digests("app", "v1"), before);
    });

    it("leaves no version tag when a registry goes away mid-release, and completes on a re-run", async () => {
        const [aws, gcp] = registries;
        const two = parseRegistries([`aws=${aws.host}/midway`, `gcp=${gcp.host}/midway`]);
        const t = tools();
        t.beforeStep = async (name) => {
            if (name === "copy gcp") {
                await gcp.stop();
            }
        };
        await assert.rejects(release(request("midway", { registries: two, smoke: undefined }), t), (err: unknown) => {
            assert.ok(err instanceof StepError);
            assert.equal(err.step, "copy gcp");
            return true;
        });
        await gcp.start();
        assert.equal(
            await aws.digest("midway", "v1"),
            undefined,
            "the registry that got the content has no version tag",
        );
        assert.equal(await gcp.digest("midway", "v1"), undefined);
        const manifest = await release(request("midway", { registries: two, smoke: undefined }), tools());
        assert.deepEqual(
            [await aws.digest("midway", "v1"), await gcp.digest("midway", "v1")],
            [manifest.digest, manifest.digest],
        );
    });

    it("mounts build secrets for the build only (BuildKit secret), never into the image", async () => {
        const engine = new DockerEngine();
        const secret = `s3cret-${process.pid}-${Date.now()}`;
        const token = path.join(tempDir("immutable-secret-"), "token");
        fs.writeFileSync(token, secret);
        // A fresh NONCE changes the RUN step's cache key, so the RUN (which fails without the secret) really runs.
        const { imageId } = await engine.build({
            context: ctx,
            dockerfile: path.join(ctx, "Dockerfile.secret"),
            buildArgs: [`NONCE=${Date.now()}`],
            labels: {},
            timeoutMs: 60_000,
            secrets: [`id=token,src=${token}`],
        });
        const history = await runProcess(engine.docker, ["history", "--no-trunc", imageId]);
        const config = await runProcess(engine.docker, ["image", "inspect", imageId]);
        assert.equal(history.code, 0);
        assert.ok(
            !history.stdout.includes(secret) && !config.stdout.includes(secret),
            "the secret value is in no layer history and not in the config",
        );
    });
});
