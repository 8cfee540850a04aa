import { BOOT_TYPES, bootFindings, bootScripts } from "../model/boot";
import { reportUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** Package installs, downloaded and remote scripts at boot. */
export const bootInstallForbid: ResourceRule = {
    kind: "resource",
    name: "boot-install-forbid",
    family: Family.Boot,
    description:
        "Forbids installs and remote code at boot: OS and language package managers (apt, yum, dnf, apk, zypper, choco, winget, Install-Package, pip, npm, gem...), downloads that are executed (curl | sh, bash <(curl ...), curl -o x.sh && sh x.sh, iwr | iex), vendor installers, remote startup scripts (startup-script-url, #include, Custom Script fileUris), cloud-config packages, in user data, startup scripts, custom data and Custom Script extensions.",
    why: "Build once: what a boot script installs depends on the day it runs, so two instances of one release differ; configuration belongs in the image.",
    fix: "Move the install into the image build (Dockerfile or machine image) and keep boot scripts to reading config and secrets (aws secretsmanager get-secret-value, gcloud secrets versions access, az keyvault secret show, the metadata service).",
    enforcementLevel: "mandatory",
    stage: MigrationStage.GoldenImages,
    resourceTypes: BOOT_TYPES,
    defaults: {},
    validate(type, props, _config, report) {
        for (const script of bootScripts(type, props)) {
            const found = bootFindings(script);
            reportUnreadable(found.unreadable, report);
            if (found.installs.length > 0) {
                report(
                    `${script.path} runs ${found.installs.map((i) => `${/^[aeiou]/.test(i.kind) ? "an" : "a"} ${i.kind} (${i.command})`).join(", ")}`,
                );
            }
        }
    },
};
