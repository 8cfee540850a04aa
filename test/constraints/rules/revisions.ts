/**
 * Revision names across two syntheses of one service: a revision is immutable and its name unique per service,
 * so a changed template (image, env, secret version, resources, scaling, probes) must come with a new name
 * (Cloud Run answers 409 to a reused name; Container Apps refuses it or changes nothing), and the same template
 * keeps its name (a redeploy of unchanged settings creates no revision).
 */
import { canonicalJson } from "../../../components/core/revisions";
import type { Synthesis } from "../../../bin/lib/synthesize";
import { plain } from "../../components/support/clouds";
import type { PairConstraint } from "../constraint";

/** The revision template of a service and its name, for the two revision-based runtimes. */
function revisionOf(type: string, inputs: any): { name: string; template: string } | undefined {
    if (type === "gcp:cloudrunv2/service:Service" && inputs.template) {
        const { revision, ...rest } = inputs.template;
        return { name: revision, template: canonicalJson(rest) };
    }
    if (type === "azure-native:app:ContainerApp" && inputs.template) {
        const { revisionSuffix, ...rest } = inputs.template;
        const secrets = canonicalJson(inputs.configuration?.secrets ?? []);
        return { name: revisionSuffix, template: canonicalJson(rest) + secrets };
    }
    return undefined;
}

function revisions(s: Synthesis): Map<string, { name: string; template: string }> {
    const out = new Map<string, { name: string; template: string }>();
    for (const r of s.resources) {
        const rev = revisionOf(r.type, plain(r.inputs));
        if (rev) {
            out.set(r.urn, rev);
        }
    }
    return out;
}

export const REVISION_PAIR_CONSTRAINTS: PairConstraint[] = [
    {
        id: "revisions.unique-per-template",
        description: "A revision name changes exactly when the revision template changes.",
        doc: "https://cloud.google.com/run/docs/managing/revisions ; https://learn.microsoft.com/azure/container-apps/revisions",
        check: (before, after) => {
            const a = revisions(before);
            return [...revisions(after)].flatMap(([urn, next]) => {
                const prev = a.get(urn);
                if (!prev) {
                    return [];
                }
                if (prev.template !== next.template && prev.name === next.name) {
                    return [{ urn, message: `the template changed but the revision keeps the name ${next.name}` }];
                }
                if (prev.template === next.template && prev.name !== next.name) {
                    return [
                        {
                            urn,
                            message: `the template is the same but the revision is renamed ${prev.name} -> ${next.name}`,
                        },
                    ];
                }
                return [];
            });
        },
    },
];
