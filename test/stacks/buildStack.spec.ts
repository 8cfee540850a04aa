import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { synthesize, type Synthesis } from "../../bin/lib/synthesize";
import { loadStackConfig } from "../../bin/lib/stacks";
import { parseImageRef } from "../../components/core/imageRef";
import { validateRelease } from "../../components/core/releaseRecord";
import { buildStack } from "../../stacks/build";

async function synthBuild(overrides: Record<string, string> = {}): Promise<Synthesis> {
    const { config, secretKeys } = loadStackConfig("build", overrides);
    return synthesize(() => buildStack(new pulumi.Config("immutable")), {
        project: "immutable",
        stack: "build",
        config,
        secretKeys,
    });
}

describe("the build stack (stacks/Pulumi.build.yaml)", () => {
    let synth: Synthesis;
    before(async () => {
        synth = await synthBuild({ version: "v42" });
    });

    it("registers exactly one image build for the three registries", () => {
        const builds = synth.resources.filter((r) => r.type === "docker-build:index:Image");
        assert.equal(builds.length, 1);
        assert.equal((builds[0].inputs.tags as string[]).length, 3);
    });

    it("creates one immutable registry per cloud", () => {
        const types = synth.resources.map((r) => r.type);
        for (const t of [
            "immutable-infra:index:AwsImageRegistry",
            "immutable-infra:index:GcpImageRegistry",
            "immutable-infra:index:AzureImageRegistry",
        ]) {
            assert.equal(types.filter((x) => x === t).length, 1, t);
        }
    });

    it("exports the release record: version, git SHA, digest and three digest-pinned refs with the same digest", () => {
        const release = validateRelease(synth.outputs, "build stack outputs");
        assert.equal(release.version, "v42");
        assert.deepEqual(Object.keys(release.refs).sort(), ["aws", "azure", "gcp"]);
        for (const ref of Object.values(release.refs)) {
            assert.equal(parseImageRef(ref)!.digest, release.digest);
        }
        assert.deepEqual(Object.keys(synth.outputs).sort(), ["digest", "gitSha", "refs", "version"]);
    });

    it("builds the sample service with its version stamped in", () => {
        const [build] = synth.resources.filter((r) => r.type === "docker-build:index:Image");
        assert.match((build.inputs.context as any).location, /stacks\/app$/);
        assert.equal((build.inputs.buildArgs as any).VERSION, "v42");
    });

    it("defaults the version to the git SHA of the checkout", async () => {
        const { config } = loadStackConfig("build");
        assert.equal(config["immutable:version"], undefined, "the shipped build stack pins no version");
        const s = await synthBuild();
        assert.match(s.outputs.version as string, /^[0-9a-f]{40}$/);
    });

    it("builds for a subset of clouds when immutable:clouds says so", async () => {
        const s = await synthBuild({ version: "v1", clouds: JSON.stringify(["aws"]) });
        assert.deepEqual(Object.keys(s.outputs.refs as object), ["aws"]);
    });

    it("with immutable:buildCache, caches the build in the first cloud's build-cache repository, never a release repository", async () => {
        const s = await synthBuild({ version: "v42", buildCache: "true" });
        const [build] = s.resources.filter((r) => r.type === "docker-build:index:Image");
        assert.deepEqual(
            (build.inputs.cacheTo as any[]).map((c) => c.raw),
            [
                "type=registry,ref=123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-service-buildcache:buildcache,mode=max,image-manifest=true,oci-mediatypes=true",
            ],
        );
        const releases = (build.inputs.tags as string[]).map((t) => t.replace(/:[^:/]+$/, ""));
        assert.ok(!releases.includes("123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-service-buildcache"));
        const withoutCache = await synthBuild({ version: "v42", buildCache: "false" });
        const off = withoutCache.resources.filter((r) => r.type === "docker-build:index:Image")[0];
        assert.equal(off.inputs.cacheTo, undefined, "no cache unless asked");
    });

    it("ships with the build cache on (the compliance spec holds the shipped stacks to the pack)", () => {
        const build = synth.resources.find((r) => r.type === "docker-build:index:Image")!;
        assert.ok((build.inputs.cacheTo as any[]).length > 0, "the shipped build stack caches its build");
    });

    it("names the registry's Azure resource group, so environment stacks can name the registry it holds", () => {
        const group = synth.resources.find((r) => r.type === "azure-native:resources:ResourceGroup")!;
        assert.equal(group.inputs.resourceGroupName, "immutable-releases");
    });

    it("refuses an unknown cloud in immutable:clouds", async () => {
        await assert.rejects(
            synthBuild({ clouds: JSON.stringify(["aws", "oracle"]) }),
            /config immutable:clouds: "oracle" is not one of aws, gcp, azure/,
        );
    });
});
