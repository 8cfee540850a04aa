/**
 * `immutable audit FILE`: judges an existing stack with the whole policy pack, without credentials: a
 * `pulumi stack export` (checkpoint version 3), a checkpoint file, or a `pulumi preview --json` document, or
 * `-` for standard input. Resource policies see inputs; stack policies see outputs, parents and dependencies.
 * Exit status: 0 without a mandatory violation, 1 with one, 2 for bad usage or unreadable input.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, Option } from "commander";
import { PACKAGE_NAME } from "../../components/core/packageName";
import { InputError } from "../../components/core/validation";
import { readAuditInput, type AuditDocument } from "../lib/auditInput";
import { countViolations, paint, table, verdictTables } from "../lib/format";
import { migrationReportOptions } from "../lib/command";
import { io } from "../lib/io";
import { readPackConfig } from "../lib/packConfig";
import { hasMandatory, policyEngine, type PackConfig, type Verdict } from "../lib/policyEngine";
import { toSarif } from "../lib/sarif";

/** The output formats of `audit`. */
export const AUDIT_FORMATS = ["table", "json", "sarif"] as const;

/** Options of one audit. */
export interface AuditOptions {
    format: (typeof AUDIT_FORMATS)[number];
    policyPackConfig?: string;
    sarifArtifact?: string;
    /** "migration": the migration path of each stack and the estate (bin/lib/migrationReport.ts). */
    report?: string;
    /** With --report migration: an earlier JSON migration report to compare with. */
    since?: string;
}

/** The documented JSON result of `audit --format json`. */
export interface AuditResult {
    /** Resources the pack judged. */
    resources: number;
    violations: Verdict["violations"];
    /** Resources a rule at the level "remediate" fixes at deploy (not violations: the engine remediates them). */
    remediated: Verdict["remediated"];
    /** Resources the pack did not judge, with the reason. */
    notJudged: Verdict["notJudged"];
}

/** Reads, evaluates and prints; returns the exit status. */
export async function runAudit(file: string, options: AuditOptions): Promise<number> {
    const out = io();
    let doc: AuditDocument;
    let config: PackConfig | undefined;
    try {
        config = options.policyPackConfig ? readPackConfig(options.policyPackConfig) : undefined;
        doc = readAuditInput(file, () => out.readStdin());
    } catch (err) {
        if (err instanceof InputError) {
            out.err(`immutable audit: ${err.message}\n`);
            return 2;
        }
        throw err;
    }
    const engine = policyEngine();
    const verdict = await engine.evaluate(doc.resources, { config, preview: doc.source === "preview" });
    const result: AuditResult = {
        resources: verdict.judged,
        violations: verdict.violations,
        remediated: verdict.remediated,
        notJudged: [...verdict.notJudged, ...doc.skipped],
    };
    if (options.format === "json") {
        out.out(`${JSON.stringify(result, null, 2)}\n`);
    } else if (options.format === "sarif") {
        const sarif = toSarif({
            rules: engine.rules(),
            violations: result.violations,
            remediated: result.remediated,
            artifactUri: options.sarifArtifact,
            toolVersion: packageField("version"),
            informationUri: packageField("homepage"),
        });
        out.out(`${JSON.stringify(sarif, null, 2)}\n`);
    } else {
        out.out(auditTable(file, doc, result, engine.rules(), out.stdoutIsTTY));
    }
    return hasMandatory(result.violations) ? 1 : 0;
}

function auditTable(
    file: string,
    doc: AuditDocument,
    result: AuditResult,
    rules: ReturnType<ReturnType<typeof policyEngine>["rules"]>,
    colour: boolean,
): string {
    const p = paint(colour);
    const kind = { "stack-export": "stack export", checkpoint: "checkpoint", preview: "preview" }[doc.source];
    const lines: string[] = [];
    lines.push(
        `${p.bold(file === "-" ? "<stdin>" : file)}: ${kind}${doc.stack ? ` of stack "${doc.stack}"` : ""}, ` +
            `${doc.resources.length} resources, ${result.resources} judged`,
    );
    const verdicts = verdictTables(result, rules, colour);
    if (verdicts) {
        lines.push(verdicts);
    }
    lines.push(`Violations: ${countViolations(result.violations, p)}`);
    return `${lines.join("\n")}\n`;
}

/** A field of the package's own package.json (the nearest one named {@link PACKAGE_NAME}, from sources or dist/). */
function packageField(key: string): string | undefined {
    for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
        try {
            const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
            if (pkg.name === PACKAGE_NAME) {
                return typeof pkg[key] === "string" ? pkg[key] : undefined;
            }
        } catch {
            // no package.json here: look further up
        }
    }
    return undefined;
}

function usage(message: string): number {
    io().err(`immutable audit: ${message}\n`);
    return 2;
}

/** Registers `audit` on the program. */
export function register(program: Command): void {
    const audit = program
        .command("audit")
        .description(
            "Judge an existing stack with the policy pack: a `pulumi stack export`, a `pulumi preview --json` document, or - for stdin",
        )
        .argument(
            "<file...>",
            "stack export (checkpoint version 3) or preview JSON; - reads standard input; several files or directories with --report migration",
        )
        .addOption(new Option("--format <format>", "output format").choices([...AUDIT_FORMATS]).default("table"))
        .option("--policy-pack-config <file>", "pack config JSON, as for `pulumi preview --policy-pack-config`")
        .option("--sarif-artifact <path>", "repository file SARIF results are attached to", "Pulumi.yaml");
    migrationReportOptions(audit)
        .addHelpText(
            "after",
            "\nExit status: 0 no mandatory violation, 1 a mandatory violation, 2 bad usage or unreadable input.\n" +
                "Examples:\n  pulumi stack export -s prod | immutable audit - --format sarif > audit.sarif\n" +
                "  pulumi preview --json > preview.json && immutable audit preview.json\n" +
                "  immutable audit exports/ --report migration --since last-week.json",
        )
        .action(async (files: string[], options: AuditOptions) => {
            process.exitCode =
                options.report === "migration"
                    ? await (
                          require("../lib/migrationReport") as typeof import("../lib/migrationReport")
                      ).runAuditMigration(files, options)
                    : files.length > 1 || options.since
                      ? usage(
                            files.length > 1
                                ? "several files or directories need --report migration"
                                : "--since needs --report migration",
                        )
                      : await runAudit(files[0], options);
        });
}
