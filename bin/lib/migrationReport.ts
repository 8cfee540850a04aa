/**
 * `audit --report migration` and `plan --report migration`: per stack the step of the migration path it has
 * reached, what blocks the next step and the next action; then a summary of the estate; with `--since` an
 * earlier JSON report, the stacks that moved forward or back. The stage logic is policy/migration.ts; this
 * module reads the inputs (one export, several files, or directories of exports), evaluates each with the pack,
 * and prints a table or the JSON report. Loaded only when a migration report is asked for.
 *
 * Exit status, as for `audit` and `plan`: 0 without a mandatory violation in any stack, 1 with one (or, for
 * `plan`, a stack that fails to synthesize), 2 for bad usage or an unreadable input (nothing is printed then:
 * an estate missing a stack would look further along than it is).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../../components/core/validation";
import { CATALOG } from "../../policy/catalog";
import { ruleSettings } from "../../policy/evaluate";
import {
    diffMigration,
    estateSummary,
    findingKey,
    plural,
    rank,
    stackMigration,
    stageTitle,
    type EstateSummary,
    type MigrationDiff,
    type MigrationPosition,
    type StackMigration,
} from "../../policy/migration";
import { plannedRemediations, type PreviewResource } from "../../policy/remediations/preview";
import { MIGRATION_STAGES, MigrationStage } from "../../policy/rule";
import { describeJsonError, readAuditInput } from "./auditInput";
import { paint, table, tableWidth } from "./format";
import { io } from "./io";
import { readPackConfig } from "./packConfig";
import { hasMandatory, policyEngine, type PackConfig, type Verdict } from "./policyEngine";

/** The version of the JSON report (fields may be added, never renamed or removed). */
export const MIGRATION_REPORT_VERSION = 1;

/** Options of a migration report. */
export interface MigrationOptions {
    format: string;
    policyPackConfig?: string;
    /** An earlier JSON migration report to compare with. */
    since?: string;
}

/** One stack of the JSON report. */
export interface StackReport extends StackMigration {
    /** Where the stack came from: the export file, or "plan". */
    source: string;
}

/** The JSON report (`--report migration --format json`). */
export interface MigrationReport {
    report: "migration";
    version: number;
    /** The steps, in order. */
    stages: readonly MigrationStage[];
    stacks: StackReport[];
    estate: EstateSummary;
    /** With `--since`: the change since that report. */
    since?: MigrationDiff & { file: string };
}

/** A stack's verdict, before it is placed on the path. */
export interface StackVerdict {
    stack: string;
    source: string;
    /** Violations, and (level "remediate") findings the deploy fixes (enforcementLevel "remediate"). */
    violations: ReadonlyArray<{ policy: string; urn?: string; enforcementLevel: string; message: string }>;
    notJudged: Verdict["notJudged"];
    /** The violations a remediation fixes ({@link findingKey}s; see {@link remediableViolations}). */
    remediable?: ReadonlySet<string>;
}

/** `audit --report migration FILE|DIR...`: returns the exit status. */
export async function runAuditMigration(inputs: string[], options: MigrationOptions): Promise<number> {
    const out = io();
    const fail = (message: string) => {
        out.err(`immutable audit: ${message}\n`);
        return 2;
    };
    if (options.format !== "table" && options.format !== "json") {
        return fail(`--report migration prints table or json, not ${options.format}`);
    }
    let config: PackConfig | undefined;
    let files: string[];
    let previous: MigrationPosition[] | undefined;
    try {
        config = options.policyPackConfig ? readPackConfig(options.policyPackConfig) : undefined;
        files = expandInputs(inputs);
        previous = options.since ? readPreviousReport(options.since) : undefined;
    } catch (err) {
        if (err instanceof InputError) return fail(err.message);
        throw err;
    }
    const verdicts: StackVerdict[] = [];
    const names = new Map<string, string>();
    for (const file of files) {
        let doc;
        try {
            doc = readAuditInput(file, () => out.readStdin());
        } catch (err) {
            if (err instanceof InputError) return fail(err.message);
            throw err;
        }
        const stack = stackName(doc.resources[0]?.urn, doc.stack, file);
        const earlier = names.get(stack);
        if (earlier !== undefined) {
            return fail(`${earlier} and ${label(file)} are both exports of stack "${stack}": keep one per stack`);
        }
        names.set(stack, label(file));
        const verdict = await policyEngine().evaluate(doc.resources, { config, preview: doc.source === "preview" });
        verdicts.push({
            stack,
            source: label(file),
            // pending deletions (doc.skipped) are not part of the new state; the findings are worked out now, so
            // the estate holds findings only, never every export's resources
            ...findingsOf(verdict, doc.resources, config),
        });
    }
    return print(verdicts, previous, options);
}

/** `plan --report migration`: the planned stacks on the path; returns the exit status. */
export function printPlanMigration(
    plans: ReadonlyArray<{
        stack: string;
        violations: Verdict["violations"];
        remediated: Verdict["remediated"];
        notJudged: Verdict["notJudged"];
        resources: ReadonlyArray<{ urn: string; type: string; inputs: unknown }>;
        error?: string;
    }>,
    options: MigrationOptions,
    config?: PackConfig,
): number {
    let previous: MigrationPosition[] | undefined;
    try {
        previous = options.since ? readPreviousReport(options.since) : undefined;
    } catch (err) {
        if (err instanceof InputError) {
            io().err(`immutable plan: ${err.message}\n`);
            return 2;
        }
        throw err;
    }
    const verdicts = plans.map((p): StackVerdict => ({
        stack: p.stack,
        source: "plan",
        ...findingsOf(p, p.resources as PreviewResource[], config),
        // A stack that fails to synthesize was not judged at all: it blocks the first step (fail closed).
        ...(p.error === undefined ? {} : { notJudged: [{ urn: "", reason: `failed to synthesize: ${p.error}` }] }),
    }));
    const status = print(verdicts, previous, options);
    return status === 0 && plans.some((p) => p.error !== undefined) ? 1 : status;
}

/** Places each stack on the path, prints the report and returns 1 when any violation is mandatory. */
function print(verdicts: StackVerdict[], previous: MigrationPosition[] | undefined, options: MigrationOptions): number {
    const out = io();
    const report = migrationReport(verdicts, previous, options.since);
    out.out(
        options.format === "json" ? `${JSON.stringify(report, null, 2)}\n` : renderMigration(report, out.stdoutIsTTY),
    );
    return verdicts.some((v) => hasMandatory(v.violations)) ? 1 : 0;
}

/** The report over `verdicts` (and the change since `previous`, read from `sinceFile`). */
export function migrationReport(
    verdicts: readonly StackVerdict[],
    previous?: readonly MigrationPosition[],
    sinceFile?: string,
): MigrationReport {
    const stacks = verdicts.map((v): StackReport => ({
        ...stackMigration(
            { stack: v.stack, violations: v.violations, notJudged: v.notJudged, remediable: v.remediable },
            CATALOG,
        ),
        source: v.source,
    }));
    return {
        report: "migration",
        version: MIGRATION_REPORT_VERSION,
        stages: MIGRATION_STAGES,
        stacks,
        estate: estateSummary(stacks),
        ...(previous ? { since: { file: sinceFile ?? "", ...diffMigration(previous, stacks) } } : {}),
    };
}

/**
 * A stack's open findings: its violations, and the resources rules at the "remediate" level fixed before judging
 * them (open until the next `pulumi up` applies the fix; never counted as clean), each marked remediable.
 */
function findingsOf(
    verdict: Pick<Verdict, "violations" | "remediated" | "notJudged">,
    resources: readonly PreviewResource[],
    config: PackConfig | undefined,
): Pick<StackVerdict, "violations" | "notJudged" | "remediable"> {
    const remediates = new Map(CATALOG.map((r) => [r.name, r.remediates]));
    const remediable = remediableViolations(verdict.violations, resources, config);
    const fixedAtDeploy = verdict.remediated.map((r) => {
        remediable.add(findingKey(r.policy, r.urn));
        const sets = remediates.get(r.policy);
        return {
            policy: r.policy,
            urn: r.urn,
            enforcementLevel: "remediate",
            message: `fixed at deploy by the level "remediate"${sets ? `: ${sets}` : ""}`,
        };
    });
    return { violations: [...verdict.violations, ...fixedAtDeploy], notJudged: verdict.notJudged, remediable };
}

/**
 * The violations a remediation fixes, as {@link findingKey}s: each remediation run offline on the violating
 * resources' inputs, with the rule's config from the pack config (policy/remediations/preview.ts).
 */
export function remediableViolations(
    violations: Verdict["violations"],
    resources: readonly PreviewResource[],
    config?: PackConfig,
): Set<string> {
    if (violations.length === 0) {
        return new Set();
    }
    const settings = ruleSettings(config);
    const violated = new Set(violations.map((x) => findingKey(x.policy, x.urn)));
    const wanted = new Set(violations.map((x) => x.urn));
    return new Set(
        plannedRemediations(
            resources.filter((r) => wanted.has(r.urn)),
            (rule) => settings.get(rule)?.properties ?? {},
        )
            .filter((p) => p.sets !== undefined)
            .map((p) => findingKey(p.policy, p.urn))
            .filter((k) => violated.has(k)),
    );
}

/** Files and directories (every `*.json` directly inside, in name order) to the list of files; `-` is stdin. */
export function expandInputs(inputs: readonly string[]): string[] {
    const files: string[] = [];
    for (const input of inputs) {
        if (input === "-") {
            files.push(input);
            continue;
        }
        let stat: fs.Stats;
        try {
            stat = fs.statSync(input);
        } catch (err: any) {
            throw new InputError(
                `${input}: cannot read: ${err?.code === "ENOENT" ? "no such file or directory" : err?.message}`,
            );
        }
        if (!stat.isDirectory()) {
            files.push(input);
            continue;
        }
        const found = fs
            .readdirSync(input, { withFileTypes: true })
            .filter((e) => e.isFile() && e.name.endsWith(".json"))
            .map((e) => path.join(input, e.name))
            .sort();
        if (found.length === 0) {
            throw new InputError(`${input}: no *.json stack exports in this directory`);
        }
        files.push(...found);
    }
    if (files.filter((f) => f === "-").length > 1) {
        throw new InputError("standard input (-) can be given once");
    }
    const unique = new Set(files.map((f) => (f === "-" ? f : path.resolve(f))));
    if (unique.size !== files.length) {
        throw new InputError("the same file is given twice");
    }
    return files;
}

function label(file: string): string {
    return file === "-" ? "<stdin>" : file;
}

/** `project/stack` from the first URN (`urn:pulumi:<stack>::<project>::...`); the file's name without a URN. */
export function stackName(urn: string | undefined, stack: string | undefined, file: string): string {
    const m = urn ? /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn) : null;
    if (m) {
        return `${m[2]}/${m[1]}`;
    }
    return stack ?? (file === "-" ? "<stdin>" : path.basename(file).replace(/\.json$/, ""));
}

/** Reads an earlier JSON migration report (`--since`): each stack's name, step and whether it had cut over. */
export function readPreviousReport(file: string): MigrationPosition[] {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err: any) {
        throw new InputError(`${file}: cannot read: ${err?.code === "ENOENT" ? "no such file" : err?.message}`);
    }
    let doc: any;
    try {
        doc = JSON.parse(text);
    } catch (err: any) {
        throw new InputError(`${file}: ${describeJsonError(text, err)}`);
    }
    const bad = (what: string, where: string): never => {
        throw new InputError(`${file}: not a migration report (--report migration --format json): ${what} at ${where}`);
    };
    if (typeof doc !== "object" || doc === null || Array.isArray(doc) || doc.report !== "migration") {
        bad('expected {"report": "migration", ...}', "report");
    }
    if (!Array.isArray(doc.stacks)) {
        bad("expected an array", "stacks");
    }
    return doc.stacks.map((s: any, i: number): MigrationPosition => {
        const at = `stacks[${i}]`;
        if (typeof s?.stack !== "string" || s.stack === "") bad("expected a stack name", `${at}.stack`);
        if (!MIGRATION_STAGES.includes(s.stage)) {
            bad(`unknown stage ${JSON.stringify(s.stage)} (stages: ${MIGRATION_STAGES.join(", ")})`, `${at}.stage`);
        }
        if (typeof s.cutOver !== "boolean") bad("expected true or false", `${at}.cutOver`);
        return { stack: s.stack, stage: s.stage, cutOver: s.cutOver };
    });
}

/** Where a stack stands, in words: "3 golden images", "cut over". */
export function positionText(p: { stage: MigrationStage; step?: number; cutOver: boolean }): string {
    return p.cutOver ? "cut over" : `${rank(p)} ${stageTitle(p.stage)}`;
}

/** The report as people read it: the stacks, the estate, the change since the earlier report. */
export function renderMigration(report: MigrationReport, colour: boolean): string {
    const p = paint(colour);
    const width = tableWidth(colour);
    const natural = (texts: string[], header: string, cap: number) =>
        Math.min(cap, texts.reduce((max, t) => Math.max(max, t.length), header.length) + 2);
    const stackWidth = natural(
        report.stacks.map((s) => s.stack),
        "Stack",
        32,
    );
    const rest = Math.max(40, width - 6 - stackWidth - 28 - 7);
    const t = table(["Stack", "Step reached", "Open", "Blocking the next step", "Next action"], colour, [
        stackWidth,
        28,
        7,
        Math.floor(rest * 0.4),
        rest - Math.floor(rest * 0.4),
    ]);
    for (const s of report.stacks) {
        const total = MIGRATION_STAGES.reduce((n, stage) => n + s.open[stage], 0);
        t.push([
            s.stack,
            s.cutOver ? p.green("cut over") : `${s.step}/${MIGRATION_STAGES.length} ${stageTitle(s.stage)}`,
            String(total),
            blockerLines(s),
            s.nextAction,
        ]);
    }
    const lines = [p.bold(`Migration path of ${plural(report.stacks.length, "stack")}`), t.toString()];
    lines.push(renderEstate(report.estate, colour));
    if (report.since) {
        lines.push(renderSince(report.since, colour));
    }
    return `${lines.join("\n")}\n`;
}

function blockerLines(s: StackMigration): string {
    if (s.blockers.length === 0) {
        return "-";
    }
    const byRule = new Map<string, { n: number; auto: number; notJudged: boolean }>();
    for (const f of s.blockers) {
        const key = f.policy ?? "(not judged)";
        const e = byRule.get(key) ?? { n: 0, auto: 0, notJudged: false };
        e.n++;
        e.auto += f.remediable ? 1 : 0;
        e.notJudged ||= f.kind === "not-judged";
        byRule.set(key, e);
    }
    return [...byRule]
        .map(
            ([rule, e]) =>
                `${rule} x${e.n}${e.notJudged ? " (not judged)" : ""}${e.auto > 0 ? ` (${e.auto === e.n ? "" : `${e.auto} `}auto-fixed)` : ""}`,
        )
        .join("\n");
}

/** The estate summary: stacks per step, cut over, open and remediable findings, the most common blockers. */
export function renderEstate(estate: EstateSummary, colour: boolean): string {
    const p = paint(colour);
    const t = table(["Step", "Stacks", "Which"], colour);
    const names = (list: string[]) =>
        list.length <= 6 ? list.join(", ") : `${list.slice(0, 6).join(", ")} +${list.length - 6}`;
    for (const s of estate.steps) {
        t.push([`${s.step} ${stageTitle(s.stage)}`, String(s.stacks.length), names(s.stacks) || "-"]);
    }
    const done = estate.cutOver;
    t.push([p.green("done: cut over"), String(done), names(estate.cutOverStacks) || "-"]);
    const top = estate.blockers
        .slice(0, 3)
        .map((b) => `${b.policy ?? "(not judged)"} (${plural(b.stacks, "stack")})`)
        .join(", ");
    return [
        p.bold(`Estate: ${plural(estate.stacks, "stack")}, ${done} cut over, ${estate.stacks - done} migrating`),
        t.toString(),
        `${plural(estate.findings, "open finding")}` +
            (estate.remediable > 0
                ? `, ${estate.remediable} fixed by level "remediate" (policy/config/remediate.json)`
                : "") +
            (top ? `. Blocking the most stacks: ${top}.` : "."),
    ].join("\n");
}

function renderSince(since: MigrationDiff & { file: string }, colour: boolean): string {
    const p = paint(colour);
    const move = (c: MigrationDiff["forward"][number]) =>
        `${c.stack}: ${positionText(c.from)} -> ${positionText(c.to)}`;
    const lines = [
        p.bold(`Since ${since.file}: `) +
            `${since.forward.length} forward, ${since.back.length} back, ${since.unchanged.length} unchanged, ` +
            `${since.added.length} new, ${since.removed.length} gone`,
    ];
    for (const c of since.forward) lines.push(`  ${p.green("forward")} ${move(c)}`);
    for (const c of since.back) lines.push(`  ${p.red("back")}    ${move(c)}`);
    if (since.added.length > 0) lines.push(`  new     ${since.added.join(", ")}`);
    if (since.removed.length > 0) lines.push(`  gone    ${since.removed.join(", ")}`);
    return lines.join("\n");
}
