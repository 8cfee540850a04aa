/** The pack config (`--policy-pack-config`) resolved per rule, and the levels violations carry. */
import type { Policy } from "@pulumi/policy";
import { RULES } from "../catalog";
import type { RuleSettings } from "../policies";
import { analyzer } from "./analyzerModules";
import type { PackConfig } from "./types";

/** The level name of the analyzer's enforcement level number. */
export function levelName(level: number): "advisory" | "mandatory" {
    return level === analyzer().analyzerPb.EnforcementLevel.MANDATORY ? "mandatory" : "advisory";
}

/** Resolves each rule's level and properties from a pack config (per-rule entries over "all"). */
export function ruleSettings(config: PackConfig = {}): Map<string, RuleSettings> {
    const known = new Set(RULES.map((r) => r.name));
    for (const key of Object.keys(config)) {
        if (key !== "all" && !known.has(key)) {
            throw new Error(
                `policy pack config names an unknown policy "${key}" (known: all, ${[...known].join(", ")})`,
            );
        }
    }
    const split = (v: PackConfig[string] | undefined): RuleSettings => {
        if (v === undefined) {
            return {};
        }
        if (typeof v === "string") {
            return { enforcementLevel: v };
        }
        const { enforcementLevel, ...properties } = v;
        return { enforcementLevel, properties };
    };
    const all = split(config.all);
    const out = new Map<string, RuleSettings>();
    for (const rule of RULES) {
        const own = split(config[rule.name]);
        out.set(rule.name, {
            enforcementLevel: own.enforcementLevel ?? all.enforcementLevel,
            properties: own.properties,
        });
    }
    return out;
}

/** A policy's level as violations carry it (the engine reports "remediate" as mandatory). */
export function levelOf(policy: Policy): "advisory" | "mandatory" {
    return policy.enforcementLevel === "mandatory" || policy.enforcementLevel === "remediate"
        ? "mandatory"
        : "advisory";
}
