import { instanceAccess } from "../model/access";
import { AZURE_VM_TYPES } from "../model/types";
import { ofAspect, reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** Azure logins by OS: Linux password authentication, Windows WinRM listeners. */
export const passwordAuthForbid: ResourceRule = {
    kind: "resource",
    name: "password-auth-forbid",
    family: Family.Access,
    description:
        "Forbids password authentication on Azure Linux VMs, scale sets and scale-set VMs (a Linux profile without linuxConfiguration included), and WinRM listeners on Windows ones (where an admin password is mandatory).",
    why: "Never modify a running instance, replace it: a login password or a remote shell is a standing way to change a server by hand.",
    fix: "Linux: set osProfile.linuxConfiguration.disablePasswordAuthentication true and drop adminPassword. Windows: remove windowsConfiguration.winRM listeners (RDP/WinRM ports are admin-ingress-forbid's).",
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: AZURE_VM_TYPES,
    defaults: {},
    validate(type, props, _config, report) {
        const access = instanceAccess(type, props);
        reportUnreadable(access.unreadable, report, ofAspect("password"));
        if (access.passwordLogin) {
            report(access.passwordLogin);
        }
        if (access.winRmListeners && access.winRmListeners.length > 0) {
            report(
                `Windows VM opens WinRM listeners (${access.winRmListeners.join(", ")}): a remote shell to change it by hand`,
            );
        }
    },
};
