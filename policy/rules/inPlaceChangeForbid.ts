import { REMOTE_CHANGE_TYPES, remoteChanges } from "../model/remoteChange";
import { reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** Changing running servers in place: remote commands, provisioners, Run Command, SSM, OS Config. */
export const inPlaceChangeForbid: ResourceRule = {
    kind: "resource",
    name: "in-place-change-forbid",
    family: Family.Access,
    description:
        "Forbids changing running servers in place: @pulumi/command remote commands and file copies, local commands that connect to a host (ssh, scp, rsync, ansible-playbook, gcloud compute ssh, az vm run-command, aws ssm send-command), Azure Run Command, AWS SSM associations that run documents, GCP OS Config patch deployments and enforced OS policies.",
    why: "Never modify a running instance, replace it: a command that logs in and changes a server makes it differ from its image and from its siblings.",
    fix: "Bake the change into the machine image (or the container image) and roll the instances; keep read-only inventory (AWS-GatherSoftwareInventory, OS policies in VALIDATION mode) if you need it.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: REMOTE_CHANGE_TYPES,
    defaults: {},
    validate(type, props, _config, report) {
        const found = remoteChanges(type, props);
        reportUnreadable(found.unreadable, report);
        for (const change of found.changes) {
            const installs = change.installs
                .map((i) => `${/^[aeiou]/.test(i.kind) ? "an" : "a"} ${i.kind} (${i.command})`)
                .join(", ");
            report(`${change.what}${installs ? `, including ${installs}` : ""}: a change to a running server`);
        }
    },
};
