/**
 * What an AWS instance of an instance group is told at boot: its boot script (components/core/bootScript.ts) with
 * each secret read by the AWS CLI from Secrets Manager or SSM Parameter Store by ARN, and the instance role's
 * permission to read exactly those. Pure functions over resolved values.
 */
import { type BootSecret, shellQuote } from "../core/bootScript";
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

/** The command that prints one secret's value (the AWS CLI, with the instance role's credentials). */
export function awsSecretFetch(s: AwsSecretRef): BootSecret {
    const fetch =
        s.kind === "secretsmanager"
            ? `aws secretsmanager get-secret-value --region ${s.region} --secret-id ${shellQuote(s.arn)}${
                  s.version ? ` --version-id ${shellQuote(s.version)}` : ""
              } --query SecretString --output text`
            : `aws ssm get-parameter --region ${s.region} --name ${shellQuote(
                  s.version ? `${s.arn}:${s.version}` : s.arn,
              )} --with-decryption --query Parameter.Value --output text`;
    return { name: s.name, fetch };
}

/** The instance role's permission to read exactly the referenced secrets, or undefined when there are none. */
export function readSecretsPolicy(refs: AwsSecretRef[]): string | undefined {
    const statements: Record<string, unknown>[] = [];
    const secrets = refs.filter((r) => r.kind === "secretsmanager").map((r) => r.arn);
    const parameters = refs.filter((r) => r.kind === "ssm").map((r) => r.arn);
    if (secrets.length > 0) {
        statements.push({
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue"],
            Resource: [...new Set(secrets)],
        });
    }
    if (parameters.length > 0) {
        statements.push({ Effect: "Allow", Action: ["ssm:GetParameter"], Resource: [...new Set(parameters)] });
    }
    return statements.length > 0 ? JSON.stringify({ Version: "2012-10-17", Statement: statements }) : undefined;
}

/** Resolved secret args, checked: the names sorted. */
export function awsSecretRefs(
    v: Validator,
    secrets: Record<string, { ref: string; version?: string }>,
): AwsSecretRef[] {
    return Object.keys(secrets)
        .sort()
        .map((name) => awsSecretRef(v, name, secrets[name].ref, secrets[name].version));
}
