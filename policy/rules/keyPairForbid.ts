import { AWS_KEY_PAIR_TYPES, instanceAccess } from "../model/access";
import { RESOURCE_TYPE } from "../model/types";
import { ofAspect, reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** AWS key pairs on instances, spot requests, templates, launch configurations and Lightsail, and key pair resources. */
export const keyPairForbid: ResourceRule = {
    kind: "resource",
    name: "key-pair-forbid",
    family: Family.Access,
    description:
        "Forbids SSH key pairs on AWS instances, spot requests and fleets, launch templates and configurations, Lightsail instances, and key pair resources.",
    why: "Never modify a running instance, replace it: a key pair is a standing way to log in and change a server by hand.",
    fix: "Drop keyName and the KeyPair; bake changes into a new image, and use SSM Session Manager for break-glass diagnostics.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: AWS_KEY_PAIR_TYPES,
    defaults: {},
    validate(type, props, _config, report) {
        const access = instanceAccess(type, props);
        reportUnreadable(access.unreadable, report, ofAspect("keyPair"));
        const { keyPair } = access;
        if (keyPair !== undefined) {
            report(
                type === RESOURCE_TYPE.awsKeyPair || type === RESOURCE_TYPE.awsLightsailKeyPair
                    ? `key pair "${keyPair}" is a standing SSH credential`
                    : `${access.keyPairField ?? "keyName"} "${keyPair}" installs an SSH key pair`,
            );
        }
    },
};
