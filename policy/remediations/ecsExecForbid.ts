import { instanceAccess } from "../model/access";
import { RESOURCE_TYPE } from "../model/types";
import { describeUnreadable } from "../model/unreadable";
import type { Remediation } from "./remediation";

/** ecs-exec-forbid: `enableExecuteCommand = false` on the ECS service. */
export const ecsExecRemediation: Remediation = {
    rule: "ecs-exec-forbid",
    sets: "enableExecuteCommand false",
    safe:
        "Only shells into running containers stop; the tasks, their image, their role and their traffic are " +
        "unchanged. UpdateService changes it in place; tasks started afterwards run without the exec agent channel " +
        "(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html).",
    plan(type, props) {
        if (type !== RESOURCE_TYPE.awsEcsService) {
            return { declined: `not an ECS service (${type})` };
        }
        const unreadable = instanceAccess(type, props).unreadable.find((u) => u.aspect === "exec");
        if (unreadable) {
            return { declined: `${describeUnreadable(unreadable)}: a value the pack cannot read is a person's to fix` };
        }
        return { sets: [{ path: ["enableExecuteCommand"], value: false }] };
    },
};
