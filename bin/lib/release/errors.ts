/** The one error type `release` reports: which step failed and why (the command prints it and exits 1). */
export class ReleaseError extends Error {
    /**
     * @param step the step that failed (`check`, `build`, `smoke`, `preflight`, `push aws`, `verify gcp`, ...)
     * @param reason what went wrong, in words an operator can act on
     */
    constructor(
        readonly step: string,
        readonly reason: string,
    ) {
        super(`${step}: ${reason}`);
        this.name = "ReleaseError";
    }
}
