import { containers, RUNTIME_TYPES } from "../model/containers";
import { reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** Privileged containers where the platform exposes the setting (ECS). */
export const containerPrivilegedForbid: ResourceRule = {
    kind: "resource",
    name: "container-privileged-forbid",
    family: Family.Runtime,
    description:
        "Forbids privileged containers (privileged true) in ECS task and daemon definitions and AWS Batch job definitions.",
    why: "Never modify a running instance: a privileged container can change its host, which then differs from its image.",
    fix: "Remove privileged; grant the one Linux capability needed with linuxParameters.capabilities.add if any.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: RUNTIME_TYPES,
    defaults: {},
    validate(type, props, _config, report) {
        for (const c of containers(type, props)) {
            reportUnreadable(c.unreadable, report, (u) => u.field.endsWith(".privileged"));
            if (c.privileged) {
                report(`${c.path} is privileged`);
            }
        }
    },
};
