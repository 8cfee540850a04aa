import { lifecycle } from "../model/lifecycle";
import { reportUnreadable } from "../model/unreadable";
import { RESOURCE_TYPE } from "../model/types";
import { Family, MigrationStage, type ResourceRule, schema } from "../rule";

/** Config of instance-lifetime-require. */
export interface LifetimeConfig {
    /** Shortest allowed maxInstanceLifetime, hours. */
    minHours: number;
    /** Longest allowed maxInstanceLifetime, hours. */
    maxHours: number;
}

/** A maximum instance lifetime on Auto Scaling groups. */
export const instanceLifetimeRequire: ResourceRule<LifetimeConfig> = {
    kind: "resource",
    name: "instance-lifetime-require",
    family: Family.Lifecycle,
    description: "Requires AWS Auto Scaling groups to set maxInstanceLifetime within bounds (default 24-48 hours).",
    why: "Phoenix servers: instances that are replaced on a schedule cannot accumulate drift or hand-made changes.",
    fix: "Set maxInstanceLifetime (seconds) between minHours and maxHours, e.g. 172800 for 48 h.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: [RESOURCE_TYPE.awsAutoscalingGroup],
    defaults: { minHours: 24, maxHours: 48 },
    configSchema: schema(
        {
            minHours: {
                type: "number",
                minimum: 1,
                description: "Shortest allowed lifetime in hours (AWS minimum is 24).",
            },
            maxHours: { type: "number", minimum: 1, description: "Longest allowed lifetime in hours." },
        },
        { minHours: 24, maxHours: 48 },
    ),
    validate(type, props, config, report) {
        const l = lifecycle(type, props);
        const unreadable = l?.unreadable.filter((u) => u.aspect === "lifetime") ?? [];
        if (unreadable.length > 0) {
            reportUnreadable(unreadable, report);
            return;
        }
        const seconds = l?.maxInstanceLifetimeSeconds;
        if (!seconds) {
            report(
                `maxInstanceLifetime is not set: instances live until they fail (want ${config.minHours}-${config.maxHours} h)`,
            );
            return;
        }
        const hours = seconds / 3600;
        if (hours < config.minHours || hours > config.maxHours) {
            report(
                `maxInstanceLifetime ${seconds} s (${+hours.toFixed(1)} h) is outside ${config.minHours}-${config.maxHours} h`,
            );
        }
    },
};
