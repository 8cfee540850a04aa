import { LIFECYCLE_TYPES, lifecycle } from "../model/lifecycle";
import { reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** Instance groups that replace instances by themselves on a new release. */
export const rollingReplacementRequire: ResourceRule = {
    kind: "resource",
    name: "rolling-replacement-require",
    family: Family.Lifecycle,
    description:
        "Requires instance groups to replace instances when the template changes: ASG instanceRefresh, GCP MIG updatePolicy PROACTIVE, Azure VMSS upgradePolicy Rolling or Automatic.",
    why: "Phoenix servers: a release replaces every instance; a group that only uses the new template for new instances leaves old ones running beside it.",
    fix: 'AWS: instanceRefresh { strategy: "Rolling" }; GCP: updatePolicy { type: "PROACTIVE" }; Azure: upgradePolicy { mode: "Rolling" }.',
    enforcementLevel: "mandatory",
    stage: MigrationStage.SideBySide,
    resourceTypes: LIFECYCLE_TYPES,
    defaults: {},
    validate(type, props, _config, report) {
        const l = lifecycle(type, props);
        const unreadable = l?.unreadable.filter((u) => u.aspect === "replacement") ?? [];
        if (unreadable.length > 0) {
            reportUnreadable(unreadable, report);
        } else if (l && !l.replacesOnRelease) {
            report(`instances are not replaced on a release (${l.replacement})`);
        }
    },
};
