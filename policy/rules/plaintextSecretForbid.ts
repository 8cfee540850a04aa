import { BOOT_TYPES, bootScripts } from "../model/boot";
import { CONTAINER_TYPES, containers } from "../model/containers";
import { plaintextSecret, scriptSecrets } from "../model/secrets";
import { ofAspect, reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** Plaintext secrets in container env and boot scripts. */
export const plaintextSecretForbid: ResourceRule = {
    kind: "resource",
    name: "plaintext-secret-forbid",
    family: Family.Secrets,
    description:
        "Forbids plaintext secret-looking values in container environment variables and boot scripts (user data, startup scripts, custom data, Custom Script extension settings).",
    why: "Secrets at boot: the runtime fetches secrets from a secret store when it starts; a value written into a spec is in clear text in the cloud's API (a Pulumi secret does not change that).",
    fix: "Pass a secret reference (Secrets Manager ARN, Secret Manager secret+version, Key Vault secret URL) through the platform's secret mechanism (ECS secrets, Cloud Run valueSource, Container Apps secretRef).",
    enforcementLevel: "mandatory",
    stage: MigrationStage.AutomateProvisioning,
    resourceTypes: [...new Set([...CONTAINER_TYPES, ...BOOT_TYPES])],
    defaults: {},
    validate(type, props, _config, report) {
        for (const c of containers(type, props)) {
            reportUnreadable(c.unreadable, report, ofAspect("env"));
            for (const e of c.env) {
                const why = plaintextSecret(e.name, e.value);
                if (why) {
                    report(`${c.path} env ${e.name} ${why}`);
                }
            }
        }
        for (const script of bootScripts(type, props)) {
            reportUnreadable(script.unreadable, report);
            const found = scriptSecrets(script.text);
            if (found.length > 0) {
                report(`${script.path} holds plaintext secrets: ${[...new Set(found)].join(", ")}`);
            }
        }
    },
};
