import { instanceAccess, metadataFlag, metadataReach, sshKeyEntries } from "../model/access";
import { GCP_METADATA_TYPES } from "../model/types";
import { describeUnreadable, ofAspect, reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** GCP `ssh-keys` metadata, and OS Login turned off, on instances, templates, zones and the project. */
export const metadataSshKeysForbid: ResourceRule = {
    kind: "resource",
    name: "metadata-ssh-keys-forbid",
    family: Family.Access,
    description:
        'Forbids SSH keys in GCP metadata (ssh-keys / sshKeys) and OS Login turned off (enable-oslogin "FALSE") on instances (from templates and machine images too), instance templates, per-instance configs, zone instance settings, project metadata and project metadata items.',
    why: "Never modify a running instance, replace it: metadata SSH keys let anyone holding them log in and change instances by hand.",
    fix: 'Remove the ssh-keys metadata and any enable-oslogin "FALSE"; ship changes as a new image, and use OS Login with IAP for break-glass access.',
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: GCP_METADATA_TYPES,
    defaults: {},
    validate(type, props, _config, report) {
        const access = instanceAccess(type, props);
        const reach = metadataReach(access);
        const scope = reach ? ` on ${reach}` : "";
        reportUnreadable(
            access.unreadable,
            report,
            ofAspect("metadata", "metadata:ssh-keys", "metadata:sshKeys", "metadata:enable-oslogin"),
        );
        for (const key of sshKeyEntries(access.metadata ?? {})) {
            report(`metadata "${key}" installs SSH keys${scope}`);
        }
        const osLogin = metadataFlag(access, "enable-oslogin");
        if (osLogin.unreadable) {
            report(describeUnreadable(osLogin.unreadable));
        } else if (osLogin.value === false) {
            report(
                `metadata "enable-oslogin" is "${access.metadata!["enable-oslogin"]}"${scope}: OS Login is off, so SSH keys written to metadata log in`,
            );
        }
    },
};
