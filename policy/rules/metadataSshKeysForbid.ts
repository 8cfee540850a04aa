import { instanceAccess, sshKeyEntries } from "../model/access";
import { T } from "../model/types";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** GCP `ssh-keys` metadata on instances, templates and the project. */
export const metadataSshKeysForbid: ResourceRule = {
    kind: "resource",
    name: "metadata-ssh-keys-forbid",
    family: Family.Access,
    description:
        "Forbids SSH keys in GCP metadata (ssh-keys / sshKeys) on instances, instance templates, project metadata and project metadata items.",
    why: "Never modify a running instance, replace it: metadata SSH keys let anyone holding them log in and change instances by hand.",
    fix: "Remove the ssh-keys metadata; ship changes as a new image, and use OS Login with IAP for break-glass access.",
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
        for (const key of sshKeyEntries(metadata ?? {})) {
            report(`metadata "${key}" installs SSH keys${projectWide ? " on every instance of the project" : ""}`);
        }
    },
};
