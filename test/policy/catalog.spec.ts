/**
 * The pack's shape: one rule per file with a stable `<concern>-forbid|require` name, a description, a why,
 * a fix and covered types; the catalogue the CLI reads; the example pack configs; the README table; and
 * only policy/index.ts constructs the PolicyPack.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CATALOG, RULES } from "../../policy/catalog";
import { ruleSettings } from "../../policy/evaluate";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (p: string) => fs.readFileSync(path.join(ROOT, p), "utf8");

function filesUnder(dir: string): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = path.join(dir, e.name);
        return e.isDirectory() ? (e.name === "node_modules" ? [] : filesUnder(rel)) : [rel];
    });
}

describe("the policy pack's catalogue", () => {
    it("has one rule per file under policy/rules/, each in the catalogue once", () => {
        const files = fs
            .readdirSync(path.join(ROOT, "policy", "rules"))
            .filter((f) => f.endsWith(".ts"))
            .sort();
        const names = RULES.map((r) => r.name);
        assert.equal(new Set(names).size, names.length, "rule names are unique");
        assert.equal(files.length, RULES.length);
        for (const rule of RULES) {
            const file = `${rule.name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}.ts`;
            assert.ok(files.includes(file), `${rule.name} lives in policy/rules/${file}`);
        }
    });

    for (const rule of RULES) {
        it(`${rule.name}: named <concern>-forbid|require, documented, with types and a fix`, () => {
            assert.match(rule.name, /^[a-z0-9]+(-[a-z0-9]+)*-(forbid|require)$/);
            for (const field of ["description", "why", "fix"] as const) {
                assert.ok(rule[field].length > 20, `${field} is written`);
            }
            assert.ok(rule.resourceTypes.length > 0);
            assert.ok(["advisory", "mandatory"].includes(rule.enforcementLevel));
            if (rule.configSchema) {
                assert.ok(!("enforcementLevel" in rule.configSchema.properties), "enforcementLevel is reserved");
                for (const [k, v] of Object.entries(rule.configSchema.properties)) {
                    assert.deepEqual(
                        v.default,
                        (rule.defaults as Record<string, unknown>)[k],
                        `schema default of ${k}`,
                    );
                }
                assert.deepEqual(Object.keys(rule.configSchema.properties).sort(), Object.keys(rule.defaults).sort());
            } else {
                assert.deepEqual(rule.defaults, {});
            }
        });
    }

    it("defaults every rule to mandatory except the advisory state rule", () => {
        assert.deepEqual(
            RULES.filter((r) => r.enforcementLevel === "advisory").map((r) => r.name),
            ["instance-state-forbid"],
        );
    });

    it("gives the command line name, description, level, types and fix of every rule (CATALOG)", () => {
        assert.deepEqual(
            CATALOG.map((c) => c.name),
            RULES.map((r) => r.name),
        );
        for (const c of CATALOG) {
            assert.ok(c.fix && c.description && c.resourceTypes.length > 0);
        }
    });

    for (const file of ["migrating-advisory.json", "mandatory.json"]) {
        it(`ships a valid example pack config: policy/config/${file}`, () => {
            const config = JSON.parse(read(`policy/config/${file}`));
            const settings = ruleSettings(config); // throws on unknown policy names
            for (const rule of RULES) {
                const level = settings.get(rule.name)!.enforcementLevel;
                assert.ok(level === undefined || ["advisory", "mandatory", "disabled"].includes(level));
                for (const key of Object.keys(settings.get(rule.name)!.properties ?? {})) {
                    assert.ok(key in rule.defaults, `${rule.name}.${key} is a config property of the rule`);
                }
            }
        });
    }

    it("documents every rule in docs/policies.md", () => {
        const section = read("docs/policies.md");
        for (const rule of RULES) {
            assert.ok(section.includes(`\`${rule.name}\``), `docs/policies.md mentions ${rule.name}`);
        }
    });

    it("constructs the PolicyPack only in policy/index.ts, which nothing imports", () => {
        const sources = [
            ...filesUnder("policy"),
            ...filesUnder("test"),
            ...filesUnder("bin"),
            ...filesUnder("components"),
            ...filesUnder("stacks"),
        ].filter((f) => f.endsWith(".ts") && f !== path.join("test", "policy", "catalog.spec.ts"));
        const constructing = sources.filter((f) => /new\s+PolicyPack\s*\(/.test(read(f)));
        assert.deepEqual(constructing, [path.join("policy", "index.ts")]);
        const importing = sources.filter((f) =>
            /from\s+["'][./]*policy(\/index)?["']|require\(["'][./]*policy(\/index)?["']\)/.test(read(f)),
        );
        assert.deepEqual(importing, []);
    });

    it("pins the pack's dependencies to the repository's versions (policy/package.json)", () => {
        const pack = JSON.parse(read("policy/package.json"));
        const root = JSON.parse(read("package.json"));
        const pinned = (dep: string) => root.dependencies?.[dep] ?? root.devDependencies?.[dep];
        assert.ok(pack.version);
        // Every package the pack's modules import (the published pack installs policy/package.json alone).
        const imported = new Set<string>();
        for (const f of filesUnder("policy").filter((f) => f.endsWith(".ts"))) {
            for (const m of read(f).matchAll(/(?:from\s+|require\()["']((?:@[\w-]+\/)?[\w.-]+)(?:\/[^"']*)?["']/g)) {
                if (!m[1].startsWith(".") && !m[1].startsWith("node:")) {
                    imported.add(m[1]);
                }
            }
        }
        for (const dep of [...imported, "@pulumi/policy", "@pulumi/pulumi", "ipaddr.js"]) {
            assert.ok(pack.dependencies[dep], `policy/package.json lists ${dep}`);
            assert.equal(pack.dependencies[dep], pinned(dep), dep);
        }
        assert.match(read("policy/PulumiPolicy.yaml"), /^runtime: nodejs$/m);
    });
});
