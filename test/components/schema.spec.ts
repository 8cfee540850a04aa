import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { PACKAGE_NAME } from "../../components/core/packageName";

const ROOT = path.resolve(__dirname, "..", "..");

// Started when mocha loads this file, so the analysis runs beside the other specs; awaited below.
const built: Promise<{ components: string[]; schema: any }> = new Promise((resolve, reject) => {
    execFile(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join(__dirname, "support", "buildSchema.ts")],
        { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" } },
        (err, stdout, stderr) =>
            err
                ? reject(new Error(`the schema analysis failed: ${stderr || err.message}`))
                : resolve(JSON.parse(stdout)),
    );
});
built.catch(() => undefined); // reported by the before hook, not as an unhandled rejection

/**
 * The component provider (PulumiPlugin.yaml) serves the schema inferred from components/index.ts. This
 * builds it in-process, as `pulumi package add` would, so any arg the analyzer cannot express (a union, a
 * non-@pulumi resource type, a class instead of an interface) fails here rather than in a user's program.
 */
describe("component provider schema", function () {
    this.timeout(120_000);
    let schema: any;
    let components: Array<{ name: string }>;

    before(async () => {
        const result = await built;
        schema = result.schema;
        components = result.components.map((name) => ({ name }));
    });

    it("is the package named in package.json and in components/core/packageName.ts, versioned from package.json", () => {
        assert.equal(schema.name, require(path.join(ROOT, "package.json")).name);
        assert.equal(schema.name, PACKAGE_NAME);
        assert.equal(schema.version, require(path.join(ROOT, "package.json")).version);
    });

    it("exports at least the build-once components", () => {
        const names = components.map((c) => c.name);
        for (const n of ["ContainerImage", "AwsImageRegistry", "GcpImageRegistry", "AzureImageRegistry"]) {
            assert.ok(names.includes(n), `${n} is exported from components/index.ts`);
        }
    });

    it("has every exported component as immutable-infra:index:<Class>, with inputs and outputs", () => {
        for (const { name } of components) {
            const res = schema.resources[`immutable-infra:index:${name}`];
            assert.ok(res, `immutable-infra:index:${name} is in the schema`);
            assert.equal(res.isComponent, true);
            assert.ok(Object.keys(res.inputProperties ?? {}).length > 0, `${name} has inputs`);
            assert.ok(Object.keys(res.properties ?? {}).length > 0, `${name} has outputs`);
        }
        assert.deepEqual(
            Object.keys(schema.resources).sort(),
            components.map((c) => `immutable-infra:index:${c.name}`).sort(),
            "no other resources",
        );
    });

    it("documents every input and output (a TSDoc line on every field)", () => {
        const missing: string[] = [];
        for (const [token, res] of Object.entries<any>(schema.resources)) {
            for (const [kind, props] of [
                ["input", res.inputProperties],
                ["output", res.properties],
            ] as const) {
                for (const [prop, def] of Object.entries<any>(props ?? {})) {
                    if (!def.description) {
                        missing.push(`${token} ${kind} ${prop}`);
                    }
                }
            }
        }
        for (const [token, type] of Object.entries<any>(schema.types ?? {})) {
            for (const [prop, def] of Object.entries<any>(type.properties ?? {})) {
                if (!def.description) {
                    missing.push(`${token} field ${prop}`);
                }
            }
        }
        assert.deepEqual(missing, []);
    });

    it("expresses choices as enums, not string unions", () => {
        for (const e of ["ImagePlatform", "BaseImagePolicy", "AcrSku"]) {
            const t = schema.types[`immutable-infra:index:${e}`];
            assert.ok(t && Array.isArray(t.enum) && t.enum.length > 1, `${e} is an enum type`);
        }
    });

    for (const kind of ["ContainerService", "InstanceGroup"]) {
        it(`gives the ${kind} facade each cloud's specifics exactly as that cloud's component takes them (one declaration)`, () => {
            const facade = schema.resources[`immutable-infra:index:${kind}`].inputProperties;
            const shared = Object.keys(facade).filter((k) => !["cloud", "aws", "gcp", "azure"].includes(k));
            for (const [cloud, component] of [
                ["aws", `Aws${kind}`],
                ["gcp", `Gcp${kind}`],
                ["azure", `Azure${kind}`],
            ]) {
                const typeName = String(facade[cloud].$ref).replace("#/types/", "");
                const specifics = Object.keys(schema.types[typeName].properties);
                const inputs = Object.keys(schema.resources[`immutable-infra:index:${component}`].inputProperties);
                assert.deepEqual(
                    inputs.sort(),
                    [...shared, ...specifics].sort(),
                    `${component} = shared args + ${typeName}`,
                );
            }
        });
    }

    it("gives the three registries the same shared args", () => {
        for (const registry of ["AwsImageRegistry", "GcpImageRegistry", "AzureImageRegistry"]) {
            const inputs = Object.keys(schema.resources[`immutable-infra:index:${registry}`].inputProperties);
            for (const shared of ["repositoryName", "keepReleases", "labels", "buildCache"]) {
                assert.ok(inputs.includes(shared), `${registry} takes ${shared}`);
            }
        }
    });

    it("references provider resources by their own package schema (escape hatches)", () => {
        const image = schema.resources["immutable-infra:index:ContainerImage"].properties.image;
        assert.match(image.$ref, /docker-build.*docker-build:index:Image$/);
    });
});
