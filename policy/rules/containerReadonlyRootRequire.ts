import { containers, RUNTIME_TYPES } from "../model/containers";
import { reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** Read-only root filesystems where the platform exposes the setting (ECS). */
export const containerReadonlyRootRequire: ResourceRule = {
    kind: "resource",
    name: "container-readonly-root-require",
    family: Family.Runtime,
    description:
        "Requires a read-only root filesystem (readonlyRootFilesystem true) for every container of ECS task and daemon definitions and AWS Batch job definitions.",
    why: "Never modify a running instance: a writable root filesystem lets a running container drift from its image.",
    fix: "Set readonlyRootFilesystem: true and mount a volume (or tmpfs) for the paths that must be written.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.ExternalizeState,
    resourceTypes: RUNTIME_TYPES,
    defaults: {},
    validate(type, props, _config, report) {
        for (const c of containers(type, props)) {
            reportUnreadable(c.unreadable, report, (u) => u.field.endsWith(".readonlyRootFilesystem"));
            if (c.exposesRuntime && !c.readonlyRootFilesystem) {
                report(`${c.path} has a writable root filesystem`);
            }
        }
    },
};
