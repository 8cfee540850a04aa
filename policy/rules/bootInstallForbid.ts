import { BOOT_TYPES, bootScripts, findInstalls } from "../model/boot";
import { Family, MigrationStage, type ResourceRule } from "../rule";

/** Package installs and remote scripts at boot. */
export const bootInstallForbid: ResourceRule = {
    kind: "resource",
    name: "boot-install-forbid",
    family: Family.Boot,
    description:
        "Forbids package installs and remote scripts at boot (apt, yum, dnf, apk, zypper, pip, npm, curl|sh, cloud-config packages...) in user data, startup scripts and customData.",
    why: "Build once: what a boot script installs depends on the day it runs, so two instances of one release differ; configuration belongs in the image.",
    fix: "Move the install into the image build (Dockerfile or machine image) and keep boot scripts to reading config and secrets.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.GoldenImages,
    resourceTypes: BOOT_TYPES,
    defaults: {},
    validate(type, props, _config, report) {
        for (const script of bootScripts(type, props)) {
            const installs = findInstalls(script.text);
            if (installs.length > 0) {
                report(`${script.path} runs ${installs.map((i) => `a ${i.kind} (${i.command})`).join(", ")}`);
            }
        }
    },
};
