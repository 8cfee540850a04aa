/** The one error type `bake` reports: which step failed and why (the command prints it and exits 1). */
export class BakeError extends Error {
    /**
     * @param step the step that failed (`check`, `bootstrap`, `assemble`, `boot bios`, `formats`, ...)
     * @param reason what went wrong, in words an operator can act on
     */
    constructor(
        readonly step: string,
        readonly reason: string,
    ) {
        super(`${step}: ${reason}`);
        this.name = "BakeError";
    }
}
