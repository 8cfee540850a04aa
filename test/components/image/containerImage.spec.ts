import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { synthesize, type Synthesis } from "../../../bin/lib/synthesize";
import {
    BaseImagePolicy,
    ContainerImage,
    ImagePlatform,
    type ContainerImageArgs,
} from "../../../components/image/containerImage";
import { parseImageRef } from "../../../components/core/imageRef";
import { dirtyTreeProblem } from "../../../components/image/buildInputs";

const PINNED = path.join(__dirname, "fixtures", "pinned");
const UNPINNED = path.join(__dirname, "fixtures", "unpinned");
const REGISTRIES = [
    { name: "aws", repositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/api" },
    { name: "gcp", repositoryUrl: "us-central1-docker.pkg.dev/proj/releases/api" },
    { name: "azure", repositoryUrl: "immutablereleases.azurecr.io/api" },
];

async function build(
    args: Partial<ContainerImageArgs>,
    name = "api",
): Promise<{ synth: Synthesis; image: ContainerImage }> {
    let image: ContainerImage | undefined;
    const synth = await synthesize(
        () => {
            image = new ContainerImage(name, {
                context: PINNED,
                version: "v42",
                registries: REGISTRIES,
                ...args,
            } as ContainerImageArgs);
            return { digest: image.digest, refs: image.refs, version: image.version, baseImages: image.baseImages };
        },
        { project: "immutable", stack: "spec" },
    );
    return { synth, image: image! };
}

function builds(synth: Synthesis) {
    return synth.resources.filter((r) => r.type === "docker-build:index:Image");
}

describe("ContainerImage", () => {
    for (const count of [1, 2, 3]) {
        it(`registers exactly one image build for ${count} registr${count === 1 ? "y" : "ies"}, tagged with the version in each`, async () => {
            const { synth } = await build({ registries: REGISTRIES.slice(0, count) });
            const images = builds(synth);
            assert.equal(images.length, 1);
            assert.deepEqual(
                images[0].inputs.tags,
                REGISTRIES.slice(0, count).map((r) => `${r.repositoryUrl}:v42`),
            );
            assert.equal(images[0].inputs.push, true);
        });
    }

    it("outputs one repo@sha256 reference per registry, all with the build's digest", async () => {
        const { synth } = await build({});
        const digest = synth.outputs.digest as string;
        assert.match(digest, /^sha256:[0-9a-f]{64}$/);
        const refs = synth.outputs.refs as Record<string, string>;
        assert.deepEqual(Object.keys(refs), ["aws", "gcp", "azure"]);
        for (const r of REGISTRIES) {
            const parsed = parseImageRef(refs[r.name])!;
            assert.equal(parsed.repository, r.repositoryUrl);
            assert.equal(parsed.digest, digest);
            assert.equal(parsed.tag, undefined, "a pinned ref carries no tag");
        }
    });

    it("is a child of the component and named from it", async () => {
        const { synth } = await build({}, "payments");
        const [image] = builds(synth);
        assert.equal(image.name, "payments-build");
        assert.equal(image.parent, "urn:pulumi:spec::immutable::immutable-infra:index:ContainerImage::payments");
    });

    it("passes build secrets as BuildKit secrets (secret values), never as build args", async () => {
        const { synth } = await build({
            secrets: { NPM_TOKEN: pulumi.secret("npm_abc") },
            buildArgs: { MODE: "release" },
        });
        const [image] = builds(synth);
        assert.deepEqual(image.inputs.buildArgs, { MODE: "release" });
        // The whole secrets map travels as a secret value (the engine encrypts it in state).
        assert.deepEqual(image.inputs.secrets, {
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            value: { NPM_TOKEN: "npm_abc" },
        });
        assert.ok(!JSON.stringify(image.inputs.buildArgs).includes("npm_abc"));
    });

    it("defaults to linux/amd64 and passes platforms, target and cache settings through", async () => {
        const { synth: plain } = await build({});
        assert.deepEqual(builds(plain)[0].inputs.platforms, ["linux/amd64"]);
        const { synth } = await build({
            platforms: [ImagePlatform.LinuxAmd64, ImagePlatform.LinuxArm64],
            target: "build",
            cacheFrom: ["type=registry,ref=cache.example.com/api:buildcache"],
            cacheTo: ["type=registry,ref=cache.example.com/api:buildcache,mode=max"],
        });
        const [image] = builds(synth);
        assert.deepEqual(image.inputs.platforms, ["linux/amd64", "linux/arm64"]);
        assert.equal(image.inputs.target, "build");
        assert.deepEqual(image.inputs.cacheFrom, [{ raw: "type=registry,ref=cache.example.com/api:buildcache" }]);
        assert.deepEqual(image.inputs.cacheTo, [
            { raw: "type=registry,ref=cache.example.com/api:buildcache,mode=max" },
        ]);
    });

    it("labels the image with its version and git revision and reports the pinned base images", async () => {
        const { synth } = await build({});
        const labels = builds(synth)[0].inputs.labels as Record<string, string>;
        assert.equal(labels["org.opencontainers.image.version"], "v42");
        assert.match(labels["org.opencontainers.image.revision"], /^([0-9a-f]{40}|unknown)$/);
        assert.deepEqual(synth.outputs.baseImages, [
            "golang:1.23-alpine@sha256:383395b794dffa5b53012a212365d40c8e37109a626ca30d6151c8348d380b5f",
        ]);
    });

    it("defaults the version to the git SHA of the context", async () => {
        const { synth } = await build({ version: undefined });
        assert.match(synth.outputs.version as string, /^[0-9a-f]{40}$/);
    });

    it("builds a Dockerfile with unpinned FROM lines when told to warn instead of refuse", async () => {
        const { synth } = await build({ context: UNPINNED, baseImagePolicy: BaseImagePolicy.Warn });
        assert.equal(builds(synth).length, 1);
    });

    const invalid: Array<[string, Partial<ContainerImageArgs>, RegExp]> = [
        [
            "an empty registry list",
            { registries: [] },
            /^ContainerImage "api": registries must list at least one entry$/,
        ],
        [
            "a repository given with a tag",
            { registries: [{ name: "aws", repositoryUrl: "123.dkr.ecr.us-east-1.amazonaws.com/api:v1" }] },
            /^ContainerImage "api": registries\[0\]\.repositoryUrl must be a repository without tag or digest/,
        ],
        [
            "a repository given with a digest",
            { registries: [{ name: "aws", repositoryUrl: `r.example.com/api@sha256:${"a".repeat(64)}` }] },
            /registries\[0\]\.repositoryUrl must be a repository without tag or digest/,
        ],
        [
            "two registries under one key",
            { registries: [REGISTRIES[0], { ...REGISTRIES[1], name: "aws" }] },
            /registries\[1\]\.name repeats "aws"/,
        ],
        [
            "an unpinned FROM",
            { context: UNPINNED },
            /^ContainerImage "api": dockerfile base images must be pinned by digest \(FROM image@sha256:\.\.\.\): line 1: FROM golang:1\.23-alpine is not pinned by digest; line 4: FROM debian:bookworm-slim is not pinned by digest$/,
        ],
        [
            "a missing Dockerfile",
            { dockerfile: "Nope.Dockerfile" },
            /^ContainerImage "api": dockerfile cannot be read at .*Nope\.Dockerfile \(ENOENT\)$/,
        ],
        [
            "a build arg named like a secret",
            { buildArgs: { NPM_TOKEN: "x" } },
            /^ContainerImage "api": buildArgs\.NPM_TOKEN looks like a secret/,
        ],
        [
            "a build arg whose value is an AWS key",
            { buildArgs: { MIRROR: "AKIAABCDEFGHIJKLMNOP" } },
            /buildArgs\.MIRROR looks like a secret/,
        ],
        [
            "the moving tag latest as version",
            { version: "latest" },
            /^ContainerImage "api": version must name one release/,
        ],
        [
            "a version that is not a tag",
            { version: "v1 beta" },
            /^ContainerImage "api": version must be a valid image tag/,
        ],
    ];
    for (const [what, args, message] of invalid) {
        it(`refuses ${what}, naming the component and the field`, async () => {
            await assert.rejects(build(args), (err: Error) => {
                assert.match(err.message, message);
                return true;
            });
        });
    }
});

describe("ContainerImage: a cache immutable tags accept, and no SHA for a dirty tree", () => {
    it("reads and writes the BuildKit cache in the build-cache repository, as OCI image manifests", async () => {
        const { synth } = await build({
            cacheRepositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/api-buildcache",
        });
        const [image] = builds(synth);
        assert.deepEqual(image.inputs.cacheFrom, [
            { raw: "type=registry,ref=123456789012.dkr.ecr.us-east-1.amazonaws.com/api-buildcache:buildcache" },
        ]);
        assert.deepEqual(image.inputs.cacheTo, [
            {
                raw: "type=registry,ref=123456789012.dkr.ecr.us-east-1.amazonaws.com/api-buildcache:buildcache,mode=max,image-manifest=true,oci-mediatypes=true",
            },
        ]);
    });

    const refused: Array<[string, Partial<ContainerImageArgs>, RegExp]> = [
        [
            "a cache repository that is a release repository",
            { cacheRepositoryUrl: REGISTRIES[0].repositoryUrl },
            /^ContainerImage "api": cacheRepositoryUrl names the release repository .*: its tags are immutable, so the cache tag could be pushed once/,
        ],
        [
            "a registry cache export into a release repository (the former documented example)",
            { cacheTo: [`type=registry,ref=${REGISTRIES[1].repositoryUrl}:buildcache,mode=max`] },
            /^ContainerImage "api": cacheTo\[0\] names the release repository us-central1-docker\.pkg\.dev\/proj\/releases\/api/,
        ],
    ];
    for (const [what, args, message] of refused) {
        it(`refuses ${what}`, async () => {
            await assert.rejects(build(args), (err: Error) => (assert.match(err.message, message), true));
        });
    }

    describe("a context with uncommitted changes", () => {
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-dirty-"));
            fs.copyFileSync(path.join(PINNED, "Dockerfile"), path.join(dir, "Dockerfile"));
            const git = (...args: string[]) =>
                execFileSync("git", ["-c", "user.email=spec@example.com", "-c", "user.name=spec", ...args], {
                    cwd: dir,
                    stdio: "ignore",
                });
            git("init", "-q");
            git("add", ".");
            git("commit", "-q", "-m", "release");
            fs.writeFileSync(path.join(dir, "main.go"), "package main\n");
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("refuses to name the build by the git SHA of HEAD, listing what changed", async () => {
            await assert.rejects(build({ context: dir, version: undefined }), (err: Error) => {
                assert.match(
                    err.message,
                    /^ContainerImage "api": version is not set and .* has uncommitted changes to what the build reads \(main\.go\): the git SHA of HEAD would name an image built from other sources; commit them, or set a version of its own$/,
                );
                return true;
            });
        });

        it("counts only what the build reads: files its .dockerignore leaves out do not make it dirty, the Dockerfile does", () => {
            const repo = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-ignored-"));
            try {
                const git = (...args: string[]) =>
                    execFileSync("git", ["-c", "user.email=spec@example.com", "-c", "user.name=spec", ...args], {
                        cwd: repo,
                        stdio: "ignore",
                    });
                fs.writeFileSync(path.join(repo, "Dockerfile"), "FROM scratch\n");
                fs.writeFileSync(path.join(repo, ".dockerignore"), "*\n!main.go\n");
                fs.writeFileSync(path.join(repo, "main.go"), "package main\n");
                git("init", "-q");
                git("add", ".");
                git("commit", "-q", "-m", "release");
                fs.writeFileSync(path.join(repo, "notes.md"), "not in the build\n");
                assert.equal(dirtyTreeProblem(repo), undefined);
                fs.writeFileSync(path.join(repo, "Dockerfile"), "FROM scratch\nLABEL x=y\n");
                assert.match(
                    dirtyTreeProblem(repo) ?? "",
                    /uncommitted changes to what the build reads \(Dockerfile\)/,
                );
            } finally {
                fs.rmSync(repo, { recursive: true, force: true });
            }
        });

        it("builds it under a version of its own", async () => {
            const { synth } = await build({ context: dir, version: "v42-rc1" });
            assert.equal(synth.outputs.version, "v42-rc1");
        });
    });
});
