/** What Azure Container Apps and ACR enforce, and the mocks do not. */
import {
    acrNameOf,
    APP_NAME,
    APP_NAME_DOC,
    containerAppsSizeProblem,
    parseArmId,
    REVISION_DOC,
    REVISION_NAME_MAX,
    REVISION_SUFFIX,
    ROLES,
    SIZES_DOC,
    vaultNameOf,
} from "../../../components/azure/limits";
import type { Synthesis } from "../../../bin/lib/synthesize";
import { plain } from "../../components/support/clouds";
import { type Constraint, dependsOn, ofType } from "../constraint";

const APP = "azure-native:app:ContainerApp";
const IDENTITY = "azure-native:managedidentity:UserAssignedIdentity";
const ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const REGISTRY = "azure-native:containerregistry:Registry";

/** Memory in MiB of a Container Apps limit (`2Gi`, `0.5Gi`). */
function mebibytes(limit: string): number {
    const m = /^(\d+(?:\.\d+)?)Gi$/.exec(limit);
    return m ? Number(m[1]) * 1024 : NaN;
}

/** The app's identity, created in this synthesis (or undefined: an identity of elsewhere). */
function identityOf(s: Synthesis, app: { plain: any }) {
    const ids: string[] = app.plain.identity?.userAssignedIdentities ?? [];
    return s.resources.find((r) => r.type === IDENTITY && ids.includes(plain(r.outputs).id));
}

/** The role assignment granting `role` on a scope whose resource is named `name`, to `principalId`. */
function grantOf(s: Synthesis, principalId: string, role: string, name: string) {
    return ofType(s, ASSIGNMENT).find(
        (a) =>
            a.plain.principalId === principalId &&
            String(a.plain.roleDefinitionId).endsWith(`/roleDefinitions/${role}`) &&
            parseArmId(String(a.plain.scope))?.name.toLowerCase() === name,
    );
}

export const AZURE_CONSTRAINTS: Constraint[] = [
    {
        id: "azure.app.name",
        description: "A container app name: 2-32 lowercase letters, digits and hyphens, a letter first, no `--`.",
        doc: APP_NAME_DOC,
        types: [APP],
        check: (s) =>
            ofType(s, APP)
                .filter((a) => !APP_NAME.test(String(a.plain.containerAppName)))
                .map((a) => ({ urn: a.urn, message: `app name ${JSON.stringify(a.plain.containerAppName)}` })),
    },
    {
        id: "azure.app.revision-name",
        description:
            "A revision name `<app>--<suffix>` is at most 54 characters; the suffix is lowercase letters, digits and hyphens, a letter first, no `--`.",
        doc: REVISION_DOC,
        types: [APP],
        check: (s) =>
            ofType(s, APP).flatMap((a) => {
                const app = String(a.plain.containerAppName);
                const suffix = a.plain.template?.revisionSuffix;
                const names = [
                    ...(suffix === undefined ? [] : [`${app}--${suffix}`]),
                    ...(a.plain.configuration?.ingress?.traffic ?? []).map((t: any) => t.revisionName).filter(Boolean),
                ];
                return names
                    .filter((n: string) => {
                        const rest = n.startsWith(`${app}--`) ? n.slice(app.length + 2) : "";
                        return n.length > REVISION_NAME_MAX || !REVISION_SUFFIX.test(rest);
                    })
                    .map((n: string) => ({ urn: a.urn, message: `revision name ${n} (${n.length} characters)` }));
            }),
    },
    {
        id: "azure.app.size",
        description: "A Consumption container takes 0.25-4 vCPU in steps of 0.25, with 2 GiB per vCPU.",
        doc: SIZES_DOC,
        types: [APP],
        check: (s) =>
            ofType(s, APP).flatMap((a) =>
                (a.plain.template?.containers ?? []).flatMap((c: any) => {
                    const problem = containerAppsSizeProblem(
                        Number(c.resources?.cpu),
                        mebibytes(String(c.resources?.memory)),
                    );
                    return problem ? [{ urn: a.urn, message: problem }] : [];
                }),
            ),
    },
    {
        id: "azure.app.replaced-revisions-retire",
        description:
            "Revisions a slot no longer uses are deactivated: Labels mode keeps only labelled revisions active (Multiple mode keeps every replaced revision's replicas).",
        doc: "https://learn.microsoft.com/azure/container-apps/deployment-labels",
        types: [APP],
        check: (s) =>
            ofType(s, APP)
                .filter(
                    (a) =>
                        (a.plain.configuration?.ingress?.traffic ?? []).length > 1 ||
                        a.plain.configuration?.activeRevisionsMode === "Multiple",
                )
                .filter(
                    (a) =>
                        a.plain.configuration?.activeRevisionsMode !== "Labels" || !a.plain.configuration?.targetLabel,
                )
                .map((a) => ({
                    urn: a.urn,
                    message: `revision mode ${a.plain.configuration?.activeRevisionsMode} keeps replaced revisions running`,
                })),
    },
    {
        id: "azure.app.identity-granted-before-app",
        description:
            "The app's identity holds AcrPull on the registry of every ACR image and Key Vault Secrets User on the vault of every secret before the app exists, and the app waits for both assignments.",
        doc: "https://learn.microsoft.com/azure/container-apps/managed-identity-image-pull",
        types: [APP],
        check: (s) =>
            ofType(s, APP).flatMap((a) => {
                const identity = identityOf(s, a);
                if (!identity) {
                    return [
                        {
                            urn: a.urn,
                            message: "its identity is not created here: its role assignments cannot be checked",
                        },
                    ];
                }
                const principal = plain(identity.outputs).principalId;
                const needs = [
                    ...(a.plain.configuration?.registries ?? []).map((r: any) => [
                        ROLES.acrPull,
                        acrNameOf(r.server) ?? r.server,
                        `AcrPull on ${r.server}`,
                    ]),
                    ...(a.plain.configuration?.secrets ?? [])
                        .filter((x: any) => x.keyVaultUrl)
                        .map((x: any) => [
                            ROLES.keyVaultSecretsUser,
                            vaultNameOf(x.keyVaultUrl) ?? x.keyVaultUrl,
                            `Key Vault Secrets User for ${x.keyVaultUrl}`,
                        ]),
                ] as Array<[string, string, string]>;
                return needs.flatMap(([role, scope, what]) => {
                    const grant = grantOf(s, principal, role, scope);
                    if (!grant) {
                        return [{ urn: a.urn, message: `the identity lacks ${what}` }];
                    }
                    if (!dependsOn(a, grant)) {
                        return [{ urn: a.urn, message: `does not wait for ${what}` }];
                    }
                    return grant.plain.principalType === "ServicePrincipal"
                        ? []
                        : [
                              {
                                  urn: grant.urn,
                                  message:
                                      "a new identity's assignment needs principalType ServicePrincipal (replication delay)",
                              },
                          ];
                });
            }),
    },
    {
        id: "azure.acr.name",
        description: "A container registry name: 5-50 letters and digits, globally unique.",
        doc: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftcontainerregistry",
        types: [REGISTRY],
        check: (s) =>
            ofType(s, REGISTRY)
                .filter((r) => !/^[a-zA-Z0-9]{5,50}$/.test(String(r.plain.registryName)))
                .map((r) => ({ urn: r.urn, message: `registry name ${JSON.stringify(r.plain.registryName)}` })),
    },
];
