/**
 * The docker and skopeo adapters, against stand-in executables (IMMUTABLE_DOCKER-style injection): how their
 * answers are read (digest of the exact bytes, "not found" versus "cannot tell"), and the buildx pitfall.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DockerEngine } from "../../../bin/lib/release/docker";
import { dockerCommand } from "../../../bin/lib/release/process";
import { parseRegistries } from "../../../bin/lib/release/registries";
import { Skopeo, describeManifest, displayRef } from "../../../bin/lib/release/skopeo";

/** Writes an executable shell script that prints `stdout` / `stderr` and exits with `code`. */
const temporary: string[] = [];
function fakeTool(stdout: string, stderr: string, code: number): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-tool-"));
    temporary.push(dir);
    const file = path.join(dir, "tool");
    fs.writeFileSync(path.join(dir, "out"), stdout);
    fs.writeFileSync(path.join(dir, "err"), stderr);
    fs.writeFileSync(
        file,
        `#!/bin/sh\necho "$@" > "${dir}/args"\ncat "${dir}/out"\ncat "${dir}/err" >&2\nexit ${code}\n`,
        { mode: 0o755 },
    );
    return file;
}

const [aws] = parseRegistries(["aws=127.0.0.1:5001/app"]);
const [ecr] = parseRegistries(["123456789012.dkr.ecr.us-east-1.amazonaws.com/app"]);

describe("release tools (docker, skopeo)", () => {
    after(() => temporary.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    it("names a place by tag or by digest", () => {
        const digest = `sha256:${"a".repeat(64)}`;
        assert.equal(displayRef({ target: aws, reference: "v1" }), "127.0.0.1:5001/app:v1");
        assert.equal(displayRef({ target: aws, reference: digest }), `127.0.0.1:5001/app@${digest}`);
    });

    it("takes the digest of the manifest bytes exactly as served, and the config it names", () => {
        const bytes = Buffer.from(`{"schemaVersion":2,"config":{"digest":"sha256:${"b".repeat(64)}"},"layers":[]}`);
        assert.deepEqual(describeManifest(bytes), {
            digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`,
            configDigest: `sha256:${"b".repeat(64)}`,
        });
        const reformatted = Buffer.from(JSON.stringify(JSON.parse(bytes.toString()), null, 2));
        assert.notEqual(
            describeManifest(reformatted).digest,
            describeManifest(bytes).digest,
            "the same JSON with other bytes is another digest",
        );
    });

    it("reads a manifest through skopeo inspect --raw, without TLS only for plain-HTTP registries", async () => {
        const body = `{"schemaVersion":2,"config":{"digest":"sha256:${"c".repeat(64)}"}}`;
        const tool = fakeTool(body, "", 0);
        const found = await new Skopeo(tool).inspect({ target: aws, reference: "v1" }, 5_000);
        assert.equal(found?.digest, describeManifest(Buffer.from(body)).digest);
        assert.equal(
            fs.readFileSync(path.join(path.dirname(tool), "args"), "utf8").trim(),
            "inspect --raw --tls-verify=false docker://127.0.0.1:5001/app:v1",
        );
        await new Skopeo(tool).inspect({ target: ecr, reference: "v1" }, 5_000);
        assert.equal(
            fs.readFileSync(path.join(path.dirname(tool), "args"), "utf8").trim(),
            "inspect --raw docker://123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1",
        );
    });

    const absent = [
        'time="..." level=fatal msg="Error parsing image name \\"docker://127.0.0.1:5001/app:v1\\": reading manifest v1 in 127.0.0.1:5001/app: manifest unknown: manifest unknown"',
        "reading manifest v1 in 127.0.0.1:5001/new: name unknown: repository name not known to registry",
    ];
    for (const stderr of absent) {
        it(`treats "${stderr.slice(-45)}" as: the tag does not exist`, async () => {
            assert.equal(
                await new Skopeo(fakeTool("", stderr, 1)).inspect({ target: aws, reference: "v1" }, 5_000),
                undefined,
            );
        });
    }

    it("does not mistake an unreachable registry for a missing tag", async () => {
        const tool = fakeTool(
            "",
            'pinging container registry 127.0.0.1:5001: Get "http://127.0.0.1:5001/v2/": dial tcp 127.0.0.1:5001: connect: connection refused',
            1,
        );
        await assert.rejects(
            new Skopeo(tool).inspect({ target: aws, reference: "v1" }, 5_000),
            /skopeo inspect 127.0.0.1:5001\/app:v1 exited with status 1:[\s\S]*connection refused/,
        );
    });

    it("explains the docker client without buildx and points at Debian's client", async () => {
        const tool = fakeTool("", "ERROR: BuildKit is enabled but the buildx component is missing or broken.\n", 1);
        const engine = new DockerEngine(tool);
        await assert.rejects(
            engine.build({
                context: ".",
                dockerfile: "Dockerfile",
                secrets: [],
                buildArgs: [],
                labels: {},
                timeoutMs: 5_000,
            }),
            /has no BuildKit builder \(buildx missing\); use Debian's client: IMMUTABLE_DOCKER=\/usr\/bin\/docker/,
        );
    });

    it("passes secrets, build args, platform and labels to one docker build", async () => {
        const tool = fakeTool("", "boom", 1);
        await assert.rejects(
            new DockerEngine(tool).build({
                context: "ctx",
                dockerfile: "ctx/Dockerfile",
                platform: "linux/arm64",
                secrets: ["id=npmrc,src=/tmp/npmrc"],
                buildArgs: ["A=1"],
                labels: { "org.opencontainers.image.revision": "abc" },
                timeoutMs: 5_000,
            }),
            /docker build exited with status 1:\nboom/,
        );
        const args = fs.readFileSync(path.join(path.dirname(tool), "args"), "utf8").trim();
        assert.match(
            args,
            /^build --progress=plain --iidfile \S+ --file ctx\/Dockerfile --platform linux\/arm64 --secret id=npmrc,src=\/tmp\/npmrc --build-arg A=1 --label org.opencontainers.image.revision=abc ctx$/,
        );
    });

    it("uses IMMUTABLE_DOCKER, else Debian's /usr/bin/docker, else docker on PATH", () => {
        assert.equal(dockerCommand({ IMMUTABLE_DOCKER: "/opt/docker" }), "/opt/docker");
        assert.equal(dockerCommand({}), fs.existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker");
    });
});
