import { instanceAccess } from "../model/access";
import { T } from "../model/types";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** IMDSv2 (session tokens) on AWS instances and launch templates. */
export const imdsv2Require: ResourceRule = {
    kind: "resource",
    name: "imdsv2-require",
    family: Family.Access,
    description:
        'Requires IMDSv2 session tokens (metadataOptions.httpTokens "required") on AWS instances and launch templates.',
    why: "Secrets at boot: instance credentials come from the metadata service, and IMDSv1 hands them to any SSRF in the application.",
    fix: 'Set metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } (or httpEndpoint "disabled").',
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: [T.awsInstance, T.awsLaunchTemplate],
    defaults: {},
    validate(type, props, _config, report) {
        if (instanceAccess(type, props).imdsTokensRequired === false) {
            report('metadataOptions.httpTokens is not "required": IMDSv1 is reachable');
        }
    },
};
