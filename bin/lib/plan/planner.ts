/**
 * Synthesizes the stacks of Pulumi projects offline, in one process: each project's program under the mocks
 * with each stack's config, and StackReferences answered from (first match) the `--stack-outputs` files, a stack
 * of the same project, or a stack of a sibling project folder (a `Pulumi.yaml` beside the project's folder),
 * each planned once with its own config. A program that reads a reference not yet planned fails with
 * MissingStackReference; the planner then plans that stack and runs the program again.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../../../components/core/validation";
import type { ExtraFakes } from "../mockState";
import { MissingStackReference, synthesize, type Gap, type ReferencedOutputs, type Synthesis } from "../synthesize";
import { programRunner, type ProgramRunner } from "./loader";
import { listStacks, projectFileIn, readProject, stackConfig, type PulumiProject } from "./project";
import { whereIn } from "./stackTraces";

/** Options of a planner (one `plan` run). */
export interface PlannerOptions {
    preview?: boolean;
    /** Outputs of stacks by the name a StackReference uses (`org/project/stack`), from `--stack-outputs`. */
    stackOutputs?: Record<string, ReferencedOutputs>;
    /** Static answers from `--fakes`. */
    fakes?: ExtraFakes;
}

/** What a failed synthesis's error carries besides its message: where in the program, and the config notes. */
export interface SynthesisFailure {
    where?: string;
    gaps?: Gap[];
}

/** An error of the planner itself (a reference cycle, a referenced stack that failed). */
class PlanError extends Error implements SynthesisFailure {
    constructor(
        message: string,
        readonly where?: string,
    ) {
        super(message);
    }
}

/** Marks `err` with where the program failed (kept as thrown: its type and message stay the program's). */
function failure(err: unknown, where: string | undefined, gaps: Gap[]): Error & SynthesisFailure {
    const e: Error & SynthesisFailure = err instanceof Error ? err : new Error(String(err));
    if (e.where === undefined) e.where = where;
    e.gaps = gaps;
    return e;
}

/** `org/project/stack`, `project/stack` or `stack`. */
function parseReference(name: string): { org?: string; project?: string; stack: string } {
    const parts = name.split("/");
    if (parts.length >= 3) return { org: parts[0], project: parts[1], stack: parts.slice(2).join("/") };
    if (parts.length === 2) return { project: parts[0], stack: parts[1] };
    return { stack: name };
}

/** True when a reference and a given name denote the same stack (unstated parts match anything). */
function sameStack(a: string, b: string): boolean {
    const x = parseReference(a);
    const y = parseReference(b);
    return (
        x.stack === y.stack &&
        (x.project === undefined || y.project === undefined || x.project === y.project) &&
        (x.org === undefined || y.org === undefined || x.org === y.org)
    );
}

/** Plans stacks of any number of projects, caching what it synthesized. */
export class Planner {
    private readonly runners = new Map<string, ProgramRunner>();
    private readonly cache = new Map<string, Promise<Synthesis>>();
    private readonly referenced = new Map<string, ReferencedOutputs>();
    private readonly inProgress = new Set<string>();
    private siblings?: Map<string, string>;

    constructor(readonly options: PlannerOptions = {}) {}

    /** The config notes of a stack: ESC environments and encrypted values (not readable offline). */
    configGaps(project: PulumiProject, stack: string, overrides: Record<string, string>): Gap[] {
        const { environments, secretKeys, file, config } = stackConfig(project, stack, overrides);
        const where = file ? path.relative(process.cwd(), file) || file : `stack ${stack}`;
        const gaps: Gap[] = [];
        if (environments.length > 0) {
            gaps.push({
                kind: "config",
                token: environments.join(", "),
                message: `${where} imports Pulumi ESC environment${environments.length > 1 ? "s" : ""} ${environments.join(", ")}: their values are not available offline; give the config they provide with -c KEY=VALUE`,
            });
        }
        const encrypted = secretKeys.filter((k) => config[k]?.includes('"[secret]"') || config[k] === "[secret]");
        if (encrypted.length > 0) {
            gaps.push({
                kind: "config",
                token: encrypted.join(", "),
                message: `${where}: encrypted value${encrypted.length > 1 ? "s" : ""} of ${encrypted.join(", ")} cannot be read offline and ${encrypted.length > 1 ? "are" : "is"} planned as "[secret]"; give a plausible value with -c KEY=VALUE if the program parses it`,
            });
        }
        return gaps;
    }

    private runner(project: PulumiProject): ProgramRunner {
        let runner = this.runners.get(project.dir);
        if (!runner) {
            runner = programRunner(project);
            this.runners.set(project.dir, runner);
        }
        return runner;
    }

    /**
     * Synthesizes `stack` of `project` (with config overrides). Syntheses without overrides are made once per
     * planner. Rejects with the program's error, marked with where it failed (SynthesisFailure).
     */
    synthesize(project: PulumiProject, stack: string, overrides: Record<string, string> = {}): Promise<Synthesis> {
        const key = `${project.dir}\0${stack}`;
        if (Object.keys(overrides).length > 0) return this.run(project, stack, overrides);
        let pending = this.cache.get(key);
        if (!pending) {
            pending = this.run(project, stack, overrides);
            this.cache.set(key, pending);
        }
        return pending;
    }

    private async run(project: PulumiProject, stack: string, overrides: Record<string, string>): Promise<Synthesis> {
        const runner = this.runner(project);
        const { config, secretKeys } = stackConfig(project, stack, overrides);
        const tried = new Set<string>();
        for (;;) {
            try {
                const synthesis = await synthesize(() => runner.run(), {
                    project: project.name,
                    stack,
                    config,
                    secretKeys,
                    preview: this.options.preview,
                    fakes: this.options.fakes,
                    resolveStackReference: (name) => this.resolve(project, name),
                });
                synthesis.gaps.unshift(...this.configGaps(project, stack, overrides));
                return synthesis;
            } catch (err: any) {
                const missing: string[] = (err?.missingStackReferences ?? []).filter((n: string) => !tried.has(n));
                const plannable = missing.map((n) => [n, this.locate(project, n)] as const).filter(([, t]) => t);
                if (plannable.length === 0) {
                    throw failure(err, whereIn(err, project.dir), this.configGaps(project, stack, overrides));
                }
                for (const [name, target] of plannable) {
                    tried.add(name);
                    await this.plan(name, target!.project, target!.stack, `${project.dir}\0${stack}`);
                }
            }
        }
    }

    /** Plans a referenced stack once and records its outputs for `name`. */
    private async plan(name: string, project: PulumiProject, stack: string, from: string): Promise<void> {
        const key = `${project.dir}\0${stack}`;
        if (this.inProgress.has(key) || key === from) {
            throw new PlanError(
                `StackReference "${name}": a cycle of stack references (${project.name}/${stack} refers back)`,
            );
        }
        this.inProgress.add(key);
        try {
            const synthesis = await this.synthesize(project, stack);
            const rel = path.relative(process.cwd(), project.dir) || ".";
            this.referenced.set(name, {
                outputs: synthesis.outputs,
                secretOutputNames: synthesis.secretOutputNames,
                source: `planned ${project.name}/${stack} (${rel})`,
            });
        } catch (err: any) {
            throw new PlanError(
                `StackReference "${name}": the referenced stack ${project.name}/${stack} failed to plan: ${err?.message ?? err}`,
                err?.where,
            );
        } finally {
            this.inProgress.delete(key);
        }
    }

    /** A StackReference's outputs: `--stack-outputs`, else a stack planned for it; undefined when neither. */
    private resolve(_from: PulumiProject, name: string): ReferencedOutputs | undefined {
        const given = this.options.stackOutputs ?? {};
        const exact = given[name] ?? Object.entries(given).find(([k]) => sameStack(k, name))?.[1];
        if (exact) return exact;
        return this.referenced.get(name);
    }

    /** The project and stack a reference names, when one is plannable here. */
    private locate(from: PulumiProject, name: string): { project: PulumiProject; stack: string } | undefined {
        const ref = parseReference(name);
        if (ref.project === undefined || ref.project === from.name) {
            if (listStacks(from).includes(ref.stack)) return { project: from, stack: ref.stack };
            if (ref.project === undefined) return undefined;
        }
        const dir = this.siblingProjects(from).get(ref.project ?? "");
        if (!dir) return undefined;
        const project = readProject(dir);
        return listStacks(project).includes(ref.stack) ? { project, stack: ref.stack } : undefined;
    }

    /** Projects in the folders beside `from`'s folder, by name. */
    private siblingProjects(from: PulumiProject): Map<string, string> {
        if (!this.siblings) {
            this.siblings = new Map();
            const parent = path.dirname(from.dir);
            let entries: fs.Dirent[] = [];
            try {
                entries = fs.readdirSync(parent, { withFileTypes: true });
            } catch {
                entries = [];
            }
            for (const e of entries) {
                const dir = path.join(parent, e.name);
                if (!e.isDirectory() || dir === from.dir || e.name === "node_modules" || e.name.startsWith("."))
                    continue;
                if (!projectFileIn(dir)) continue;
                try {
                    this.siblings.set(readProject(dir).name, dir);
                } catch (err) {
                    if (!(err instanceof InputError)) throw err;
                }
            }
        }
        return this.siblings;
    }
}

export { MissingStackReference };
