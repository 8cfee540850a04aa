import { lifecycle } from "../model/lifecycle";
import { T } from "../model/types";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** ASGs on $Latest / $Default launch template versions. */
export const floatingLaunchTemplateForbid: ResourceRule = {
    kind: "resource",
    name: "floating-launch-template-forbid",
    family: Family.Lifecycle,
    description: "Forbids AWS Auto Scaling groups on a floating launch template version ($Latest, $Default or unset).",
    why: "Deploy identically: with a floating version, a template edit outside the release changes what new instances boot.",
    fix: "Reference the launch template's latestVersion output (a number), so each release is one explicit version and triggers the instance refresh.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.SideBySide,
    resourceTypes: [T.awsAutoscalingGroup],
    defaults: {},
    validate(type, props, _config, report) {
        for (const where of lifecycle(type, props)?.floatingVersions ?? []) {
            report(`${where} floats`);
        }
    },
};
