/**
 * The remediation section of docs/migration.md, rendered from the code: scripts/docs.ts writes it between the
 * markers `<!-- generated:remediations -->` and `<!-- /generated:remediations -->` (`npm run docs`), and
 * test/docs.spec.ts keeps the two equal.
 */
import { RULES } from "../catalog";
import { NEVER_REMEDIATED, REMEDIATIONS } from "./index";

/** The section: the rules that remediate (what and why it is safe), then why every other rule never does. */
export function remediationDocs(): string {
    const lines = ["| Rule | Sets | Why it is safe |", "|---|---|---|"];
    for (const rule of RULES) {
        const r = REMEDIATIONS.get(rule.name);
        if (r) {
            lines.push(`| \`${rule.name}\` | ${r.sets} | ${r.safe} |`);
        }
    }
    lines.push("", "The other rules never remediate:", "");
    for (const rule of RULES) {
        const why = NEVER_REMEDIATED.get(rule.name);
        if (why) {
            lines.push(`- \`${rule.name}\`: ${why}`);
        }
    }
    return lines.join("\n");
}
