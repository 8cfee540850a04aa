/**
 * Output people read: tables (cli-table3) and colour, only on a terminal. Violations are grouped by resource,
 * one line per violation with the rule, the level, the message and the fix.
 */
import type Table from "cli-table3";
import type { RuleInfo, Verdict, Violation } from "./policyEngine";

/** ANSI colour, or plain text when `enabled` is false. */
export interface Paint {
    red(text: string): string;
    yellow(text: string): string;
    green(text: string): string;
    dim(text: string): string;
    bold(text: string): string;
}

/** A painter: colour on a terminal, plain text elsewhere. */
export function paint(enabled: boolean): Paint {
    const wrap = (open: number, close: number) => (text: string) =>
        enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
    return { red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** A cli-table3 table with no colour of its own (we colour cells ourselves, only on a terminal). */
export function table(head: string[], colour: boolean, colWidths?: Array<number | null>): Table.Table {
    // Loaded when a table is drawn: JSON and SARIF output never load it.
    const Table = require("cli-table3") as typeof import("cli-table3");
    return new Table({
        head: colour ? head.map((h) => `\u001b[1m${h}\u001b[22m`) : head,
        style: { head: [], border: [] },
        wordWrap: colWidths !== undefined,
        ...(colWidths ? { colWidths } : {}),
    });
}

/** `type::name` from a URN (the readable part). */
export function shortUrn(urn: string | undefined): string {
    if (!urn) {
        return "(stack)";
    }
    const parts = urn.split("::");
    if (parts.length < 4) {
        return urn;
    }
    const type = parts[2].split("$").pop()!;
    return `${type}::${parts.slice(3).join("::")}`;
}

/** The level, coloured: mandatory red, advisory yellow. */
export function level(levelName: string, p: Paint): string {
    return levelName === "mandatory" ? p.red(levelName) : p.yellow(levelName);
}

/**
 * Violations grouped by resource (stack-level violations first), one row per violation:
 * resource, rule, level, message, fix.
 */
export function violationTable(violations: Violation[], rules: RuleInfo[], colour: boolean, width?: number): string {
    const fixes = new Map(rules.map((r) => [r.name, r.fix ?? ""]));
    const groups = new Map<string, Violation[]>();
    for (const v of violations) {
        const key = v.urn ?? "";
        const list = groups.get(key);
        if (list) list.push(v);
        else groups.set(key, [v]);
    }
    const p = paint(colour);
    const keys = [...groups.keys()].sort((a, b) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b)));
    const natural = (texts: string[], header: string, cap: number) =>
        Math.min(cap, texts.reduce((max, t) => Math.max(max, t.length), header.length) + 2);
    const widths =
        width && width > 80
            ? columnWidths(
                  width,
                  natural(
                      keys.map((k) => shortUrn(k || undefined)),
                      "Resource",
                      52,
                  ),
                  natural(
                      violations.map((v) => v.policy),
                      "Rule",
                      36,
                  ),
              )
            : undefined;
    // cli-table3 slows down more than linearly with the rows of one table: long reports are rendered as
    // consecutive tables of TABLE_CHUNK resources (fixed column widths keep them aligned; one header).
    const parts: string[] = [];
    for (let start = 0; start < keys.length; start += TABLE_CHUNK) {
        const t = table(start === 0 ? ["Resource", "Rule", "Level", "Message", "Fix"] : [], colour, widths);
        for (const key of keys.slice(start, start + TABLE_CHUNK)) {
            const list = groups.get(key)!.sort((a, b) => a.policy.localeCompare(b.policy));
            list.forEach((v, i) => {
                const row: Table.Cell[] = [
                    v.policy,
                    level(v.enforcementLevel, p),
                    oneLine(v.message),
                    oneLine(fixes.get(v.policy) ?? ""),
                ];
                if (i === 0) {
                    row.unshift({ content: shortUrn(v.urn || undefined), rowSpan: list.length, vAlign: "top" });
                }
                t.push(row);
            });
        }
        parts.push(t.toString());
    }
    return parts.join("\n");
}

/**
 * One verdict for people: its violations, the resources a rule at the level "remediate" fixes at deploy (with
 * what the remediation sets), and what could not be judged.
 */
export function verdictTables(
    verdict: Pick<Verdict, "violations" | "remediated" | "notJudged">,
    rules: RuleInfo[],
    colour: boolean,
): string {
    const parts: string[] = [];
    if (verdict.violations.length > 0) {
        parts.push(violationTable(verdict.violations, rules, colour, tableWidth(colour)));
    }
    if (verdict.remediated.length > 0) {
        const sets = new Map(rules.map((r) => [r.name, r.remediates ?? ""]));
        const t = table(["Remediated at deploy", "Rule", "Sets"], colour);
        for (const r of verdict.remediated) {
            t.push([shortUrn(r.urn), r.policy, sets.get(r.policy) ?? ""]);
        }
        parts.push(t.toString());
    }
    if (verdict.notJudged.length > 0) {
        const t = table(["Not judged", "Reason"], colour);
        for (const n of verdict.notJudged) {
            t.push([shortUrn(n.urn), n.reason]);
        }
        parts.push(t.toString());
    }
    return parts.join("\n");
}

/** Resources per rendered table in long violation reports. */
const TABLE_CHUNK = 200;

/** The width tables wrap to: the terminal's, or 160 columns in logs and pipes. */
export function tableWidth(tty: boolean): number {
    return tty && process.stdout.columns ? process.stdout.columns : 160;
}

function columnWidths(width: number, resource: number, rule: number): number[] {
    const rest = Math.max(40, width - 6 - resource - rule - 11);
    return [resource, rule, 11, Math.floor(rest * 0.55), rest - Math.floor(rest * 0.55)];
}

/** Collapses whitespace so every violation stays on one logical line. */
export function oneLine(text: string): string {
    return text.replace(/\s+/g, " ").trim();
}

/** "2 mandatory, 1 advisory" or "none". */
export function countViolations(violations: Violation[], p: Paint = paint(false)): string {
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const advisory = violations.length - mandatory;
    if (violations.length === 0) {
        return p.green("none");
    }
    const parts: string[] = [];
    if (mandatory > 0) parts.push(p.red(`${mandatory} mandatory`));
    if (advisory > 0) parts.push(p.yellow(`${advisory} advisory`));
    return parts.join(", ");
}
