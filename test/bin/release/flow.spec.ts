/**
 * The release flow's guarantees, on an in-memory engine and registries: build once, test before any push,
 * content by digest first and version tags last, and what is (not) left behind when something fails.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { StepError } from "../../../bin/lib/release/errors";
import { StepProgress } from "../../../bin/lib/release/progress";
import { parseRegistries } from "../../../bin/lib/release/registries";
import { release, type ReleaseRequest } from "../../../bin/lib/release/release";
import { parseSmoke } from "../../../bin/lib/release/smoke";
import { FakeEngine, FakeRegistries, type EventLog } from "./support/fakes";

const FIXTURE = path.join(__dirname, "fixture");
const temporary: string[] = [];
const tempDir = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-flow-"));
    temporary.push(dir);
    return dir;
};

function setup(content = "v1 content") {
    const log: EventLog = [];
    const engine = new FakeEngine(log, content);
    const registries = new FakeRegistries(log, engine);
    return { log, engine, registries };
}

function request(overrides: Partial<ReleaseRequest> = {}): ReleaseRequest {
    return {
        context: FIXTURE,
        version: "v1",
        gitSha: "0123456789abcdef0123456789abcdef01234567",
        registries: parseRegistries(["aws=127.0.0.1:5001/app", "gcp=127.0.0.1:5002/app", "azure=127.0.0.1:5003/app"]),
        smoke: parseSmoke("/bin/busybox wget -q -O- http://127.0.0.1:8080/healthz"),
        secrets: [],
        buildArgs: [],
        timeouts: { buildMs: 60_000, smokeMs: 300, pushMs: 60_000 },
        ...overrides,
    };
}

async function run(env: ReturnType<typeof setup>, overrides: Partial<ReleaseRequest> = {}) {
    const lines: string[] = [];
    const progress = new StepProgress("release", (t) => void lines.push(t), false);
    const manifest = await release(request(overrides), { engine: env.engine, transport: env.registries, progress });
    return { manifest, lines };
}

async function failure(env: ReturnType<typeof setup>, overrides: Partial<ReleaseRequest> = {}): Promise<StepError> {
    try {
        await run(env, overrides);
    } catch (err) {
        assert.ok(err instanceof StepError, `expected a StepError, got ${err}`);
        return err;
    }
    assert.fail("the release should have failed");
}

const writes = (log: EventLog) => log.filter((e) => /^(push|copy|tag) /.test(e));

describe("release flow (in-memory engine and registries)", () => {
    after(() => temporary.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    it("builds once and publishes one digest to every registry under the version tag", async () => {
        const env = setup();
        const { manifest } = await run(env);
        assert.equal(env.engine.builds.length, 1);
        const digest = env.registries.manifestFor("v1 content").digest;
        assert.equal(manifest.digest, digest);
        assert.deepEqual(env.registries.tags(), {
            "127.0.0.1:5001/app:v1": digest,
            "127.0.0.1:5002/app:v1": digest,
            "127.0.0.1:5003/app:v1": digest,
        });
        assert.deepEqual(manifest.refs, {
            aws: `127.0.0.1:5001/app@${digest}`,
            gcp: `127.0.0.1:5002/app@${digest}`,
            azure: `127.0.0.1:5003/app@${digest}`,
        });
    });

    it("pushes once, copies by digest to the others, and writes the version tags last", async () => {
        const env = setup();
        await run(env);
        const d = env.registries.manifestFor("v1 content").digest.slice(0, 13);
        assert.deepEqual(writes(env.log), [
            `push aws@${d}`,
            `copy gcp@${d}`,
            `copy azure@${d}`,
            "tag aws:v1",
            "tag gcp:v1",
            "tag azure:v1",
        ]);
    });

    it("runs the smoke test on the built image before anything is pushed", async () => {
        const env = setup();
        await run(env);
        const firstWrite = env.log.findIndex((e) => /^(push|copy|tag) /.test(e));
        assert.ok(env.log.indexOf("exec") > env.log.indexOf("build"), env.log.join(", "));
        assert.ok(env.log.indexOf("exec") < firstWrite, env.log.join(", "));
        assert.ok(env.log.indexOf("remove") < firstWrite, "the smoke container is removed before the push");
    });

    it("pushes nothing when the smoke test fails, and reports the container logs", async () => {
        const env = setup();
        env.engine.healthy = false;
        const err = await failure(env);
        assert.equal(err.step, "smoke");
        assert.match(err.reason, /exited with status 1: wget: server returned error: HTTP\/1.1 404/);
        assert.match(err.reason, /container logs[\s\S]*response:404/);
        assert.match(err.reason, /Nothing was pushed/);
        assert.deepEqual(writes(env.log), []);
        assert.equal(env.registries.contentCount(), 0);
        assert.ok(env.log.includes("remove"), "the smoke container is removed");
    });

    it("fails the smoke test when the container exits, naming its exit status", async () => {
        const env = setup();
        env.engine.healthy = false;
        env.engine.exitsEarly = true;
        const err = await failure(env);
        assert.match(err.reason, /the container exited with status 137/);
        assert.deepEqual(writes(env.log), []);
    });

    const unpinned: Array<[string, string, RegExp]> = [
        ["a tag", "FROM node:22\n", /line 1: FROM node:22 is not pinned by digest/],
        ["no tag at all", "FROM alpine\n", /FROM alpine is not pinned/],
        ["an ARG default that is a tag", "ARG BASE=debian:12\nFROM ${BASE}\n", /line 2: FROM debian:12 is not pinned/],
        [
            "the second stage",
            `FROM golang@sha256:${"a".repeat(64)} AS build\nFROM gcr.io/distroless/static\n`,
            /line 2: FROM gcr.io\/distroless\/static/,
        ],
    ];
    for (const [what, dockerfile, message] of unpinned) {
        it(`refuses a FROM with ${what} before building anything`, async () => {
            const env = setup();
            const dir = tempDir();
            fs.writeFileSync(path.join(dir, "Dockerfile"), dockerfile);
            const err = await failure(env, { context: dir });
            assert.equal(err.step, "check");
            assert.match(err.reason, message);
            assert.deepEqual(env.log, []);
        });
    }

    it("records the pinned base images and a multi-stage build's own stages are not base images", async () => {
        const env = setup();
        const dir = tempDir();
        const base = `golang@sha256:${"b".repeat(64)}`;
        fs.writeFileSync(
            path.join(dir, "Dockerfile"),
            `FROM ${base} AS build\nFROM scratch\nCOPY --from=build /app /app\n`,
        );
        const { manifest } = await run(env, { context: dir });
        assert.deepEqual(manifest.baseImages, [base]);
    });

    it("leaves no version tag anywhere when a copy fails midway", async () => {
        const env = setup();
        env.registries.failWrites.add("azure");
        const err = await failure(env);
        assert.equal(err.step, "copy azure");
        assert.match(err.reason, /connection refused/);
        assert.deepEqual(env.registries.tags(), {});
        assert.ok(
            writes(env.log).every((e) => !e.startsWith("tag ")),
            env.log.join(", "),
        );
    });

    it("leaves no version tag anywhere when a registry serves another digest than the one pushed", async () => {
        const env = setup();
        env.registries.tamper.add("gcp");
        const err = await failure(env);
        assert.equal(err.step, "verify gcp");
        assert.match(err.reason, /is served with digest sha256:[0-9a-f]{64}, expected sha256:[0-9a-f]{64}/);
        assert.deepEqual(env.registries.tags(), {});
    });

    it("stops before pushing anything when a registry cannot be read", async () => {
        const env = setup();
        env.registries.unreachable.add("azure");
        const err = await failure(env);
        assert.equal(err.step, "preflight");
        assert.match(err.reason, /127.0.0.1:5003\/app:v1 \(azure\).*connection refused/);
        assert.deepEqual(writes(env.log), []);
        assert.ok(!env.log.includes("exec"), "no smoke test either: the preflight comes first");
    });

    it("accepts a re-release of the same version with the same digest, writing no new tag", async () => {
        const env = setup();
        const first = await run(env);
        env.log.length = 0;
        const second = await run(env);
        assert.equal(second.manifest.digest, first.manifest.digest);
        assert.deepEqual(writes(env.log), []);
        assert.ok(
            second.lines.some((l) => /preflight done .*already published with this digest in: aws, gcp, azure/.test(l)),
            second.lines.join(""),
        );
    });

    it("refuses a re-release of the same version with other content before pushing anything", async () => {
        const env = setup();
        const first = await run(env);
        env.log.length = 0;
        env.engine.content = "v1 content, changed";
        const err = await failure(env);
        assert.equal(err.step, "preflight");
        assert.match(
            err.reason,
            /version v1 is already published with another digest: 127.0.0.1:5001\/app:v1 \(aws\) is sha256:/,
        );
        assert.match(err.reason, /Versions are immutable/);
        assert.deepEqual(writes(env.log), []);
        for (const digest of Object.values(env.registries.tags())) {
            assert.equal(digest, first.manifest.digest, "the tags did not move");
        }
    });

    it("completes a release that was tagged in some registries only, when re-run with the same digest", async () => {
        const env = setup();
        // aws and gcp are complete and tagged; then azure is added while it is down.
        await run(env, { registries: parseRegistries(["aws=127.0.0.1:5001/app", "gcp=127.0.0.1:5002/app"]) });
        env.registries.failWrites.add("azure");
        const partial = await failure(env);
        assert.equal(partial.step, "copy azure");
        env.registries.failWrites.clear();
        env.log.length = 0;
        const { manifest } = await run(env);
        const d = manifest.digest.slice(0, 13);
        assert.deepEqual(writes(env.log), [`copy azure@${d}`, "tag azure:v1"]);
        assert.equal(Object.keys(env.registries.tags()).length, 3);
    });

    it("publishes without a smoke test only when asked, and says so in the manifest", async () => {
        const env = setup();
        const { manifest, lines } = await run(env, { smoke: undefined });
        assert.equal(manifest.smoke, "skipped");
        assert.ok(!env.log.includes("exec"));
        assert.ok(lines.some((l) => /smoke test SKIPPED/.test(l)));
    });

    for (const [version, message] of [
        ["latest", /latest is refused/],
        ["-v1", /not a valid image tag/],
        ["v 1", /not a valid image tag/],
        ["x".repeat(129), /not a valid image tag/],
    ] as const) {
        it(`refuses --version ${version.length > 20 ? "of 129 characters" : JSON.stringify(version)}`, async () => {
            const env = setup();
            const err = await failure(env, { version });
            assert.equal(err.step, "check");
            assert.match(err.reason, message);
            assert.deepEqual(env.log, []);
        });
    }

    it("records every step's duration in the manifest, every copy verified before the first tag", async () => {
        const env = setup();
        const { manifest } = await run(env);
        const names = Object.keys(manifest.durationsMs);
        assert.deepEqual(
            [...names].sort(),
            [
                "build",
                "check",
                "copy azure",
                "copy gcp",
                "preflight",
                "push aws",
                "smoke",
                "stage",
                "tag aws",
                "tag azure",
                "tag gcp",
                "verify aws",
                "verify azure",
                "verify gcp",
            ].sort(),
        );
        assert.deepEqual(names.slice(0, 7), [
            "check",
            "build",
            "stage",
            "preflight",
            "smoke",
            "push aws",
            "verify aws",
        ]);
        const lastVerify = Math.max(...names.map((n, i) => (n.startsWith("verify") || n.startsWith("copy") ? i : -1)));
        const firstTag = names.findIndex((n) => n.startsWith("tag "));
        assert.ok(lastVerify < firstTag, names.join(", "));
        assert.ok(Object.values(manifest.durationsMs).every((ms) => Number.isInteger(ms) && ms >= 0));
    });
});
