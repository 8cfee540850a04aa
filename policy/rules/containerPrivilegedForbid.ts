import { containers } from "../model/containers";
import { T } from "../model/types";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** Privileged containers where the platform exposes the setting (ECS). */
export const containerPrivilegedForbid: ResourceRule = {
    kind: "resource",
    name: "container-privileged-forbid",
    family: Family.Runtime,
    description: "Forbids privileged containers (privileged true) in ECS task definitions.",
    why: "Never modify a running instance: a privileged container can change its host, which then differs from its image.",
    fix: "Remove privileged; grant the one Linux capability needed with linuxParameters.capabilities.add if any.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: [T.awsEcsTaskDefinition],
    defaults: {},
    validate(type, props, _config, report) {
        for (const c of containers(type, props)) {
            if (c.privileged) {
                report(`${c.path} is privileged`);
            }
        }
    },
};
