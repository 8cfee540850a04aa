/**
 * What an AWS instance of an instance group is told at boot: its boot script (components/core/bootScript.ts) with
 * each secret (./secretRefs.ts) read by the AWS CLI from Secrets Manager or SSM Parameter Store by ARN. Pure
 * functions over resolved values.
 */
import { type BootSecret, shellQuote } from "../core/bootScript";
import type { AwsSecretRef } from "./secretRefs";

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
