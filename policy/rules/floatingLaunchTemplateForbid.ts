import { FLEET_TYPES, lifecycle } from "../model/lifecycle";
import { ofAspect, reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** ASGs on $Latest / $Default launch template versions. */
export const floatingLaunchTemplateForbid: ResourceRule = {
    kind: "resource",
    name: "floating-launch-template-forbid",
    family: Family.Lifecycle,
    description:
        "Forbids AWS Auto Scaling groups, EC2 fleets and spot fleets on a floating launch template version ($Latest, $Default or unset).",
    why: "Deploy identically: with a floating version, a template edit outside the release changes what new instances boot.",
    fix: "Reference the launch template's latestVersion output (a number), so each release is one explicit version and triggers the instance refresh.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.SideBySide,
    resourceTypes: FLEET_TYPES,
    defaults: {},
    validate(type, props, _config, report) {
        const l = lifecycle(type, props);
        reportUnreadable(l?.unreadable ?? [], report, ofAspect("version"));
        for (const where of l?.floatingVersions ?? []) {
            report(`${where} floats`);
        }
    },
};
