import { instanceAccess, metadataFlag } from "../model/access";
import { GCP_INSTANCE_TYPES, GCP_TEMPLATE_TYPES, RESOURCE_TYPE as RT } from "../model/types";
import { describeUnreadable } from "../model/unreadable";
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
    resourceTypes: [
        ...GCP_INSTANCE_TYPES,
        ...GCP_TEMPLATE_TYPES,
        RT.gcpPerInstanceConfig,
        RT.gcpRegionPerInstanceConfig,
        RT.gcpInstanceSettings,
        RT.gcpProjectMetadata,
        RT.gcpProjectMetadataItem,
    ],
    defaults: {},
    validate(type, props, _config, report) {
        const access = instanceAccess(type, props);
        for (const u of access.unreadable) {
            if (u.aspect === "metadata" || u.aspect === "metadata:serial-port-enable") {
                report(describeUnreadable(u));
            }
        }
        const serial = metadataFlag(access, "serial-port-enable");
        if (serial.unreadable) {
            report(describeUnreadable(serial.unreadable));
        } else if (serial.value === true) {
            const scope = access.projectWide
                ? " for every instance of the project"
                : access.zoneWide
                  ? " for every instance of the zone"
                  : "";
            report(`metadata "serial-port-enable" is "${access.metadata!["serial-port-enable"]}"${scope}`);
        }
    },
};
