/** What Cloud Run and Artifact Registry enforce, and the mocks do not. */
import {
    ACCOUNT_ID,
    ACCOUNT_ID_DOC,
    artifactRepositoryOf,
    cloudRunSizeProblem,
    CPU_DOC,
    REVISION_NAME_DOC,
    REVISION_NAME_MAX,
    SERVICE_AGENT_DOC,
    TAG_AND_SERVICE_MAX,
    TAG_DOC,
} from "../../../components/gcp/limits";
import { type Constraint, dependsOn, DNS_LABEL, ofType } from "../constraint";

const RUN = "gcp:cloudrunv2/service:Service";
const ACCOUNT = "gcp:serviceaccount/account:Account";
const SECRET_MEMBER = "gcp:secretmanager/secretIamMember:SecretIamMember";
const REPO_MEMBER = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember";
const REPO = "gcp:artifactregistry/repository:Repository";

/** Memory in MiB of a Cloud Run limit (`512Mi`, `2Gi`). */
function mebibytes(limit: string): number {
    const m = /^(\d+(?:\.\d+)?)(Mi|Gi)$/.exec(limit);
    return m ? Number(m[1]) * (m[2] === "Gi" ? 1024 : 1) : NaN;
}

export const GCP_CONSTRAINTS: Constraint[] = [
    {
        id: "gcp.run.revision-name",
        description:
            "A revision name is `<service>-<suffix>`, a DNS label of at most 63 characters; traffic names existing revisions.",
        doc: REVISION_NAME_DOC,
        types: [RUN],
        check: (s) =>
            ofType(s, RUN).flatMap((svc) => {
                const names = [svc.plain.template?.revision, ...(svc.plain.traffics ?? []).map((t: any) => t.revision)];
                return names
                    .filter((n) => n !== undefined)
                    .filter(
                        (n: string) =>
                            n.length > REVISION_NAME_MAX || !DNS_LABEL.test(n) || !n.startsWith(`${svc.plain.name}-`),
                    )
                    .map((n: string) => ({ urn: svc.urn, message: `revision name ${n} (${n.length} characters)` }));
            }),
    },
    {
        id: "gcp.run.tag-length",
        description:
            "A traffic tag and the service name together are at most 46 characters (they form the tag URL's host label).",
        doc: TAG_DOC,
        types: [RUN],
        check: (s) =>
            ofType(s, RUN).flatMap((svc) =>
                (svc.plain.traffics ?? [])
                    .filter((t: any) => t.tag && t.tag.length + String(svc.plain.name).length > TAG_AND_SERVICE_MAX)
                    .map((t: any) => ({ urn: svc.urn, message: `tag ${t.tag} with service ${svc.plain.name}` })),
            ),
    },
    {
        id: "gcp.run.size",
        description:
            "A Cloud Run (gen2) instance takes at least 512 MiB, a CPU of 1, 2, 4, 6 or 8 (or below 1), and memory within that CPU's bounds.",
        doc: CPU_DOC,
        types: [RUN],
        check: (s) =>
            ofType(s, RUN).flatMap((svc) =>
                (svc.plain.template?.containers ?? []).flatMap((c: any) => {
                    const problem = cloudRunSizeProblem(
                        Number(c.resources?.limits?.cpu),
                        mebibytes(String(c.resources?.limits?.memory)),
                    );
                    return problem ? [{ urn: svc.urn, message: problem }] : [];
                }),
            ),
    },
    {
        id: "gcp.run.image-pull-granted",
        description:
            "The Cloud Run service agent of the running project may read the Artifact Registry repository of every image (roles/artifactregistry.reader, cross-project), and the service waits for that grant.",
        doc: SERVICE_AGENT_DOC,
        types: [RUN],
        check: (s) =>
            ofType(s, RUN).flatMap((svc) => {
                const images: string[] = (svc.plain.template?.containers ?? []).map((c: any) => c.image);
                return images.flatMap((image) => {
                    const repo = artifactRepositoryOf(image);
                    if (!repo) {
                        return [];
                    }
                    const grant = ofType(s, REPO_MEMBER).find(
                        (g) =>
                            g.plain.role === "roles/artifactregistry.reader" &&
                            g.plain.repository === repo.repositoryId &&
                            g.plain.project === repo.project &&
                            g.plain.location === repo.location &&
                            /^serviceAccount:service-\d+@serverless-robot-prod\.iam\.gserviceaccount\.com$/.test(
                                g.plain.member,
                            ),
                    );
                    if (!grant) {
                        return [
                            {
                                urn: svc.urn,
                                message: `no reader grant for the Cloud Run service agent on ${repo.project}/${repo.location}/${repo.repositoryId}`,
                            },
                        ];
                    }
                    return dependsOn(svc, grant)
                        ? []
                        : [{ urn: svc.urn, message: `does not wait for the reader grant on ${repo.repositoryId}` }];
                });
            }),
    },
    {
        id: "gcp.run.secrets-readable-before-revision",
        description:
            "The revision's service account holds roles/secretmanager.secretAccessor on every secret it reads, and the service waits for those bindings.",
        doc: "https://cloud.google.com/run/docs/configuring/services/secrets#access-secret",
        types: [RUN],
        check: (s) =>
            ofType(s, RUN).flatMap((svc) => {
                const account = `serviceAccount:${svc.plain.template?.serviceAccount}`;
                const secrets: string[] = (svc.plain.template?.containers ?? []).flatMap((c: any) =>
                    (c.envs ?? []).filter((e: any) => e.valueSource).map((e: any) => e.valueSource.secretKeyRef.secret),
                );
                return [...new Set(secrets)].flatMap((secret) => {
                    const binding = ofType(s, SECRET_MEMBER).find(
                        (b) =>
                            b.plain.secretId === secret &&
                            b.plain.member === account &&
                            b.plain.role === "roles/secretmanager.secretAccessor",
                    );
                    if (!binding) {
                        return [{ urn: svc.urn, message: `${account} may not read secret ${secret}` }];
                    }
                    return dependsOn(svc, binding)
                        ? []
                        : [{ urn: svc.urn, message: `does not wait for secretAccessor on ${secret}` }];
                });
            }),
    },
    {
        id: "gcp.iam.account-id",
        description: "A service account id is 6-30 lowercase letters, digits and hyphens, starting with a letter.",
        doc: ACCOUNT_ID_DOC,
        types: [ACCOUNT],
        check: (s) =>
            ofType(s, ACCOUNT)
                .filter((a) => !ACCOUNT_ID.test(String(a.plain.accountId)))
                .map((a) => ({ urn: a.urn, message: `account id ${JSON.stringify(a.plain.accountId)}` })),
    },
    {
        id: "gcp.labels",
        description: "Label keys and values: at most 63 lowercase letters, digits, _ and -; keys start with a letter.",
        doc: "https://cloud.google.com/resource-manager/docs/labels-overview#requirements",
        types: [RUN, REPO],
        check: (s) =>
            [...ofType(s, RUN), ...ofType(s, REPO)].flatMap((r) => {
                const sets = [r.plain.labels ?? {}, r.plain.template?.labels ?? {}];
                return sets.flatMap((labels: Record<string, string>) =>
                    Object.entries(labels)
                        .filter(([k, v]) => !/^[a-z][a-z0-9_-]{0,62}$/.test(k) || !/^[a-z0-9_-]{0,63}$/.test(String(v)))
                        .map(([k, v]) => ({ urn: r.urn, message: `label ${k}=${v}` })),
                );
            }),
    },
    {
        id: "gcp.artifactregistry.repository-id",
        description:
            "An Artifact Registry repository id: lowercase letters, digits and hyphens, a letter first, at most 63.",
        doc: "https://cloud.google.com/artifact-registry/docs/repositories/create-repos",
        types: [REPO],
        check: (s) =>
            ofType(s, REPO)
                .filter(
                    (r) => !DNS_LABEL.test(String(r.plain.repositoryId)) || String(r.plain.repositoryId).length > 63,
                )
                .map((r) => ({ urn: r.urn, message: `repository id ${JSON.stringify(r.plain.repositoryId)}` })),
    },
];
