/**
 * `immutable plan`: what every shipped stack would deploy, offline. Runs the real stack program
 * (stacks/program.ts) under Pulumi's mocks with `stacks/Pulumi.<stack>.yaml` (plus `--config` overrides; a
 * StackReference to the build stack resolves from the build stack's own plan) and reports per stack the
 * resources by component, the image digest per cloud, the slots' traffic and the policy pack's verdicts.
 * Exit status: 0 without a mandatory violation, 1 with one (or a stack that fails to synthesize), 2 for bad usage.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { InputError } from "../../components/core/validation";
import { countViolations, paint, shortUrn, table, tableWidth, violationTable } from "../lib/format";
import { io } from "../lib/io";
import { readPackConfig } from "../lib/packConfig";
import {
    digestsByCloud,
    groupByComponent,
    plainProperties,
    trafficOf,
    type ComponentGroup,
    type DigestsByCloud,
    type TrafficEntry,
} from "../lib/planReport";
import { hasMandatory, policyEngine, type PackConfig, type RuleInfo, type Verdict } from "../lib/policyEngine";
import { Progress } from "../lib/progress";
import type { Synthesis } from "../lib/synthesize";

/** The output formats of `plan`. */
export const PLAN_FORMATS = ["table", "json"] as const;

/** Options of one plan. */
export interface PlanOptions {
    stack?: string[];
    config?: Record<string, string>;
    format: (typeof PLAN_FORMATS)[number];
    preview?: boolean;
    policyPackConfig?: string;
}

/** The plan of one stack: the documented JSON shape (`plan --format json` prints `{stacks: StackPlan[]}`). */
export interface StackPlan {
    stack: string;
    /** `build` or `environment` (the stack's `immutable:kind`). */
    kind: string;
    /** Every registration, in order: URN, type, parent URN, inputs (secrets shown as "[secret]"). */
    resources: Array<{ urn: string; type: string; parent?: string; inputs: unknown }>;
    violations: Verdict["violations"];
    /** Resources the pack could not judge, with the reason. */
    notJudged: Verdict["notJudged"];
    /** Custom resources per owning component. */
    components: ComponentGroup[];
    /** The image digest(s) each cloud runs (or, for the build stack, publishes). */
    digests: DigestsByCloud;
    /** Traffic per slot of every service. */
    traffic: TrafficEntry[];
    /** The stack's outputs (secrets shown as "[secret]"). */
    outputs: unknown;
    /** Set when the stack failed to synthesize (then the other fields are empty). */
    error?: string;
}

/** The stacks dependencies: synthesis (bin/lib/stacks.ts), loaded lazily so `--help` stays fast. */
function stacksLib(): typeof import("../lib/stacks") {
    return require("../lib/stacks");
}

/** Plans one stack. */
export async function planStack(
    name: string,
    options: {
        config?: Record<string, string>;
        preview?: boolean;
        packConfig?: PackConfig;
        cache?: Map<string, Synthesis>;
    },
): Promise<StackPlan> {
    const kind = stacksLib().loadStackConfig(name, options.config ?? {}).config["immutable:kind"] ?? "environment";
    let synthesis: Synthesis;
    try {
        synthesis = await stacksLib().synthesizeStack(name, {
            config: options.config,
            preview: options.preview,
            cache: options.cache,
        });
    } catch (err: any) {
        return {
            stack: name,
            kind,
            resources: [],
            violations: [],
            notJudged: [],
            components: [],
            digests: {},
            traffic: [],
            outputs: {},
            error: String(err?.message ?? err).split("\n")[0],
        };
    }
    const verdict = await policyEngine().evaluate(synthesis.resources, {
        config: options.packConfig,
        preview: options.preview,
    });
    return {
        stack: name,
        kind,
        resources: synthesis.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            parent: r.parent,
            inputs: plainProperties(r.inputs),
        })),
        violations: verdict.violations,
        notJudged: verdict.notJudged,
        components: groupByComponent(synthesis.resources),
        digests: digestsByCloud(synthesis.resources, synthesis.outputs),
        traffic: trafficOf(synthesis.resources),
        outputs: plainProperties(synthesis.outputs),
    };
}

/** Plans the selected stacks (all shipped stacks by default) and prints them; returns the exit status. */
export async function runPlan(options: PlanOptions): Promise<number> {
    const out = io();
    const shipped = stacksLib().listShippedStacks();
    const selected = options.stack && options.stack.length > 0 ? [...new Set(options.stack)] : shipped;
    const unknown = selected.filter((s) => !shipped.includes(s));
    if (unknown.length > 0) {
        out.err(
            `immutable plan: unknown stack ${unknown.map((s) => `"${s}"`).join(", ")} (shipped stacks: ${shipped.join(", ")})\n`,
        );
        return 2;
    }
    let packConfig: PackConfig | undefined;
    try {
        packConfig = options.policyPackConfig ? readPackConfig(options.policyPackConfig) : undefined;
    } catch (err) {
        if (err instanceof InputError) {
            out.err(`immutable plan: ${err.message}\n`);
            return 2;
        }
        throw err;
    }
    const progress = new Progress(selected.length);
    const cache = new Map<string, Synthesis>();
    const plans: StackPlan[] = [];
    try {
        for (let i = 0; i < selected.length; i++) {
            progress.step(i, `planning ${selected[i]}`);
            plans.push(
                await planStack(selected[i], { config: options.config, preview: options.preview, packConfig, cache }),
            );
        }
    } finally {
        progress.done();
    }
    if (options.format === "json") {
        out.out(`${JSON.stringify({ stacks: plans }, null, 2)}\n`);
    } else if (options.stack && options.stack.length > 0) {
        out.out(plans.map((p) => stackDetail(p, policyEngine().rules(), out.stdoutIsTTY)).join("\n"));
    } else {
        out.out(renderSummary(plans, out.stdoutIsTTY));
    }
    const failed = plans.some((p) => p.error !== undefined || hasMandatory(p.violations));
    return failed ? 1 : 0;
}

function shortDigest(digest: string): string {
    return digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, "$1");
}

function digestLines(digests: DigestsByCloud): string {
    const lines = Object.entries(digests).map(([cloud, list]) => `${cloud} ${list.map(shortDigest).join(", ")}`);
    return lines.length > 0 ? lines.join("\n") : "-";
}

function trafficLines(traffic: TrafficEntry[]): string {
    const byCloud = new Map<string, string[]>();
    for (const t of traffic) {
        byCloud.set(t.cloud, [...(byCloud.get(t.cloud) ?? []), `${t.slot} ${t.weight}%${t.live ? " (live)" : ""}`]);
    }
    const lines = [...byCloud.entries()].map(([cloud, list]) => `${cloud} ${list.join(" / ")}`);
    return lines.length > 0 ? lines.join("\n") : "-";
}

/** The summary of several stacks: one row per stack, then the violations of the stacks that have any. */
export function renderSummary(plans: StackPlan[], colour: boolean): string {
    const p = paint(colour);
    const t = table(["Stack", "Kind", "Resources", "Image digest per cloud", "Traffic", "Violations"], colour);
    for (const plan of plans) {
        if (plan.error !== undefined) {
            t.push([plan.stack, plan.kind, { colSpan: 4, content: p.red(`error: ${plan.error}`) }]);
            continue;
        }
        const custom = plan.components.reduce((n, c) => n + c.resources, 0);
        t.push([
            plan.stack,
            plan.kind,
            String(custom),
            digestLines(plan.digests),
            trafficLines(plan.traffic),
            countViolations(plan.violations, p),
        ]);
    }
    const total = plans.reduce((n, pl) => n + pl.violations.length, 0);
    const failed = plans.filter((pl) => pl.error !== undefined).length;
    const lines = [t.toString()];
    const detailed = plans.filter((pl) => pl.violations.length > 0 || pl.notJudged.length > 0);
    for (const plan of detailed) {
        lines.push(`\n${p.bold(plan.stack)}`);
        lines.push(stackVerdicts(plan, policyEngine().rules(), colour));
    }
    lines.push(
        `${plans.length} stacks planned offline, ${total === 0 ? p.green("0 violations") : `${total} violations`}` +
            `${failed > 0 ? p.red(`, ${failed} failed to synthesize`) : ""}. Details: immutable plan --stack <name>`,
    );
    return `${lines.join("\n")}\n`;
}

function stackVerdicts(plan: StackPlan, rules: RuleInfo[], colour: boolean): string {
    const lines: string[] = [];
    if (plan.violations.length > 0) {
        lines.push(violationTable(plan.violations, rules, colour, tableWidth(colour)));
    }
    if (plan.notJudged.length > 0) {
        const t = table(["Not judged", "Reason"], colour);
        for (const n of plan.notJudged) t.push([shortUrn(n.urn), n.reason]);
        lines.push(t.toString());
    }
    return lines.join("\n");
}

/** Everything about one stack. */
function stackDetail(plan: StackPlan, rules: RuleInfo[], colour: boolean): string {
    const p = paint(colour);
    const lines: string[] = [`${p.bold(`Stack ${plan.stack}`)} (${plan.kind})`];
    if (plan.error !== undefined) {
        lines.push(p.red(`error: ${plan.error}`));
        return `${lines.join("\n")}\n`;
    }
    const components = table(["Component", "Resources", "Types"], colour);
    for (const c of plan.components) {
        const types = Object.entries(c.types)
            .map(([type, n]) => `${type}${n > 1 ? ` x${n}` : ""}`)
            .join("\n");
        components.push([c.component, String(c.resources), types]);
    }
    lines.push(components.toString());
    const digests = table(["Cloud", "Image digest"], colour);
    for (const [cloud, list] of Object.entries(plan.digests)) digests.push([cloud, list.join("\n")]);
    lines.push(Object.keys(plan.digests).length > 0 ? digests.toString() : "No image digests.");
    if (plan.traffic.length > 0) {
        const traffic = table(["Cloud", "Service", "Slot", "Live", "Weight", "Release"], colour);
        for (const t of plan.traffic)
            traffic.push([
                t.cloud,
                t.resource,
                t.slot,
                t.live === undefined ? "" : t.live ? "yes" : "no",
                `${t.weight}%`,
                t.release ?? "",
            ]);
        lines.push(traffic.toString());
    }
    const verdicts = stackVerdicts(plan, rules, colour);
    if (verdicts) lines.push(verdicts);
    lines.push(`Violations: ${countViolations(plan.violations, p)}`);
    return `${lines.join("\n")}\n`;
}

/** Parses `--config KEY=VALUE` into the accumulated record. */
export function parseConfigPair(pair: string, previous: Record<string, string> = {}): Record<string, string> {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
        throw new InvalidArgumentError(`expected KEY=VALUE (for example immutable:live=green), got "${pair}"`);
    }
    return { ...previous, [pair.slice(0, eq).trim()]: pair.slice(eq + 1) };
}

function collect(value: string, previous: string[] = []): string[] {
    return [...previous, value];
}

/** Registers `plan` on the program. */
export function register(program: Command): void {
    program
        .command("plan")
        .description(
            "Plan shipped stacks offline: resources by component, image digest per cloud, slot traffic and the policy verdicts",
        )
        .option(
            "-s, --stack <name>",
            "a shipped stack (stacks/Pulumi.<name>.yaml); repeat for several; default: all, one summary row each",
            collect,
        )
        .option("-c, --config <key=value>", "config override, as `pulumi config set` (repeatable)", parseConfigPair)
        .addOption(new Option("--format <format>", "output format").choices([...PLAN_FORMATS]).default("table"))
        .option("--preview", "synthesize as a preview (unknown values allowed)", false)
        .option("--policy-pack-config <file>", "pack config JSON, as for `pulumi preview --policy-pack-config`")
        .addHelpText(
            "after",
            "\nExit status: 0 no mandatory violation, 1 a mandatory violation or a stack that fails, 2 bad usage.\n" +
                "Examples:\n  immutable plan\n  immutable plan --stack prod-aws --config immutable:live=green\n  immutable plan --format json",
        )
        .action(async (options: PlanOptions) => {
            process.exitCode = await runPlan(options);
        });
}
