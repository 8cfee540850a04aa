/**
 * Every rule of the pack, importable without constructing the pack (constructing a PolicyPack starts the
 * analyzer's gRPC server). The command line reads CATALOG for SARIF rule entries and the fix column; the rule
 * table of docs/policies.md is generated from the same fields (scripts/docs.ts, `npm run docs`).
 */
import { adminIngressForbid } from "./rules/adminIngressForbid";
import { bootInstallForbid } from "./rules/bootInstallForbid";
import { containerPrivilegedForbid } from "./rules/containerPrivilegedForbid";
import { containerReadonlyRootRequire } from "./rules/containerReadonlyRootRequire";
import { containerRootUserForbid } from "./rules/containerRootUserForbid";
import { ecsExecForbid } from "./rules/ecsExecForbid";
import { environmentImageBuildForbid } from "./rules/environmentImageBuildForbid";
import { floatingLaunchTemplateForbid } from "./rules/floatingLaunchTemplateForbid";
import { goldenImageRequire } from "./rules/goldenImageRequire";
import { imageDigestDriftForbid } from "./rules/imageDigestDriftForbid";
import { imageDigestRequire } from "./rules/imageDigestRequire";
import { imdsv2Require } from "./rules/imdsv2Require";
import { inPlaceChangeForbid } from "./rules/inPlaceChangeForbid";
import { instanceLifetimeRequire } from "./rules/instanceLifetimeRequire";
import { instanceStateForbid } from "./rules/instanceStateForbid";
import { keyPairForbid } from "./rules/keyPairForbid";
import { metadataSshKeysForbid } from "./rules/metadataSshKeysForbid";
import { passwordAuthForbid } from "./rules/passwordAuthForbid";
import { plaintextSecretForbid } from "./rules/plaintextSecretForbid";
import { projectSshKeysForbid } from "./rules/projectSshKeysForbid";
import { registryTagImmutabilityRequire } from "./rules/registryTagImmutabilityRequire";
import { rollingReplacementRequire } from "./rules/rollingReplacementRequire";
import { serialPortForbid } from "./rules/serialPortForbid";
import { REMEDIATIONS } from "./remediations/index";
import type { EnforcementLevel, Family, MigrationStage, Rule } from "./rule";

/** The name of the pack. */
export const PACK_NAME = "immutable-infrastructure";

/** Every rule, in README order (by family). */
export const RULES: readonly Rule[] = [
    adminIngressForbid,
    keyPairForbid,
    imdsv2Require,
    metadataSshKeysForbid,
    projectSshKeysForbid,
    serialPortForbid,
    passwordAuthForbid,
    ecsExecForbid,
    inPlaceChangeForbid,
    imageDigestRequire,
    registryTagImmutabilityRequire,
    goldenImageRequire,
    bootInstallForbid,
    containerReadonlyRootRequire,
    containerPrivilegedForbid,
    containerRootUserForbid,
    instanceLifetimeRequire,
    rollingReplacementRequire,
    floatingLaunchTemplateForbid,
    instanceStateForbid,
    plaintextSecretForbid,
    imageDigestDriftForbid,
    environmentImageBuildForbid,
];

/** One rule as documented (no judge function). */
export interface RuleInfo {
    name: string;
    family: Family;
    /** "resource" (judges inputs of one resource) or "stack" (judges the stack's outputs). */
    kind: "resource" | "stack";
    description: string;
    why: string;
    fix: string;
    enforcementLevel: EnforcementLevel;
    /** The migration step the rule's findings block. */
    stage: MigrationStage;
    /** What the rule's remediation sets at the "remediate" level (policy/remediations/); undefined: never remediates. */
    remediates?: string;
    resourceTypes: readonly string[];
    /** Config properties and their defaults. */
    config: Record<string, unknown>;
}

/** The catalogue of every rule. */
export const CATALOG: readonly RuleInfo[] = RULES.map((r) => ({
    name: r.name,
    family: r.family,
    kind: r.kind,
    description: r.description,
    why: r.why,
    fix: r.fix,
    enforcementLevel: r.enforcementLevel,
    stage: r.stage,
    remediates: REMEDIATIONS.get(r.name)?.sets,
    resourceTypes: r.resourceTypes,
    config: { ...r.defaults },
}));

/** A rule by name. */
export function ruleNamed(name: string): Rule | undefined {
    return RULES.find((r) => r.name === name);
}
