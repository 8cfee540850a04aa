import { instanceAccess, metadataFlag, metadataReach } from "../model/access";
import { GCP_METADATA_TYPES } from "../model/types";
import { describeUnreadable, ofAspect, reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** GCP interactive serial port access. */
export const serialPortForbid: ResourceRule = {
    kind: "resource",
    name: "serial-port-forbid",
    family: Family.Access,
    description:
        "Forbids interactive serial port access (metadata serial-port-enable) on GCP instances (from templates and machine images too), templates, per-instance configs, zone instance settings, project metadata and project metadata items.",
    why: "Never modify a running instance, replace it: the serial console is a login path that bypasses the network.",
    fix: 'Remove serial-port-enable (or set it to "false"); read boot logs with getSerialPortOutput instead.',
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: GCP_METADATA_TYPES,
    defaults: {},
    validate(type, props, _config, report) {
        const access = instanceAccess(type, props);
        reportUnreadable(access.unreadable, report, ofAspect("metadata", "metadata:serial-port-enable"));
        const serial = metadataFlag(access, "serial-port-enable");
        if (serial.unreadable) {
            report(describeUnreadable(serial.unreadable));
        } else if (serial.value === true) {
            const reach = metadataReach(access);
            report(
                `metadata "serial-port-enable" is "${access.metadata!["serial-port-enable"]}"${reach ? ` for ${reach}` : ""}`,
            );
        }
    },
};
