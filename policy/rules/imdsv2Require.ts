import { instanceAccess } from "../model/access";
import { AWS_INSTANCE_TYPES, RESOURCE_TYPE } from "../model/types";
import { reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** IMDSv2 (session tokens) on AWS instances, spot requests and fleets, launch templates and configurations. */
export const imdsv2Require: ResourceRule = {
    kind: "resource",
    name: "imdsv2-require",
    family: Family.Access,
    description:
        'Requires IMDSv2 session tokens (metadataOptions.httpTokens "required") on AWS instances, spot requests and fleets, launch templates and launch configurations.',
    why: "Secrets at boot: instance credentials come from the metadata service, and IMDSv1 hands them to any SSRF in the application.",
    fix: 'Set metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } (or httpEndpoint "disabled"); spot fleets: launch from a launch template that does.',
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: [
        ...AWS_INSTANCE_TYPES,
        RESOURCE_TYPE.awsLaunchTemplate,
        RESOURCE_TYPE.awsLaunchConfiguration,
        RESOURCE_TYPE.awsSpotFleetRequest,
    ],
    defaults: {},
    validate(type, props, _config, report) {
        const access = instanceAccess(type, props);
        const unreadable = access.unreadable.filter((u) => u.aspect === "imds");
        reportUnreadable(unreadable, report);
        if (unreadable.length === 0 && access.imdsTokensRequired === false) {
            report(access.imdsWhy ?? 'metadataOptions.httpTokens is not "required": IMDSv1 is reachable');
        }
    },
};
