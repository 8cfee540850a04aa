/** Why resources (or the stack) could not be judged, as the verdict lists them. */
import type { Verdict } from "./types";

/** Collects why resources could not be judged: one entry per resource, reasons grouped by policy. */
export class NotJudged {
    private readonly byUrn = new Map<string, Map<string, string[]>>();

    add(urn: string, policy: string, reason: string): void {
        const reasons = this.byUrn.get(urn) ?? new Map<string, string[]>();
        this.byUrn.set(urn, reasons);
        reasons.set(reason, [...(reasons.get(reason) ?? []), ...(policy ? [policy] : [])]);
    }

    has(urn: string): boolean {
        return this.byUrn.has(urn);
    }

    list(): Verdict["notJudged"] {
        return [...this.byUrn].map(([urn, reasons]) => ({
            urn,
            reason: [...reasons]
                .map(([r, policies]) => (policies.length ? `${policies.join(", ")}: ${r}` : r))
                .join("; "),
        }));
    }
}
