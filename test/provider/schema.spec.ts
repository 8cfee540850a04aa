import * as assert from "node:assert/strict";
import * as path from "node:path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";

const ROOT = path.resolve(__dirname, "..", "..");

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
        components = getPulumiComponents(require(path.join(ROOT, "components", "index")));
        const provider = new ComponentProvider({ components: components as any, dirname: ROOT, name: "immutable" });
        schema = JSON.parse(await provider.getSchema()); // the analyzer throws on any unsupported type
    });

    it("is the package `immutable`, versioned from package.json", () => {
        assert.equal(schema.name, "immutable");
        assert.equal(schema.version, require(path.join(ROOT, "package.json")).version);
    });

    it("exports at least the build-once components", () => {
        const names = components.map((c) => c.name);
        for (const n of ["ContainerImage", "AwsImageRegistry", "GcpImageRegistry", "AzureImageRegistry"]) {
            assert.ok(names.includes(n), `${n} is exported from components/index.ts`);
        }
    });

    it("has every exported component as immutable:index:<Class>, with inputs and outputs", () => {
        for (const { name } of components) {
            const res = schema.resources[`immutable:index:${name}`];
            assert.ok(res, `immutable:index:${name} is in the schema`);
            assert.equal(res.isComponent, true);
            assert.ok(Object.keys(res.inputProperties ?? {}).length > 0, `${name} has inputs`);
            assert.ok(Object.keys(res.properties ?? {}).length > 0, `${name} has outputs`);
        }
        assert.deepEqual(
            Object.keys(schema.resources).sort(),
            components.map((c) => `immutable:index:${c.name}`).sort(),
            "no other resources",
        );
    });

    it("documents every input and output (a TSDoc line on every field)", () => {
        const missing: string[] = [];
        for (const [token, res] of Object.entries<any>(schema.resources)) {
            for (const [kind, props] of [["input", res.inputProperties], ["output", res.properties]] as const) {
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
            const t = schema.types[`immutable:index:${e}`];
            assert.ok(t && Array.isArray(t.enum) && t.enum.length > 1, `${e} is an enum type`);
        }
    });

    it("references provider resources by their own package schema (escape hatches)", () => {
        const image = schema.resources["immutable:index:ContainerImage"].properties.image;
        assert.match(image.$ref, /docker-build.*docker-build:index:Image$/);
    });
});
