import { instanceAccess } from "../model/access";
import { T } from "../model/types";
import { truthy } from "../model/values";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** GCP instances that accept project-wide SSH keys. */
export const projectSshKeysForbid: ResourceRule = {
    kind: "resource",
    name: "project-ssh-keys-forbid",
    family: Family.Access,
    description:
        'Forbids GCP instances and instance templates that accept project-wide SSH keys (neither metadata block-project-ssh-keys nor enable-oslogin "true").',
    why: "Never modify a running instance, replace it: project-wide keys open every instance to whoever can edit project metadata.",
    fix: 'Set metadata "block-project-ssh-keys": "true" on the instance or template (or "enable-oslogin": "TRUE", which ignores metadata keys).',
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: [T.gcpInstance, T.gcpInstanceTemplate, T.gcpRegionInstanceTemplate],
    defaults: {},
    validate(type, props, _config, report) {
        const { metadata } = instanceAccess(type, props);
        // OS Login disables metadata-based SSH keys, project-wide ones included.
        if (!truthy(metadata?.["block-project-ssh-keys"]) && !truthy(metadata?.["enable-oslogin"])) {
            report('metadata "block-project-ssh-keys" is not "true": project-wide SSH keys are accepted');
        }
    },
};
