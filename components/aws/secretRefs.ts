/**
 * AWS secret references, checked once for every AWS component: a Secrets Manager secret ARN or an SSM parameter
 * ARN, never a value. AwsContainerService hands ECS each one's `valueFrom` (its execution role reads them);
 * AwsInstanceGroup's boot script reads them with the AWS CLI (./instanceBoot.ts, its instance role reads them).
 * Both grant exactly the referenced secrets with {@link readSecretsPolicy}.
 */
import * as pulumi from "@pulumi/pulumi";
import type { SecretRefArgs } from "../core/serviceArgs";
import { isKnown } from "../core/slots";
import type { Validator } from "../core/validation";

/** One checked secret reference. */
export interface AwsSecretRef {
    name: string;
    arn: string;
    version?: string;
    kind: "secretsmanager" | "ssm";
    region: string;
}

const ARN = /^arn:(aws[a-z-]*):(secretsmanager|ssm):([a-z0-9-]+):(\d{12}):(secret:|parameter\/)\S+$/;

/** Checks one reference (a Secrets Manager secret ARN or an SSM parameter ARN, never a value). */
export function awsSecretRef(v: Validator, name: string, ref: string, version: string | undefined): AwsSecretRef {
    const m = ARN.exec(ref);
    if (!m) {
        return v.fail(
            `secrets.${name}.ref`,
            `must be a Secrets Manager secret ARN or an SSM parameter ARN (a reference, never the value), got ${JSON.stringify(ref.slice(0, 12) + (ref.length > 12 ? "..." : ""))}`,
        );
    }
    return { name, arn: ref, version, kind: m[2] as AwsSecretRef["kind"], region: m[3] };
}

/** Checks the secret args by name: plain references at once, Outputs when they resolve. */
export function awsSecretRefs(
    v: Validator,
    secrets: Record<string, SecretRefArgs>,
): Record<string, pulumi.Input<AwsSecretRef>> {
    const result: Record<string, pulumi.Input<AwsSecretRef>> = {};
    for (const [name, ref] of Object.entries(secrets)) {
        if (!ref || typeof ref !== "object" || ref.ref === undefined) {
            v.fail(`secrets.${name}`, "must be {ref: <Secrets Manager or SSM parameter ARN>, version?}");
        }
        result[name] =
            isKnown(ref.ref) && isKnown(ref.version)
                ? awsSecretRef(v, name, ref.ref as string, ref.version as string | undefined)
                : pulumi.all([ref.ref, ref.version]).apply(([arn, version]) => awsSecretRef(v, name, arn, version));
    }
    return result;
}

/** The references sorted by name, resolved. */
export function sortedSecretRefs(refs: Record<string, pulumi.Input<AwsSecretRef>>): pulumi.Output<AwsSecretRef[]> {
    return pulumi.all(
        Object.keys(refs)
            .sort()
            .map((name) => refs[name]),
    );
}

/** What ECS reads for one reference: the ARN, with the version in the form each store takes. */
export function ecsValueFrom(ref: AwsSecretRef): string {
    if (!ref.version) {
        return ref.arn;
    }
    return ref.kind === "secretsmanager" ? `${ref.arn}:::${ref.version}` : `${ref.arn}:${ref.version}`;
}

/** Each secret's `valueFrom`: plain when its reference is, an Output otherwise. */
export function ecsValueFroms(refs: Record<string, pulumi.Input<AwsSecretRef>>): Record<string, pulumi.Input<string>> {
    return Object.fromEntries(
        Object.entries(refs).map(([name, ref]) => [
            name,
            isKnown(ref) ? ecsValueFrom(ref as AwsSecretRef) : pulumi.output(ref).apply(ecsValueFrom),
        ]),
    );
}

/**
 * A role's permission to read exactly the referenced secrets: `secretsmanager:GetSecretValue` on the secrets,
 * `parameterAction` on the parameters (ECS calls `ssm:GetParameters`, the AWS CLI `ssm:GetParameter`). The
 * resources are the secrets' and parameters' own ARNs (without a JSON key or version selector).
 */
export function readSecretsPolicy(
    refs: AwsSecretRef[],
    parameterAction: "ssm:GetParameter" | "ssm:GetParameters",
): string {
    const secretArns = refs
        .filter((r) => r.kind === "secretsmanager")
        .map((r) => r.arn.split(":").slice(0, 7).join(":"));
    const parameterArns = refs.filter((r) => r.kind === "ssm").map((r) => r.arn.replace(/:\d+$/, ""));
    const statements: Record<string, unknown>[] = [];
    if (secretArns.length > 0) {
        statements.push({
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue"],
            Resource: [...new Set(secretArns)],
        });
    }
    if (parameterArns.length > 0) {
        statements.push({ Effect: "Allow", Action: [parameterAction], Resource: [...new Set(parameterArns)] });
    }
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
