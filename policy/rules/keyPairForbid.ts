import { instanceAccess } from "../model/access";
import { T } from "../model/types";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** AWS key pairs on instances and launch templates, and KeyPair resources. */
export const keyPairForbid: ResourceRule = {
    kind: "resource",
    name: "key-pair-forbid",
    family: Family.Access,
    description: "Forbids SSH key pairs on AWS instances and launch templates, and key pair resources.",
    why: "Never modify a running instance, replace it: a key pair is a standing way to log in and change a server by hand.",
    fix: "Drop keyName and the KeyPair; bake changes into a new image, and use SSM Session Manager for break-glass diagnostics.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: [T.awsInstance, T.awsLaunchTemplate, T.awsKeyPair],
    defaults: {},
    validate(type, props, _config, report) {
        const { keyPair } = instanceAccess(type, props);
        if (keyPair !== undefined) {
            report(
                type === T.awsKeyPair
                    ? `key pair "${keyPair}" is a standing SSH credential`
                    : `keyName "${keyPair}" installs an SSH key pair`,
            );
        }
    },
};
