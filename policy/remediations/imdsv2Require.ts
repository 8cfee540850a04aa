import { instanceAccess } from "../model/access";
import { bootScripts } from "../model/boot";
import { RESOURCE_TYPE } from "../model/types";
import { describeUnreadable } from "../model/unreadable";
import { record } from "../model/values";
import type { Remediation } from "./remediation";

/** The metadata service's addresses (IPv4, IPv6, the Amazon Linux name). */
const IMDS_ADDRESS = /169\.254\.169\.254|\[?fd00:ec2::254\]?|\binstance-data\b/;
/** The resources whose `metadataOptions` the remediation sets (in place, or as a new template or configuration). */
const METADATA_OPTIONS_TYPES: readonly string[] = [
    RESOURCE_TYPE.awsInstance,
    RESOURCE_TYPE.awsLaunchTemplate,
    RESOURCE_TYPE.awsLaunchConfiguration,
];
/** The IMDSv2 session token header. */
const TOKEN_HEADER = /X-aws-ec2-metadata-token/i;

/**
 * imdsv2-require: `metadataOptions.httpTokens = "required"`, nothing else (the hop limit, the endpoint and the
 * IPv6 setting stay as written). Declines when the resource's own boot script calls the metadata service without
 * a session token: that script relies on IMDSv1 and would stop working.
 */
export const imdsv2Remediation: Remediation = {
    rule: "imdsv2-require",
    sets: 'metadataOptions.httpTokens "required" (other metadata options kept)',
    safe:
        "Every AWS SDK and CLI released since November 2019 uses IMDSv2 first, and the change is an in-place update " +
        "(ModifyInstanceMetadataOptions; a new launch template version or launch configuration). Declined when the resource's user data " +
        "calls the metadata service without a token. Software inside the image that still uses IMDSv1 cannot be " +
        "seen from here: check the MetadataNoToken metric before choosing remediate " +
        "(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-transition-to-version-2.html).",
    plan(type, props) {
        if (!METADATA_OPTIONS_TYPES.includes(type)) {
            // Spot requests and fleets: their settings change only with a new request, or (launch specifications)
            // cannot require tokens at all; moving them to a launch template is a change to make, not a fix to apply.
            return { declined: `${type}: move it to a launch template that requires session tokens` };
        }
        const unreadable = instanceAccess(type, props).unreadable.find((u) => u.aspect === "imds");
        if (unreadable) {
            return { declined: `${describeUnreadable(unreadable)}: a value the pack cannot read is a person's to fix` };
        }
        if (props.metadataOptions !== undefined && props.metadataOptions !== null && !record(props.metadataOptions)) {
            return { declined: "metadataOptions is not an object" };
        }
        const v1 = bootScripts(type, props).find((s) => IMDS_ADDRESS.test(s.text) && !TOKEN_HEADER.test(s.text));
        if (v1) {
            return { declined: `${v1.path} calls the metadata service without a session token (IMDSv1)` };
        }
        return { sets: [{ path: ["metadataOptions", "httpTokens"], value: "required" }] };
    },
};
