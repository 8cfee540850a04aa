/** Reads a `--policy-pack-config` file: the JSON object `pulumi preview --policy-pack-config` takes. */
import * as fs from "node:fs";
import { InputError } from "../../components/core/validation";
import { describeJsonError } from "./auditInput";
import { LEVELS, type Level } from "../../policy/rule";
import type { PackConfig } from "./policyEngine";

/** Reads and checks the pack config; defects are one-line {@link InputError}s. */
export function readPackConfig(file: string): PackConfig {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err: any) {
        throw new InputError(
            `${file}: cannot read the policy pack config: ${err?.code === "ENOENT" ? "no such file" : err?.message}`,
        );
    }
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (err: any) {
        throw new InputError(`${file}: policy pack config: ${describeJsonError(text, err)}`);
    }
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
        throw new InputError(`${file}: policy pack config must be a JSON object of policy names to levels or settings`);
    }
    for (const [name, value] of Object.entries(doc as Record<string, unknown>)) {
        const ok =
            typeof value === "string"
                ? LEVELS.includes(value as Level)
                : typeof value === "object" && value !== null && !Array.isArray(value);
        if (!ok) {
            throw new InputError(
                `${file}: policy pack config: "${name}" must be ${LEVELS.map((l) => `"${l}"`).join(", ")} or an object, got ${JSON.stringify(value)}`,
            );
        }
    }
    return doc as PackConfig;
}
