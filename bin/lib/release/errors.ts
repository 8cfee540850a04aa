/**
 * The one error type of the step pipelines, `release` and `bake`: which step failed and why (the command prints
 * it and exits 1; see bin/lib/command.ts).
 */
export class StepError extends Error {
    /**
     * @param step the step that failed (`check`, `build`, `smoke`, `push aws`, `bootstrap`, `boot bios`, ...)
     * @param reason what went wrong, in words an operator can act on
     */
    constructor(
        readonly step: string,
        readonly reason: string,
    ) {
        super(`${step}: ${reason}`);
        this.name = "StepError";
    }
}
