/**
 * Generates the parts of docs/*.md that describe code, from the code: between `<!-- generated:NAME -->` and
 * `<!-- /generated:NAME -->` markers, the text of SECTIONS[NAME]. `npm run docs` rewrites the files;
 * `npm run docs -- --check` exits 1 when a file differs (test/docs.spec.ts runs the same check).
 *
 * To add a section: add a function to SECTIONS (pure, deterministic: the spec compares its output) and put the
 * two markers where it belongs in any docs/*.md file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CATALOG } from "../policy/catalog";
import { remediationDocs } from "../policy/remediations/docs";
import { kindOf, OUT_OF_SCOPE, SCANNED_KINDS } from "../policy/scope";

const ROOT = path.resolve(__dirname, "..");
const DOCS = path.join(ROOT, "docs");

/** A table cell: pipes escaped, on one line. */
function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

/** `aws:ec2/securityGroup:SecurityGroup` -> `ec2.SecurityGroup`, `azure-native:network:SecurityRule` -> `network.SecurityRule`. */
export function shortType(type: string): string {
    const [, module = "", name = ""] = type.split(":");
    return `${module.split("/")[0]}.${name}`;
}

/** `aws`, `gcp`, `azure` (azure-native), or the package. */
function provider(type: string): string {
    const pkg = type.split(":")[0];
    return pkg === "azure-native" ? "azure" : pkg;
}

function typesByProvider(types: readonly string[]): string {
    const groups = new Map<string, string[]>();
    for (const t of types) {
        groups.set(provider(t), [...(groups.get(provider(t)) ?? []), shortType(t)]);
    }
    return [...groups].map(([p, names]) => `${p}: ${names.join(", ")}`).join("; ");
}

function configText(config: Record<string, unknown>): string {
    const entries = Object.entries(config);
    return entries.length === 0 ? "-" : entries.map(([k, v]) => `\`${k}\` (${JSON.stringify(v)})`).join(", ");
}

/** The rule table: every rule's name, family, level, stage, what its remediation sets, types, why, fix and config. */
function rulesTable(): string {
    const rows = CATALOG.map((r) =>
        [
            `\`${r.name}\``,
            `${r.family}, ${r.enforcementLevel}${r.kind === "stack" ? " (stack)" : ""}`,
            r.stage,
            r.remediates ?? "never",
            `${r.description} (${typesByProvider(r.resourceTypes)})`,
            r.why,
            r.fix,
            configText(r.config),
        ]
            .map(cell)
            .join(" | "),
    );
    return [
        "| Rule | Family, level | Stage | Remediates | Rejects (resource types) | Why | Fix | Config (default) |",
        "|---|---|---|---|---|---|---|---|",
        ...rows.map((r) => `| ${r} |`),
    ].join("\n");
}

/** Every judged resource type by kind, with the rules that judge it. */
function coverageTable(): string {
    const rulesOf = new Map<string, string[]>();
    for (const r of CATALOG) {
        for (const t of r.resourceTypes) {
            rulesOf.set(t, [...(rulesOf.get(t) ?? []), r.name]);
        }
    }
    const order = [...SCANNED_KINDS.map((k) => k.name)];
    const rank = (kind: string) => (order.includes(kind) ? order.indexOf(kind) : order.length);
    const rows = [...rulesOf.keys()]
        .map((t) => ({ t, kind: kindOf(t) }))
        .sort((a, b) => rank(a.kind) - rank(b.kind) || a.kind.localeCompare(b.kind) || a.t.localeCompare(b.t))
        .map(
            ({ t, kind }) =>
                `| ${kind} | \`${t}\` | ${rulesOf
                    .get(t)!
                    .map((n) => `\`${n}\``)
                    .join(", ")} |`,
        );
    return ["| Kind | Resource type | Rules |", "|---|---|---|", ...rows].join("\n");
}

/** The scanned kinds' types no rule judges, and why. */
function outOfScopeTable(): string {
    const rows = OUT_OF_SCOPE.map((o) => {
        const types = typeof o.types === "string" ? `\`${o.types}\`` : `\`${o.types.source.replace(/\\\//g, "/")}\``;
        return `| ${cell(types)} | ${cell(o.reason)} |`;
    });
    return ["| Types | Why no rule judges them |", "|---|---|", ...rows].join("\n");
}

/** The kinds the coverage spec scans the pinned SDKs for. */
function scannedKinds(): string {
    return SCANNED_KINDS.map((k) => `- **${k.name}**: \`${k.pattern.source.replace(/\\\//g, "/")}\``).join("\n");
}

/** Generated sections by marker name. */
export const SECTIONS: Record<string, () => string> = {
    rules: rulesTable,
    coverage: coverageTable,
    "out-of-scope": outOfScopeTable,
    "scanned-kinds": scannedKinds,
    // docs/migration.md: which rules remediate, and why the others never do (policy/remediations/).
    remediations: remediationDocs,
};

const MARKER = /(<!-- generated:([\w-]+) -->\n)([\s\S]*?)(<!-- \/generated:\2 -->)/g;

/** A document with every generated section regenerated. Throws on a marker naming no section. */
export function regenerate(text: string): string {
    return text.replace(MARKER, (_all, open: string, name: string, _old: string, close: string) => {
        const section = SECTIONS[name];
        if (!section) {
            throw new Error(`docs: no generated section "${name}" (known: ${Object.keys(SECTIONS).join(", ")})`);
        }
        return `${open}${section()}\n${close}`;
    });
}

/** The docs files holding generated sections, with their current and generated text. */
export function docsFiles(): Array<{ file: string; current: string; generated: string }> {
    return fs
        .readdirSync(DOCS)
        .filter((f) => f.endsWith(".md"))
        .map((f) => path.join(DOCS, f))
        .map((file) => ({ file, current: fs.readFileSync(file, "utf8") }))
        .filter(({ current }) => current.includes("<!-- generated:"))
        .map(({ file, current }) => ({ file, current, generated: regenerate(current) }));
}

if (require.main === module) {
    const check = process.argv.includes("--check");
    let stale = 0;
    for (const { file, current, generated } of docsFiles()) {
        if (current === generated) {
            continue;
        }
        stale++;
        if (check) {
            console.error(`${path.relative(ROOT, file)} is out of date: run npm run docs`);
        } else {
            fs.writeFileSync(file, generated);
            console.log(`wrote ${path.relative(ROOT, file)}`);
        }
    }
    process.exitCode = check && stale > 0 ? 1 : 0;
}
