/**
 * Prints the component provider's schema as JSON: what `pulumi package add` / `pulumi package get-schema`
 * would get from this repository. Run by the schema spec in a child process, so the TypeScript analysis
 * (about 15 s) overlaps the rest of the suite. Usage: node -r ts-node/register/transpile-only test/components/support/buildSchema.ts
 */
import * as path from "node:path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";

const ROOT = path.resolve(__dirname, "..", "..", "..");

async function main(): Promise<void> {
    const components = getPulumiComponents(require(path.join(ROOT, "components", "index")));
    // The name as Pulumi's run-plugin derives it from package.json (scope -> namespace, other characters -> "-").
    const pkg = require(path.join(ROOT, "package.json")) as { name: string };
    const [, scope, bare] = /^(?:@([^/]+)\/)?(.+)$/.exec(pkg.name)!;
    const name = bare.replace(/[^-a-zA-Z0-9_]/g, "-");
    const provider = new ComponentProvider({ components, dirname: ROOT, name, namespace: scope });
    const schema = JSON.parse(await provider.getSchema()); // the analyzer throws on any unsupported type
    process.stdout.write(JSON.stringify({ components: components.map((c) => c.name), schema }));
}

main().catch((err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
});
