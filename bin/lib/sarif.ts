/**
 * SARIF 2.1.0 for code scanning: a rule entry per policy of the pack, a result per violation, and a `note` per
 * resource a rule at the level "remediate" fixes at deploy (still mutable until then). The resource's
 * URN is the result's logical location; GitHub code scanning also requires a physical location (a file in the
 * repository), so each result points at the Pulumi project file (configurable) and names the URN in its
 * message and fingerprint, which keeps alerts stable from run to run.
 */
import { createHash } from "node:crypto";
import type { Remediated, RuleInfo, Violation } from "./policyEngine";

/** The SARIF 2.1.0 JSON schema address. */
export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** Where the tool is documented when the package names no homepage (SARIF's validator wants one). */
export const DEFAULT_INFORMATION_URI = "https://www.npmjs.com/package/immutable-infra";

/**
 * A rule's human-readable name (SARIF `name`, distinct from the opaque `id`, as SARIF 3.49.7 and the validator's
 * SARIF1001 want): the id in Pascal case, `admin-ingress-forbid` -> `AdminIngressForbid`.
 */
export function ruleName(id: string): string {
    return id
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join("");
}

/** Options of {@link toSarif}. */
export interface SarifOptions {
    /** The pack's rules (every rule gets an entry, violated or not). */
    rules: RuleInfo[];
    violations: Violation[];
    /** Resources rules at the level "remediate" fix at deploy: `note` results. */
    remediated?: Remediated[];
    /** Repository-relative file the results are attached to (default `Pulumi.yaml`). */
    artifactUri?: string;
    /** The tool's version. */
    toolVersion?: string;
    /** Where the tool is documented (package.json `homepage`), when known. */
    informationUri?: string;
}

const LEVEL: Record<string, "error" | "warning" | "note"> = {
    mandatory: "error",
    advisory: "warning",
    remediate: "note",
    disabled: "note",
};

/** `: <what the remediation sets>` for a remediated result, when the catalogue says. */
function remediates(rules: RuleInfo[], policy: string): string {
    const sets = rules.find((r) => r.name === policy)?.remediates;
    return sets ? `: ${sets}` : "";
}

/** Builds the SARIF log. */
export function toSarif(options: SarifOptions): Record<string, unknown> {
    const artifactUri = options.artifactUri ?? "Pulumi.yaml";
    const rules = [...options.rules];
    const known = new Set(rules.map((r) => r.name));
    // A violation of a rule the catalogue does not list still gets an entry (never a dangling ruleId).
    for (const v of options.violations) {
        if (!known.has(v.policy)) {
            known.add(v.policy);
            rules.push({ name: v.policy, description: v.policy, enforcementLevel: v.enforcementLevel });
        }
    }
    const index = new Map(rules.map((r, i) => [r.name, i]));
    return {
        $schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [
            {
                tool: {
                    driver: {
                        name: "immutable",
                        informationUri: options.informationUri ?? DEFAULT_INFORMATION_URI,
                        semanticVersion: options.toolVersion,
                        rules: rules.map((r) => ({
                            id: r.name,
                            name: ruleName(r.name),
                            shortDescription: { text: r.description || r.name },
                            fullDescription: { text: [r.description || r.name, r.why].filter(Boolean).join(" ") },
                            help: { text: r.fix ? `Fix: ${r.fix}` : r.description || r.name },
                            defaultConfiguration: { level: LEVEL[r.enforcementLevel] ?? "warning" },
                            properties: {
                                enforcementLevel: r.enforcementLevel,
                                tags: ["pulumi", "immutable-infrastructure"],
                            },
                        })),
                    },
                },
                results: [
                    ...options.violations,
                    ...(options.remediated ?? []).map((r) => ({
                        policy: r.policy,
                        urn: r.urn,
                        enforcementLevel: "remediate",
                        message: `fixed at deploy by the level "remediate"${remediates(rules, r.policy)}`,
                    })),
                ].map((v) => {
                    const urn = v.urn ?? "(stack)";
                    return {
                        ruleId: v.policy,
                        ruleIndex: index.get(v.policy),
                        level: LEVEL[v.enforcementLevel] ?? "warning",
                        message: { text: `${v.message} (${urn})` },
                        locations: [
                            {
                                physicalLocation: {
                                    artifactLocation: { uri: artifactUri },
                                    region: { startLine: 1 },
                                },
                                logicalLocations: [{ fullyQualifiedName: urn, kind: "resource" }],
                            },
                        ],
                        partialFingerprints: {
                            "immutablePolicyResult/v1": createHash("sha256")
                                .update(`${v.policy}\0${urn}`)
                                .digest("hex")
                                .slice(0, 32),
                        },
                        properties: { enforcementLevel: v.enforcementLevel, urn },
                    };
                }),
            },
        ],
    };
}
