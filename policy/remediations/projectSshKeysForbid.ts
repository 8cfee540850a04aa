import type { Remediation } from "./remediation";
import { setMetadataFlag } from "./metadata";

/**
 * project-ssh-keys-forbid: metadata `block-project-ssh-keys = "true"` on the instance or template. The instance's
 * own metadata (its keys, OS Login, startup scripts) is kept as written.
 */
export const projectSshKeysRemediation: Remediation = {
    rule: "project-ssh-keys-forbid",
    sets: 'metadata "block-project-ssh-keys" "true" (other metadata kept)',
    safe:
        "Only logins with project-wide keys stop; the workload, its boot and the instance's own metadata are " +
        "untouched. Instance metadata is updated in place; a template change makes a new template, as every " +
        "template change does (https://cloud.google.com/compute/docs/connect/restrict-ssh-keys#block-keys).",
    plan: (type, props) => setMetadataFlag(type, props, "block-project-ssh-keys", "true"),
};
