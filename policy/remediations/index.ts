/**
 * The remediations of the pack, by rule name: the rules whose fix is one setting, applied in place, that cannot
 * change behaviour the workload relies on. docs/migration.md says why every other rule never remediates
 * (ingress, boot scripts, images, lifetimes and state need a person's judgement).
 */
import { ecsExecRemediation } from "./ecsExecForbid";
import { imdsv2Remediation } from "./imdsv2Require";
import { projectSshKeysRemediation } from "./projectSshKeysForbid";
import { registryTagImmutabilityRemediation } from "./registryTagImmutabilityRequire";
import type { Remediation } from "./remediation";
import { serialPortRemediation } from "./serialPortForbid";

export type { PropertySet, Remediation, RemediationPlan } from "./remediation";

/** Every remediation, by the name of the rule it fixes. */
export const REMEDIATIONS: ReadonlyMap<string, Remediation<any>> = new Map(
    [
        imdsv2Remediation,
        projectSshKeysRemediation,
        serialPortRemediation,
        ecsExecRemediation,
        registryTagImmutabilityRemediation,
    ].map((r) => [r.rule, r]),
);

/**
 * Why every other rule never remediates: its fix needs a person's judgement, changes behaviour the workload relies
 * on, replaces or deletes a resource, or (stack rules) CrossGuard cannot remediate it. A rule of the pack appears
 * either in {@link REMEDIATIONS} or here (test/policy/remediation.spec.ts), and docs/migration.md lists both.
 */
export const NEVER_REMEDIATED: ReadonlyMap<string, string> = new Map([
    [
        "admin-ingress-forbid",
        "Ingress needs judgement: the rule that opens SSH may be a port range that also carries the service's traffic, and the break-glass path (SSM, IAP, Bastion) must exist before it closes.",
    ],
    [
        "key-pair-forbid",
        "Dropping keyName replaces an EC2 instance, and a KeyPair resource cannot be remediated away: a remediation transforms inputs, it never deletes a resource.",
    ],
    [
        "metadata-ssh-keys-forbid",
        "Removing keys removes logins someone or some job uses, and a project metadata item holding keys is the resource itself (a remediation cannot delete it).",
    ],
    [
        "password-auth-forbid",
        "A Linux VM needs an SSH key before passwords can go, and an existing VM's OS profile cannot be changed in place.",
    ],
    [
        "image-digest-require",
        "Images need judgement: which digest to run is a release decision (the build stack or the release manifest knows it, the pack does not).",
    ],
    [
        "golden-image-require",
        "Images need judgement: which golden image and version an instance boots is a release decision.",
    ],
    [
        "boot-install-forbid",
        "Boot scripts need judgement: what a script installs must move into an image build first; deleting it from the script breaks the boot.",
    ],
    [
        "container-readonly-root-require",
        "The application may write to its root filesystem: the paths it writes need volumes first.",
    ],
    [
        "container-privileged-forbid",
        "The container may need what privileged mode grants: the one capability it needs must be found first.",
    ],
    [
        "container-root-user-forbid",
        "The image's files and ports may need root: the user belongs in the Dockerfile, with the image rebuilt.",
    ],
    [
        "instance-lifetime-require",
        "Bounding the lifetime starts replacing running instances; how long they may live and whether they can be replaced is the team's choice.",
    ],
    [
        "rolling-replacement-require",
        "Turning on rolling replacement replaces running instances at the next change; the strategy, batch size and health checks are the team's choice.",
    ],
    ["floating-launch-template-forbid", "Which launch template version a group runs is a release decision."],
    [
        "in-place-change-forbid",
        "What a remote command or SSM document changes must move into an image first, and a command resource cannot be remediated away (a remediation transforms inputs, it never deletes a resource).",
    ],
    ["instance-state-forbid", "Moving data off instances is a migration (databases, object stores), not a setting."],
    [
        "plaintext-secret-forbid",
        "The secret must first be created in a secret store and referenced; a remediation would have to handle the plaintext it should never see.",
    ],
    [
        "image-digest-drift-forbid",
        "A stack rule: CrossGuard remediates resources, never stacks; which release every cloud runs is a release decision.",
    ],
    [
        "environment-image-build-forbid",
        "A stack rule: CrossGuard remediates resources, never stacks; building in the build stack instead is a change to the program.",
    ],
]);
