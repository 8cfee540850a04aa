/**
 * The migration path (docs/migration.md): where a stack stands among the five steps of policy/rule.ts
 * (`MigrationStage`), the findings that block its next step and a one-line next action; a summary over an estate
 * of stacks; the change since an earlier report. Pure: findings in, plain data out. Reading exports and printing
 * is bin/lib/migrationReport.ts.
 *
 * A stack has reached the first step that still has open findings; with nothing open it has cut over (the last
 * step, done). Every finding counts, advisory or mandatory: the level says whether a deploy is blocked, not
 * whether the step is finished. Fail closed: a resource a rule could not judge is an open finding of that rule's
 * step, and a finding no rule of the catalogue claims (an unknown rule, a resource no rule could read) blocks the
 * first step, so a stack never looks further along than its findings prove.
 */
import { CATALOG } from "./catalog";
import { MIGRATION_STAGES, MigrationStage } from "./rule";

/** What the migration path needs to know of a rule. */
export interface RuleStage {
    name: string;
    stage: MigrationStage;
    fix: string;
    /** Set when the rule has a remediation (the level "remediate" fixes it during `pulumi up`). */
    remediates?: string;
}

/** One stack's findings, as `audit` and `plan` report them. */
export interface StackFindings {
    /** The stack's name in the report (`project/stack` for an export). */
    stack: string;
    violations: ReadonlyArray<{ policy: string; urn?: string; enforcementLevel: string; message: string }>;
    /** Resources (or the stack) a rule could not judge; the reason names the rules (`rule-a, rule-b: why`). */
    notJudged: ReadonlyArray<{ urn: string; reason: string }>;
    /** Violations a remediation fixes at the "remediate" level, as {@link findingKey}s. */
    remediable?: ReadonlySet<string>;
}

/** One open finding, placed on the path. */
export interface Finding {
    stage: MigrationStage;
    /** The rule (absent when no rule of the catalogue claims the finding). */
    policy?: string;
    urn?: string;
    kind: "violation" | "not-judged";
    /** The violation's level (violations only). */
    enforcementLevel?: string;
    message: string;
    /** True when the level "remediate" fixes it during `pulumi up` (policy/config/remediate.json). */
    remediable: boolean;
}

/** Where one stack stands. */
export interface StackMigration {
    stack: string;
    /** The step reached: the first with open findings; the last one when nothing is open. */
    stage: MigrationStage;
    /** The step's number, 1 to 5. */
    step: number;
    /** True when nothing is open: the stack has cut over. */
    cutOver: boolean;
    /** Open findings per step (every step listed, in order). */
    open: Record<MigrationStage, number>;
    /** The open findings of the step reached: what blocks the next step. */
    blockers: Finding[];
    /** Open findings (of any step) that the level "remediate" fixes during `pulumi up`. */
    remediable: number;
    /** What to do next, one line. */
    nextAction: string;
}

/** A summary of an estate of stacks. */
export interface EstateSummary {
    stacks: number;
    /** Stacks with nothing open. */
    cutOver: number;
    /** Their names. */
    cutOverStacks: string[];
    /** Per step, in order: the stacks working on it (cut-over stacks are not listed under the last step). */
    steps: Array<{ stage: MigrationStage; step: number; stacks: string[] }>;
    /** Open findings over the estate, and how many of them the level "remediate" fixes. */
    findings: number;
    remediable: number;
    /** The rules that block the most stacks (findings of the step each stack reached), most first. */
    blockers: Array<{ policy?: string; stage: MigrationStage; stacks: number; findings: number }>;
}

/** Where a stack stood in a report: enough to compare two reports. */
export interface MigrationPosition {
    stack: string;
    stage: MigrationStage;
    cutOver: boolean;
}

/** A stack whose position changed. */
export interface StackChange {
    stack: string;
    from: MigrationPosition;
    to: MigrationPosition;
}

/** The change between an earlier report and now. */
export interface MigrationDiff {
    /** Stacks further along (a later step, or cut over). */
    forward: StackChange[];
    /** Stacks that moved back (an earlier step, or open findings after having cut over). */
    back: StackChange[];
    unchanged: string[];
    /** Stacks in this report only. */
    added: string[];
    /** Stacks in the earlier report only. */
    removed: string[];
}

/** The key of a violation in {@link StackFindings.remediable}. */
export function findingKey(policy: string, urn: string | undefined): string {
    return `${policy}\u0000${urn ?? ""}`;
}

/** The step's number, 1 to 5. */
export function stepOf(stage: MigrationStage): number {
    const i = MIGRATION_STAGES.indexOf(stage);
    if (i < 0) {
        throw new Error(`unknown migration stage "${stage}" (stages: ${MIGRATION_STAGES.join(", ")})`);
    }
    return i + 1;
}

/** The step in words: "golden images". */
export function stageTitle(stage: MigrationStage): string {
    return stage.replace(/-/g, " ");
}

/** A position as a number that grows along the path: the step (1-5), 6 once cut over. */
export function rank(position: { stage: MigrationStage; cutOver: boolean }): number {
    return position.cutOver ? MIGRATION_STAGES.length + 1 : stepOf(position.stage);
}

const FIRST = MIGRATION_STAGES[0];
const LAST = MIGRATION_STAGES[MIGRATION_STAGES.length - 1];

/** The findings of a stack, each placed on the path (a not-judged resource once per rule its reason names). */
export function findingsOf(stack: StackFindings, rules: readonly RuleStage[] = CATALOG): Finding[] {
    const byName = new Map(rules.map((r) => [r.name, r]));
    const out: Finding[] = [];
    for (const v of stack.violations) {
        const rule = byName.get(v.policy);
        out.push({
            stage: rule?.stage ?? FIRST,
            policy: v.policy,
            urn: v.urn,
            kind: "violation",
            enforcementLevel: v.enforcementLevel,
            message: rule ? v.message : `${v.message} (rule "${v.policy}" is not in the catalogue)`,
            remediable: rule?.remediates !== undefined && (stack.remediable?.has(findingKey(v.policy, v.urn)) ?? false),
        });
    }
    for (const n of stack.notJudged) {
        const named = rules.filter((r) => new RegExp(`(^|[^a-z0-9-])${r.name}([^a-z0-9-]|$)`).test(n.reason));
        if (named.length === 0) {
            out.push({ stage: FIRST, urn: n.urn, kind: "not-judged", message: n.reason, remediable: false });
        }
        for (const rule of named) {
            out.push({
                stage: rule.stage,
                policy: rule.name,
                urn: n.urn,
                kind: "not-judged",
                message: n.reason,
                remediable: false,
            });
        }
    }
    return out;
}

/** Where one stack stands, what blocks its next step and what to do next. */
export function stackMigration(stack: StackFindings, rules: readonly RuleStage[] = CATALOG): StackMigration {
    const findings = findingsOf(stack, rules);
    const open = Object.fromEntries(MIGRATION_STAGES.map((s) => [s, 0])) as Record<MigrationStage, number>;
    for (const f of findings) {
        open[f.stage]++;
    }
    const stage = MIGRATION_STAGES.find((s) => open[s] > 0) ?? LAST;
    const cutOver = findings.length === 0;
    const blockers = findings.filter((f) => f.stage === stage);
    return {
        stack: stack.stack,
        stage,
        step: stepOf(stage),
        cutOver,
        open,
        blockers,
        remediable: findings.filter((f) => f.remediable).length,
        nextAction: nextAction(blockers, rules),
    };
}

/** A group of blockers: one rule's violations, or one rule's not-judged resources. */
interface BlockerGroup {
    policy?: string;
    kind: Finding["kind"];
    findings: Finding[];
}

/**
 * The next action for a step's blockers: the rule with the most findings that a person must fix (violations
 * before resources that could not be judged, then catalogue order), with its fix; when the level "remediate"
 * fixes every blocker, that.
 */
export function nextAction(blockers: readonly Finding[], rules: readonly RuleStage[] = CATALOG): string {
    if (blockers.length === 0) {
        return "Nothing open: deploy with policy/config/mandatory.json; replace, never patch.";
    }
    const order = new Map(rules.map((r, i) => [r.name, i]));
    const manual = groups(blockers.filter((f) => !f.remediable)).sort(
        (a, b) =>
            Number(a.kind === "not-judged") - Number(b.kind === "not-judged") ||
            b.findings.length - a.findings.length ||
            (order.get(a.policy ?? "") ?? -1) - (order.get(b.policy ?? "") ?? -1),
    );
    const automatic = blockers.filter((f) => f.remediable);
    const autoRules = [...new Set(automatic.map((f) => f.policy!))];
    const fixed = `${plural(automatic.length, "finding")} of ${autoRules.join(", ")}`;
    if (manual.length === 0) {
        return `Deploy with level "remediate" (policy/config/remediate.json): pulumi up fixes ${fixed}.`;
    }
    const top = manual[0];
    const fix = rules.find((r) => r.name === top.policy)?.fix;
    const what =
        top.kind === "not-judged"
            ? `Make ${plural(top.findings.length, "resource")} judgeable${top.policy ? ` by ${top.policy}` : ""}: ${top.findings[0].message}`
            : `${top.policy} on ${plural(new Set(top.findings.map((f) => f.urn)).size, "resource")}: ${fix ?? top.findings[0].message}`;
    const rest = manual.length > 1 ? ` Then ${plural(manual.length - 1, "more rule")} of this step.` : "";
    const auto = automatic.length > 0 ? ` Level "remediate" fixes ${fixed}.` : "";
    return `${oneLine(what)}${rest}${auto}`;
}

function groups(findings: readonly Finding[]): BlockerGroup[] {
    const out = new Map<string, BlockerGroup>();
    for (const f of findings) {
        const key = `${f.kind} ${f.policy ?? ""}`;
        const g = out.get(key) ?? { policy: f.policy, kind: f.kind, findings: [] };
        g.findings.push(f);
        out.set(key, g);
    }
    return [...out.values()];
}

/** "1 stack", "3 stacks". */
export function plural(n: number, noun: string): string {
    return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function oneLine(text: string): string {
    return text.replace(/\s+/g, " ").trim();
}

/** A summary over many stacks: how many are at each step, how many have cut over, what blocks the most. */
export function estateSummary(stacks: readonly StackMigration[]): EstateSummary {
    const blockers = new Map<string, EstateSummary["blockers"][number]>();
    let findings = 0;
    let remediable = 0;
    for (const s of stacks) {
        for (const stage of MIGRATION_STAGES) {
            findings += s.open[stage];
        }
        const seen = new Set<string>();
        for (const f of s.blockers) {
            const key = f.policy ?? "";
            const b = blockers.get(key) ?? { policy: f.policy, stage: f.stage, stacks: 0, findings: 0 };
            b.findings++;
            if (!seen.has(key)) {
                b.stacks++;
                seen.add(key);
            }
            blockers.set(key, b);
        }
        remediable += s.remediable;
    }
    return {
        stacks: stacks.length,
        cutOver: stacks.filter((s) => s.cutOver).length,
        cutOverStacks: stacks.filter((s) => s.cutOver).map((s) => s.stack),
        steps: MIGRATION_STAGES.map((stage) => ({
            stage,
            step: stepOf(stage),
            stacks: stacks.filter((s) => !s.cutOver && s.stage === stage).map((s) => s.stack),
        })),
        findings,
        remediable,
        blockers: [...blockers.values()].sort(
            (a, b) => b.stacks - a.stacks || b.findings - a.findings || stepOf(a.stage) - stepOf(b.stage),
        ),
    };
}

/** The change from an earlier report to now, stack by stack (by name). */
export function diffMigration(
    before: readonly MigrationPosition[],
    after: readonly MigrationPosition[],
): MigrationDiff {
    const earlier = new Map(before.map((p) => [p.stack, p]));
    const now = new Set(after.map((p) => p.stack));
    const diff: MigrationDiff = { forward: [], back: [], unchanged: [], added: [], removed: [] };
    for (const p of after) {
        const was = earlier.get(p.stack);
        if (!was) {
            diff.added.push(p.stack);
            continue;
        }
        const change = { stack: p.stack, from: position(was), to: position(p) };
        const delta = rank(p) - rank(was);
        if (delta > 0) diff.forward.push(change);
        else if (delta < 0) diff.back.push(change);
        else diff.unchanged.push(p.stack);
    }
    diff.removed = before.filter((p) => !now.has(p.stack)).map((p) => p.stack);
    return diff;
}

function position(p: MigrationPosition): MigrationPosition {
    return { stack: p.stack, stage: p.stage, cutOver: p.cutOver };
}
