import { containers, RUNTIME_TYPES } from "../model/containers";
import { reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** Containers that run as root where the platform exposes the user (ECS). */
export const containerRootUserForbid: ResourceRule = {
    kind: "resource",
    name: "container-root-user-forbid",
    family: Family.Runtime,
    description:
        'Forbids containers that run as root (user "root", "0" or "0:<group>") in ECS task and daemon definitions and AWS Batch job definitions.',
    why: "Never modify a running instance: root in the container can rewrite the image's files at run time.",
    fix: "Set USER in the Dockerfile to a non-root uid and drop the user override (or set a non-root uid).",
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: RUNTIME_TYPES,
    defaults: {},
    validate(type, props, _config, report) {
        for (const c of containers(type, props)) {
            reportUnreadable(c.unreadable, report, (u) => u.field.endsWith(".user"));
            if (c.user !== undefined && /^(root|0)(:.*)?$/i.test(c.user.trim())) {
                report(`${c.path} runs as user "${c.user}"`);
            }
        }
    },
};
