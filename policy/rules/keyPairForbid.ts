import { instanceAccess } from "../model/access";
import { AWS_INSTANCE_TYPES, RESOURCE_TYPE as RT } from "../model/types";
import { describeUnreadable } from "../model/unreadable";
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
    resourceTypes: [
        ...AWS_INSTANCE_TYPES,
        RT.awsLaunchTemplate,
        RT.awsLaunchConfiguration,
        RT.awsSpotFleetRequest,
        RT.awsKeyPair,
        RT.awsLightsailInstance,
        RT.awsLightsailKeyPair,
    ],
    defaults: {},
    validate(type, props, _config, report) {
        const access = instanceAccess(type, props);
        for (const u of access.unreadable) {
            if (u.aspect === "keyPair") {
                report(describeUnreadable(u));
            }
        }
        const { keyPair } = access;
        if (keyPair !== undefined) {
            report(
                type === RT.awsKeyPair || type === RT.awsLightsailKeyPair
                    ? `key pair "${keyPair}" is a standing SSH credential`
                    : `${access.keyPairField ?? "keyName"} "${keyPair}" installs an SSH key pair`,
            );
        }
    },
};
