import { instanceAccess } from "../model/access";
import { T } from "../model/types";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** Azure Linux VMs and scale sets that accept passwords. */
export const passwordAuthForbid: ResourceRule = {
    kind: "resource",
    name: "password-auth-forbid",
    family: Family.Access,
    description: "Forbids password authentication on Azure Linux virtual machines and scale sets.",
    why: "Never modify a running instance, replace it: a login password is a standing way to change a server by hand.",
    fix: "Set osProfile.linuxConfiguration.disablePasswordAuthentication true and drop adminPassword.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: [T.azureVm, T.azureVmss],
    defaults: {},
    validate(type, props, _config, report) {
        if (instanceAccess(type, props).passwordAuthentication === true) {
            report("password authentication is enabled (linuxConfiguration.disablePasswordAuthentication is not true)");
        }
    },
};
