import { instanceAccess } from "../model/access";
import { RESOURCE_TYPE } from "../model/types";
import { reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** ECS Exec on services. */
export const ecsExecForbid: ResourceRule = {
    kind: "resource",
    name: "ecs-exec-forbid",
    family: Family.Access,
    description: "Forbids ECS Exec (enableExecuteCommand) on ECS services.",
    why: "Never modify a running instance, replace it: a shell into a running container is how hand-made changes start.",
    fix: "Remove enableExecuteCommand; reproduce problems from the same digest in a non-production slot.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: [RESOURCE_TYPE.awsEcsService],
    defaults: {},
    validate(type, props, _config, report) {
        const access = instanceAccess(type, props);
        reportUnreadable(access.unreadable, report);
        if (access.execEnabled) {
            report("enableExecuteCommand is true: ECS Exec opens a shell into running containers");
        }
    },
};
