/**
 * `bin/immutable`: plan (offline synthesis + policy verdicts), audit (stack export / preview JSON) and
 * release (build once, smoke-test, publish one digest). Each subcommand lives in bin/commands/<name>.ts
 * and registers itself on the commander program.
 */
import { Command } from "commander";
import { io } from "./lib/io";
import { register as registerAudit } from "./commands/audit";
import { register as registerPlan } from "./commands/plan";
import { register as registerRelease } from "./commands/release";

/** Builds the command-line program (exported for the specs). */
export function buildProgram(): Command {
    const program = new Command("immutable")
        .description(
            "Immutable infrastructure on Pulumi: plan programs offline, audit running stacks, release container images and bake machine images built once.",
        )
        .showHelpAfterError()
        .exitOverride()
        // Help and usage errors go through the run's streams (the specs capture them in-process).
        .configureOutput({ writeOut: (text) => io().out(text), writeErr: (text) => io().err(text) });
    registerPlan(program);
    registerAudit(program);
    registerRelease(program);
    (require("./commands/bake") as typeof import("./commands/bake")).register(program);
    return program;
}

/** Runs the command line; resolves when the subcommand is done (it sets process.exitCode). */
export async function main(argv: string[]): Promise<void> {
    const program = buildProgram();
    try {
        await program.parseAsync(argv);
    } catch (err: any) {
        // commander's own exits (help, version, usage errors) arrive here because of exitOverride().
        if (
            err &&
            typeof err.exitCode === "number" &&
            typeof err.code === "string" &&
            err.code.startsWith("commander.")
        ) {
            process.exitCode =
                err.code === "commander.helpDisplayed" ||
                err.code === "commander.help" ||
                err.code === "commander.version"
                    ? 0
                    : 2;
            return;
        }
        throw err;
    }
}
