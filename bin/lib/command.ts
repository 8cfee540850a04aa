/**
 * What the subcommands share about the command line itself: repeatable options, the usage error (exit status 2),
 * the one exit-status rule of the step pipelines, and the `--report migration` options of `audit` and `plan`.
 */
import { Option, type Command } from "commander";
import { io } from "./io";
import { StepError } from "./release/errors";

/** A usage error: the command prints it and exits 2. */
export class UsageError extends Error {}

/** Accumulates a repeatable option's values. */
export function collect(value: string, previous: string[] = []): string[] {
    return [...previous, value];
}

/** A `--<flag> <seconds>` value in milliseconds; anything but a positive number is a {@link UsageError}. */
export function seconds(flag: string, value: string): number {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) {
        throw new UsageError(`${flag} must be a positive number of seconds, got ${JSON.stringify(value)}`);
    }
    return Math.round(n * 1000);
}

/**
 * The exit status of `immutable <command>` failing with `err`, after one line on standard error: 2 for a
 * {@link UsageError}, 1 for a {@link StepError} (`FAILED at <step>: <reason>`). Anything else is a defect: rethrown.
 */
export function failureStatus(command: string, err: unknown): number {
    if (err instanceof UsageError) {
        io().err(`immutable ${command}: ${err.message}\n`);
        return 2;
    }
    if (err instanceof StepError) {
        io().err(`immutable ${command}: FAILED at ${err.step}: ${err.reason}\n`);
        return 1;
    }
    throw err;
}

/** Adds `--report migration` and `--since FILE` (bin/lib/migrationReport.ts) to `audit` or `plan`. */
export function migrationReportOptions(command: Command): Command {
    return command
        .addOption(
            new Option(
                "--report <report>",
                "migration: each stack's step on the migration path, then the estate",
            ).choices(["migration"]),
        )
        .option("--since <file>", "with --report migration: an earlier JSON migration report to compare with");
}
