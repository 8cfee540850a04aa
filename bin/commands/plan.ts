/**
 * `immutable plan`: what every stack of a Pulumi project would deploy, offline. Reads the project in the current
 * folder (or `--dir`): Pulumi.yaml and its stacks (`Pulumi.<stack>.yaml` under `stackConfigDir`); runs the
 * program under Pulumi's mocks with each stack's config (plus `--config` overrides), with plausible fake outputs
 * and data-source answers (bin/lib/mockState.ts) and StackReferences answered from `--stack-outputs` files or
 * from the referenced stack's own plan (bin/lib/plan/planner.ts); and reports per stack the resources by
 * component, the image digest per cloud, the slots' traffic, the policy pack's verdicts and what could not be
 * faked. This repository's shipped stacks are simply its own project (Pulumi.yaml at the root).
 * Exit status: 0 without a mandatory violation, 1 with one (or a stack that fails to synthesize), 2 for bad usage.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { InputError } from "../../components/core/validation";
import { countViolations, paint, table, verdictTables } from "../lib/format";
import { collect, migrationReportOptions } from "../lib/command";
import { io } from "../lib/io";
import { readPackConfig } from "../lib/packConfig";
import type { ComponentGroup, DigestsByCloud, TrafficEntry } from "../lib/planReport";
import { hasMandatory, policyEngine, type PackConfig, type RuleInfo, type Verdict } from "../lib/policyEngine";
import { Progress } from "../lib/progress";
import type { Gap, ReferencedOutputs } from "../lib/synthesize";
import type { PulumiProject } from "../lib/plan/project";
import type { Planner } from "../lib/plan/planner";
import type { ExtraFakes } from "../lib/mockState";

/** The output formats of `plan`. */
export const PLAN_FORMATS = ["table", "json"] as const;

/** Options of one plan. */
export interface PlanOptions {
    stack?: string[];
    config?: Record<string, string>;
    format: (typeof PLAN_FORMATS)[number];
    preview?: boolean;
    policyPackConfig?: string;
    /** "migration": each stack's step on the migration path, then the estate (bin/lib/migrationReport.ts). */
    report?: string;
    /** With --report migration: an earlier JSON migration report to compare with. */
    since?: string;
    /** The project folder (default: the nearest folder from the working directory up that holds a Pulumi.yaml). */
    dir?: string;
    /** `org/project/stack=FILE` pairs: the outputs a StackReference to that stack reads. */
    stackOutputs?: Record<string, string>;
    /** A JSON file of extra fakes: `{resources: {type: outputs}, calls: {token: result}}`. */
    fakes?: string;
}

/** The plan of one stack: the documented JSON shape (`plan --format json` prints `{stacks: StackPlan[]}`). */
export interface StackPlan {
    stack: string;
    /** The Pulumi project's name. */
    project: string;
    /** The stack's `<project>:kind` config (`build` / `environment` for the shipped stacks), else "stack". */
    kind: string;
    /** Every registration, in order: URN, type, parent URN, inputs (secrets shown as "[secret]"). */
    resources: Array<{ urn: string; type: string; parent?: string; inputs: unknown }>;
    violations: Verdict["violations"];
    /** Resources a rule at the level "remediate" fixes at deploy (not violations: the engine remediates them). */
    remediated: Verdict["remediated"];
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
    /** What could not be faked offline (functions without an answer, outputs without a value, config). */
    gaps: Gap[];
    /** The StackReferences the program read and where their outputs came from. */
    stackReferences: Array<{ name: string; source: string }>;
    /** Set when the stack failed to synthesize (then the other fields are empty). */
    error?: string;
    /** Where the program failed (`file:line:column`, relative to the project folder), when known. */
    where?: string;
}

/** Reading Pulumi projects (YAML only, no SDK). Loaded lazily: `--help` and `audit` load none of plan. */
function projectLib(): typeof import("../lib/plan/project") {
    return require("../lib/plan/project");
}

/** The planner (it loads @pulumi/pulumi). */
function plannerLib(): typeof import("../lib/plan/planner") {
    return require("../lib/plan/planner");
}

/** What plan reports about a synthesis (loaded with the planner). */
function reportLib(): typeof import("../lib/planReport") {
    return require("../lib/planReport");
}

/** Plans one stack of a project. */
export async function planStack(
    planner: Planner,
    project: PulumiProject,
    name: string,
    options: { config?: Record<string, string>; packConfig?: PackConfig } = {},
): Promise<StackPlan> {
    const overrides = options.config ?? {};
    const kind = projectLib().stackConfig(project, name, overrides).config[`${project.name}:kind`] ?? "stack";
    let synthesis: Awaited<ReturnType<Planner["synthesize"]>>;
    try {
        synthesis = await planner.synthesize(project, name, overrides);
    } catch (err: any) {
        return {
            stack: name,
            project: project.name,
            kind,
            resources: [],
            violations: [],
            remediated: [],
            notJudged: [],
            components: [],
            digests: {},
            traffic: [],
            outputs: {},
            gaps: Array.isArray(err?.gaps) ? err.gaps : [],
            stackReferences: [],
            // The SDK prefixes an error raised inside an Output by the path of properties it was serializing.
            error: String(err?.message ?? err)
                .split("\n")[0]
                .replace(/^(error serializing property "[^"]*": )+/, "")
                .replace(/^failed to read resource #\S+ '[^']*' \[pulumi:pulumi:StackReference\]: /, ""),
            ...(typeof err?.where === "string" ? { where: err.where } : {}),
        };
    }
    const verdict = await policyEngine().evaluate(synthesis.resources, {
        config: options.packConfig,
        preview: planner.options.preview,
    });
    return {
        stack: name,
        project: project.name,
        kind,
        resources: synthesis.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            parent: r.parent,
            inputs: reportLib().plainProperties(r.inputs),
        })),
        violations: verdict.violations,
        remediated: verdict.remediated,
        notJudged: verdict.notJudged,
        components: reportLib().groupByComponent(synthesis.resources),
        digests: reportLib().digestsByCloud(synthesis.resources, synthesis.outputs),
        traffic: reportLib().trafficOf(synthesis.resources),
        outputs: reportLib().plainProperties(maskSecretOutputs(synthesis.outputs, synthesis.secretOutputNames)),
        gaps: synthesis.gaps,
        stackReferences: synthesis.stackReferences,
    };
}

function maskSecretOutputs(outputs: Record<string, unknown>, secret: string[]): Record<string, unknown> {
    return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, secret.includes(k) ? "[secret]" : v]));
}

/** Reads `--stack-outputs` files (a JSON object of outputs each). */
export function readStackOutputs(pairs: Record<string, string>): Record<string, ReferencedOutputs> {
    const fs = require("node:fs") as typeof import("node:fs");
    const result: Record<string, ReferencedOutputs> = {};
    for (const [name, file] of Object.entries(pairs)) {
        let value: unknown;
        try {
            value = JSON.parse(fs.readFileSync(file, "utf8"));
        } catch (err: any) {
            throw new InputError(
                `--stack-outputs ${name}=${file}: ${err?.code === "ENOENT" ? "no such file" : `not JSON (${err?.message ?? err})`}`,
            );
        }
        if (!value || typeof value !== "object" || Array.isArray(value)) {
            throw new InputError(
                `--stack-outputs ${name}=${file}: expected a JSON object of outputs, got ${Array.isArray(value) ? "an array" : typeof value}`,
            );
        }
        result[name] = { outputs: value as Record<string, unknown>, source: `file ${file}` };
    }
    return result;
}

/** Reads a `--fakes` file: `{"resources": {"<type>": {outputs}}, "calls": {"<token>": {result}}}`. */
export function readFakes(file: string): ExtraFakes {
    const fs = require("node:fs") as typeof import("node:fs");
    let value: any;
    try {
        value = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err: any) {
        throw new InputError(
            `--fakes ${file}: ${err?.code === "ENOENT" ? "no such file" : `not JSON (${err?.message ?? err})`}`,
        );
    }
    const isMap = (v: unknown) =>
        v === undefined ||
        (v !== null &&
            typeof v === "object" &&
            !Array.isArray(v) &&
            Object.values(v).every((o) => o && typeof o === "object" && !Array.isArray(o)));
    if (
        !value ||
        typeof value !== "object" ||
        !isMap(value.resources) ||
        !isMap(value.calls) ||
        Object.keys(value).some((k) => k !== "resources" && k !== "calls")
    ) {
        throw new InputError(
            `--fakes ${file}: expected {"resources": {"<type>": {...outputs}}, "calls": {"<token>": {...result}}}`,
        );
    }
    return { resources: value.resources, calls: value.calls };
}

/** Plans the selected stacks (all stacks of the project by default) and prints them; returns the exit status. */
export async function runPlan(options: PlanOptions): Promise<number> {
    const out = io();
    const path = require("node:path") as typeof import("node:path");
    if (options.since && options.report !== "migration") {
        out.err("immutable plan: --since needs --report migration\n");
        return 2;
    }
    let project: PulumiProject;
    let selected: string[];
    let packConfig: PackConfig | undefined;
    let stackOutputs: Record<string, ReferencedOutputs>;
    let fakes: ExtraFakes | undefined;
    try {
        const lib = projectLib();
        const dir = options.dir ? path.resolve(options.dir) : lib.findProjectDir(process.cwd());
        if (!dir) {
            throw new InputError(
                `no Pulumi.yaml in ${process.cwd()} or above (run plan in a Pulumi project folder, or pass --dir DIR)`,
            );
        }
        project = lib.readProject(dir);
        if (project.runtime.name !== "nodejs") {
            throw new InputError(
                `${project.file}: runtime "${project.runtime.name}" cannot be planned offline (plan runs Node.js programs: TypeScript and JavaScript)`,
            );
        }
        const stacks = lib.listStacks(project);
        selected = options.stack && options.stack.length > 0 ? [...new Set(options.stack)] : stacks;
        if (selected.length === 0) {
            throw new InputError(
                `project ${project.name} has no stacks (no Pulumi.<stack>.yaml in ${project.stackConfigDir}); name one with --stack NAME`,
            );
        }
        const unknown = stacks.length > 0 ? selected.filter((s) => !stacks.includes(s)) : [];
        if (unknown.length > 0) {
            throw new InputError(
                `unknown stack ${unknown.map((s) => `"${s}"`).join(", ")} (stacks of ${project.name}: ${stacks.join(", ")})`,
            );
        }
        packConfig = options.policyPackConfig ? readPackConfig(options.policyPackConfig) : undefined;
        stackOutputs = readStackOutputs(options.stackOutputs ?? {});
        fakes = options.fakes ? readFakes(options.fakes) : undefined;
    } catch (err) {
        if (err instanceof InputError) {
            out.err(`immutable plan: ${err.message}\n`);
            return 2;
        }
        throw err;
    }
    prepareRuntime(project.dir);
    const planner = new (plannerLib().Planner)({ preview: options.preview, stackOutputs, fakes });
    const progress = new Progress(selected.length);
    const plans: StackPlan[] = [];
    try {
        for (let i = 0; i < selected.length; i++) {
            progress.step(i, `planning ${selected[i]}`);
            plans.push(await planStack(planner, project, selected[i], { config: options.config, packConfig }));
        }
    } catch (err) {
        if (err instanceof InputError) {
            progress.done();
            out.err(`immutable plan: ${err.message}\n`);
            return 2;
        }
        throw err;
    } finally {
        progress.done();
    }
    if (options.report === "migration") {
        const migration = require("../lib/migrationReport") as typeof import("../lib/migrationReport");
        return migration.printPlanMigration(plans, options, packConfig);
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

/**
 * Before the SDK loads: Node's on-disk compile cache for the SDKs and the program (Node 22.1+; a no-op when
 * already on), and @pulumi/pulumi's TypeScript shim made lazy. The SDK loads the whole TypeScript compiler at
 * start-up for its function serializer (pulumi.runtime.serializeFunction, for dynamic providers and magic
 * lambdas), which a plan rarely calls: the compiler now loads on the serializer's first use.
 */
function prepareRuntime(projectDir: string): void {
    const mod = require("node:module") as typeof import("node:module") & { enableCompileCache?: () => unknown };
    try {
        mod.enableCompileCache?.();
    } catch {
        // an unwritable cache folder: plan without it
    }
    for (const from of [projectDir, __dirname]) {
        let shim: string;
        try {
            shim = require.resolve("@pulumi/pulumi/typescript-shim", { paths: [from] });
        } catch {
            continue;
        }
        if (require.cache[shim]) continue;
        let real: Record<PropertyKey, unknown> | undefined;
        const load = (): Record<PropertyKey, unknown> => {
            if (!real) {
                delete require.cache[shim];
                real = require(shim) as Record<PropertyKey, unknown>;
            }
            return real;
        };
        const stub = new mod.Module(shim);
        stub.filename = shim;
        stub.loaded = true;
        stub.exports = new Proxy({}, { get: (_t, key) => load()[key], has: (_t, key) => key in load() });
        require.cache[shim] = stub;
    }
}

/** "error: <message> (at index.ts:12:7)". */
function errorText(plan: StackPlan): string {
    return `error: ${plan.error}${plan.where ? ` (at ${plan.where})` : ""}`;
}

/** The summary of several stacks: one row per stack, then the violations of the stacks that have any. */
export function renderSummary(plans: StackPlan[], colour: boolean): string {
    const p = paint(colour);
    const t = table(["Stack", "Kind", "Resources", "Image digest per cloud", "Traffic", "Violations"], colour);
    for (const plan of plans) {
        if (plan.error !== undefined) {
            t.push([plan.stack, plan.kind, { colSpan: 4, content: p.red(errorText(plan)) }]);
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
    const detailed = plans.filter(
        (pl) => pl.violations.length > 0 || pl.remediated.length > 0 || pl.notJudged.length > 0,
    );
    for (const plan of detailed) {
        lines.push(`\n${p.bold(plan.stack)}`);
        lines.push(verdictTables(plan, policyEngine().rules(), colour));
    }
    const withGaps = plans.filter((pl) => pl.gaps.length > 0);
    if (withGaps.length > 0) {
        lines.push(`\nNot faked offline (the program's use of these may be wrong):`);
        for (const plan of withGaps) {
            for (const gap of plan.gaps) lines.push(`  ${plan.stack}: ${gap.message}`);
        }
    }
    lines.push(
        `${plans.length} stacks planned offline, ${total === 0 ? p.green("0 violations") : `${total} violations`}` +
            `${failed > 0 ? p.red(`, ${failed} failed to synthesize`) : ""}. Details: immutable plan --stack <name>`,
    );
    return `${lines.join("\n")}\n`;
}

/** Everything about one stack. */
function stackDetail(plan: StackPlan, rules: RuleInfo[], colour: boolean): string {
    const p = paint(colour);
    const lines: string[] = [`${p.bold(`Stack ${plan.stack}`)} (${plan.kind})`];
    if (plan.error !== undefined) {
        lines.push(p.red(errorText(plan)));
        for (const gap of plan.gaps) lines.push(`note: ${gap.message}`);
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
    if (plan.stackReferences.length > 0) {
        const refs = table(["StackReference", "Outputs from"], colour);
        for (const r of plan.stackReferences) refs.push([r.name, r.source]);
        lines.push(refs.toString());
    }
    const verdicts = verdictTables(plan, rules, colour);
    if (verdicts) lines.push(verdicts);
    if (plan.gaps.length > 0) {
        const gaps = table(["Not faked offline", "What it means"], colour);
        for (const g of plan.gaps)
            gaps.push([g.token, g.message.slice(g.message.indexOf(g.token) === 0 ? g.token.length + 2 : 0)]);
        lines.push(gaps.toString());
    }
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

/** Parses `--stack-outputs org/project/stack=FILE` into the accumulated record. */
export function parseStackOutputsPair(pair: string, previous: Record<string, string> = {}): Record<string, string> {
    const eq = pair.indexOf("=");
    if (eq <= 0 || eq === pair.length - 1) {
        throw new InvalidArgumentError(
            `expected org/project/stack=FILE (for example acme/network/prod=network.json), got "${pair}"`,
        );
    }
    return { ...previous, [pair.slice(0, eq).trim()]: pair.slice(eq + 1) };
}

/** Registers `plan` on the program. */
export function register(program: Command): void {
    const plan = program
        .command("plan")
        .description(
            "Plan a Pulumi project's stacks offline: resources by component, image digest per cloud, slot traffic and the policy verdicts",
        )
        .option(
            "-d, --dir <dir>",
            "the Pulumi project folder (default: the nearest folder with a Pulumi.yaml, from here up)",
        )
        .option(
            "-s, --stack <name>",
            "a stack of the project (Pulumi.<name>.yaml); repeat for several; default: all, one summary row each",
            collect,
        )
        .option("-c, --config <key=value>", "config override, as `pulumi config set` (repeatable)", parseConfigPair)
        .addOption(new Option("--format <format>", "output format").choices([...PLAN_FORMATS]).default("table"))
        .option("--preview", "synthesize as a preview (unknown values allowed)", false)
        .option("--policy-pack-config <file>", "pack config JSON, as for `pulumi preview --policy-pack-config`")
        .option(
            "--stack-outputs <org/project/stack=file>",
            "outputs (a JSON object) a StackReference to that stack reads (repeatable)",
            parseStackOutputsPair,
        )
        .option("--fakes <file>", 'extra fake answers: {"resources": {"<type>": {...}}, "calls": {"<token>": {...}}}');
    migrationReportOptions(plan)
        .addHelpText(
            "after",
            "\nExit status: 0 no mandatory violation, 1 a mandatory violation or a stack that fails, 2 bad usage.\n" +
                "Examples:\n  immutable plan\n  immutable plan --dir infra --stack prod\n  immutable plan --stack prod-aws --config immutable:live=green\n" +
                "  immutable plan --stack-outputs acme/network/prod=network-outputs.json\n  immutable plan --format json",
        )
        .action(async (options: PlanOptions) => {
            process.exitCode = await runPlan(options);
        });
}
