/**
 * Rules -> CrossGuard policies. The same policy objects run in the engine (policy/index.ts hands them to
 * the PolicyPack) and offline (policy/evaluate.ts hands them to @pulumi/policy's own analyzer functions).
 * Config: the rule's defaults, then what the engine passes (`args.getConfig()`), then an offline override
 * (the evaluator has no engine to call `configure`, so it passes the --policy-pack-config values here).
 */
import type { Policy, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { EnforcementLevel, Rule, StackResource } from "./rule";

/** Level and properties for one rule, as resolved from a pack config. */
export interface RuleSettings {
    enforcementLevel?: EnforcementLevel | "disabled";
    properties?: Record<string, unknown>;
}

function report(reportViolation: ReportViolation): (message: string, urn?: string) => void {
    return (message, urn) => reportViolation(message, urn);
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
    if (rule.kind === "resource") {
        const types = new Set(rule.resourceTypes);
        const policy: ResourceValidationPolicy = {
            ...base,
            validateResource: (args, reportViolation) => {
                if (!types.has(args.type)) {
                    return;
                }
                const config = { ...rule.defaults, ...args.getConfig<Record<string, unknown>>(), ...settings?.properties };
                rule.validate(args.type, args.props, config, report(reportViolation));
            },
        };
        return policy;
    }
    const policy: StackValidationPolicy = {
        ...base,
        validateStack: (args, reportViolation) => {
            const config = { ...rule.defaults, ...args.getConfig<Record<string, unknown>>(), ...settings?.properties };
            rule.validateStack(args.resources as unknown as StackResource[], config, report(reportViolation));
        },
    };
    return policy;
}
