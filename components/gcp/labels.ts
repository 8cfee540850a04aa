/** GCP labels, as every GCP component writes them (the Cloud Run service, the instance group's resources). */
import * as pulumi from "@pulumi/pulumi";
import { gcpLabelValue } from "../core/machineImageRelease";

/**
 * Labels as GCP takes them, keys and values alike: lowercase letters, digits, `_` and `-`, at most 63 characters
 * (https://cloud.google.com/compute/docs/labeling-resources#requirements).
 */
export function gcpLabels(labels: Record<string, pulumi.Input<string>>): Record<string, pulumi.Input<string>> {
    return Object.fromEntries(
        Object.entries(labels).map(([k, value]) => [gcpLabelValue(k), pulumi.output(value).apply(gcpLabelValue)]),
    );
}
