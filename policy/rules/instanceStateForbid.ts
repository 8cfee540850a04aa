import { STATE_TYPES, instanceState } from "../model/lifecycle";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** State kept on replaceable instances (advisory). */
export const instanceStateForbid: ResourceRule = {
    kind: "resource",
    name: "instance-state-forbid",
    family: Family.Lifecycle,
    description:
        "Flags state kept on replaceable instances: data disks on launch templates and scale sets, GCP stateful MIG policies and per-instance preserved state.",
    why: "Externalize state: an instance that must keep its disk cannot be replaced freely; data belongs in databases, object stores and managed services.",
    fix: "Move the data to a managed service (RDS / Cloud SQL / Azure SQL, S3 / GCS / Blob, EFS / Filestore / Files) and drop the data disk.",
    enforcementLevel: "advisory",
    stage: MigrationStage.ExternalizeState,
    resourceTypes: STATE_TYPES,
    defaults: {},
    validate(type, props, _config, report) {
        const state = instanceState(type, props);
        if (state.length > 0) {
            report(`keeps state on replaceable instances: ${state.join(", ")}`);
        }
    },
};
