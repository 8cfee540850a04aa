/**
 * Rules -> CrossGuard policies. The same policy objects run in the engine (policy/index.ts hands them to
 * the PolicyPack) and offline (policy/evaluate.ts hands them to @pulumi/policy's own analyzer functions).
 * Config: the rule's defaults, then what the engine passes (`args.getConfig()`), then an offline override
 * (the evaluator has no engine to call `configure`, so it passes the --policy-pack-config values here).
 */
import type { Policy, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { REMEDIATIONS } from "./remediations/index";
import { remediateInPlace } from "./remediations/remediation";
import type { Level, Rule, StackResource } from "./rule";

/** Level and properties for one rule, as resolved from a pack config. */
export interface RuleSettings {
    /** "remediate": the engine applies the rule's remediation (policy/remediations/) before judging; mandatory otherwise. */
    enforcementLevel?: Level;
    properties?: Record<string, unknown>;
}

function isEmpty(record: Record<string, unknown>): boolean {
    for (const key in record) {
        if (Object.hasOwn(record, key)) {
            return false;
        }
    }
    return true;
}

/** The CrossGuard policy of one rule. `settings` are given offline only. */
export function toPolicy(rule: Rule, settings?: RuleSettings): Policy {
    const base = {
        name: rule.name,
        description: rule.description,
        enforcementLevel: settings?.enforcementLevel ?? rule.enforcementLevel,
        configSchema: rule.configSchema,
        remediationSteps: rule.fix,
    };
    // Config: defaults, then the engine's (args.getConfig()), then the offline override. Merged once when the
    // engine passes nothing (always offline), per call otherwise.
    const merged = { ...rule.defaults, ...settings?.properties };
    const configOf = (engine: Record<string, unknown>) =>
        isEmpty(engine) ? merged : { ...rule.defaults, ...engine, ...settings?.properties };
    if (rule.kind === "resource") {
        const types = new Set(rule.resourceTypes);
        const policy: ResourceValidationPolicy = {
            ...base,
            validateResource: (args, reportViolation) => {
                if (!types.has(args.type)) {
                    return;
                }
                rule.validate(
                    args.type,
                    args.props,
                    configOf(args.getConfig<Record<string, unknown>>()),
                    reportViolation,
                );
            },
        };
        // Run by the engine only when the level is "remediate" (policy/remediations/remediation.ts).
        const remediation = REMEDIATIONS.get(rule.name);
        if (remediation) {
            policy.remediateResource = (args) =>
                types.has(args.type)
                    ? remediateInPlace(rule, remediation, args.type, args.props, configOf(args.getConfig()))
                    : undefined;
        }
        return policy;
    }
    const policy: StackValidationPolicy = {
        ...base,
        validateStack: (args, reportViolation) => {
            rule.validateStack(
                args.resources as unknown as StackResource[],
                configOf(args.getConfig<Record<string, unknown>>()),
                reportViolation,
            );
        },
    };
    return policy;
}
