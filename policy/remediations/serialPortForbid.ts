import type { Remediation } from "./remediation";
import { setMetadataFlag } from "./metadata";

/**
 * serial-port-forbid: metadata `serial-port-enable = "false"` wherever the resource keeps its metadata (a project
 * metadata item of that key: its value). Setting the value, rather than removing the key, keeps the resource's
 * shape: a remediation transforms inputs and cannot delete a project metadata item.
 */
export const serialPortRemediation: Remediation = {
    rule: "serial-port-forbid",
    sets: 'metadata "serial-port-enable" "false" (project metadata item: value "false")',
    safe:
        "Only the interactive serial console closes; the serial port output (boot logs, getSerialPortOutput) stays " +
        "readable and nothing the workload runs changes. Metadata is updated in place " +
        "(https://cloud.google.com/compute/docs/troubleshooting/troubleshooting-using-serial-console).",
    plan: (type, props) => setMetadataFlag(type, props, "serial-port-enable", "false"),
};
