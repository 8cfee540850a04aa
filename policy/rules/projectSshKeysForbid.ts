import { instanceAccess, metadataFlag } from "../model/access";
import { GCP_INSTANCE_TYPES, GCP_TEMPLATE_TYPES } from "../model/types";
import { ofAspect, reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** GCP instances that accept project-wide SSH keys. */
export const projectSshKeysForbid: ResourceRule = {
    kind: "resource",
    name: "project-ssh-keys-forbid",
    family: Family.Access,
    description:
        'Forbids GCP instances (standalone, from templates, from machine images) and instance templates that accept project-wide SSH keys (neither metadata block-project-ssh-keys nor enable-oslogin "true").',
    why: "Never modify a running instance, replace it: project-wide keys open every instance to whoever can edit project metadata.",
    fix: 'Set metadata "block-project-ssh-keys": "true" on the instance or template (or "enable-oslogin": "TRUE", which ignores metadata keys).',
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: [...GCP_INSTANCE_TYPES, ...GCP_TEMPLATE_TYPES],
    defaults: {},
    validate(type, props, _config, report) {
        const access = instanceAccess(type, props);
        if (access.inheritsMetadata) {
            return; // metadata from the template or machine image, judged there
        }
        const unreadable = access.unreadable.filter(
            ofAspect("metadata", "metadata:block-project-ssh-keys", "metadata:enable-oslogin"),
        );
        const block = metadataFlag(access, "block-project-ssh-keys");
        const osLogin = metadataFlag(access, "enable-oslogin");
        // OS Login disables metadata-based SSH keys, project-wide ones included.
        if (block.value === true || osLogin.value === true) {
            return;
        }
        const problems = [...unreadable, block.unreadable, osLogin.unreadable].filter((u) => u !== undefined);
        if (problems.length > 0) {
            reportUnreadable(problems, report);
            return;
        }
        report('metadata "block-project-ssh-keys" is not "true": project-wide SSH keys are accepted');
    },
};
