import { instanceAccess } from "../model/access";
import { T } from "../model/types";
import { truthy } from "../model/values";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** GCP interactive serial port access. */
export const serialPortForbid: ResourceRule = {
    kind: "resource",
    name: "serial-port-forbid",
    family: Family.Access,
    description:
        "Forbids interactive serial port access (metadata serial-port-enable) on GCP instances, templates, project metadata and project metadata items.",
    why: "Never modify a running instance, replace it: the serial console is a login path that bypasses the network.",
    fix: 'Remove serial-port-enable (or set it to "false"); read boot logs with getSerialPortOutput instead.',
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: [
        T.gcpInstance,
        T.gcpInstanceTemplate,
        T.gcpRegionInstanceTemplate,
        T.gcpProjectMetadata,
        T.gcpProjectMetadataItem,
    ],
    defaults: {},
    validate(type, props, _config, report) {
        const { metadata, projectWide } = instanceAccess(type, props);
        if (truthy(metadata?.["serial-port-enable"])) {
            report(
                `metadata "serial-port-enable" is "${metadata!["serial-port-enable"]}"${projectWide ? " for every instance of the project" : ""}`,
            );
        }
    },
};
