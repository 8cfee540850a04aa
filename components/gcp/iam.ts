/**
 * The IAM side of GcpContainerService: the service account the revisions run as, its `secretAccessor` on
 * exactly the referenced secrets, and the image pull grant of the Cloud Run service agent on the Artifact
 * Registry repository of the images (which lives in the build project when releases are built once). The
 * service depends on all of them: a revision is never created before it may pull its image and read its
 * secrets.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { SecretRefArgs } from "../core/serviceArgs";
import { isKnown } from "../core/slots";
import type { Validator } from "../core/validation";
import { accountId, type ArtifactRepository, artifactRepositoryOf, cloudRunServiceAgent } from "./limits";

/** A checked Secret Manager reference. */
export interface GcpSecretRef {
    secret: pulumi.Input<string>;
    version: pulumi.Input<string>;
}

/** The service account the revisions run as. */
export function gcpServiceAccount(
    name: string,
    parent: pulumi.Resource,
    serviceName: string,
    project: pulumi.Input<string> | undefined,
): gcp.serviceaccount.Account {
    return new gcp.serviceaccount.Account(
        `${name}-run`,
        {
            accountId: accountId(serviceName, 24, "run"),
            displayName: `Cloud Run service ${serviceName}`,
            project,
        },
        { parent },
    );
}

/** `secretAccessor` for `member` on each referenced secret (one binding per secret). */
export function gcpSecretAccess(
    name: string,
    parent: pulumi.Resource,
    secretRefs: Record<string, GcpSecretRef>,
    member: pulumi.Input<string>,
    project: pulumi.Input<string> | undefined,
): gcp.secretmanager.SecretIamMember[] {
    const secretIds = [...new Set(Object.values(secretRefs).map((r) => r.secret))];
    return secretIds.map(
        (secretId, i) =>
            new gcp.secretmanager.SecretIamMember(
                `${name}-secret-${i}`,
                { secretId, role: "roles/secretmanager.secretAccessor", member, project },
                { parent },
            ),
    );
}

/**
 * `roles/artifactregistry.reader` for the Cloud Run service agent of the running project on the repository of
 * the images (https://cloud.google.com/run/docs/deploying#other-projects). One grant per service: every slot's image must come from one repository.
 * Images known now decide whether a grant exists (none outside Artifact Registry); images that are Outputs get
 * the grant, and an image outside Artifact Registry is refused when it resolves.
 */
export function gcpImagePullGrant(
    v: Validator,
    name: string,
    parent: pulumi.Resource,
    images: pulumi.Input<string>[],
    project: pulumi.Input<string> | undefined,
): gcp.artifactregistry.RepositoryIamMember | undefined {
    if (isKnown(images) && (images as string[]).every((i) => artifactRepositoryOf(i) === undefined)) {
        return undefined;
    }
    const repository = pulumi.all(images).apply((all) => oneRepository(v, all));
    const running = gcp.organizations.getProjectOutput({ projectId: project }, { parent });
    const member = pulumi.all([running.number, running.projectId]).apply(([number, id]) => {
        if (!number) {
            v.fail(
                "project",
                `${id ?? "(the provider's project)"} has no project number (organizations.getProject): the Cloud Run service agent service-<number>@serverless-robot-prod.iam.gserviceaccount.com cannot be named`,
            );
        }
        return cloudRunServiceAgent(String(number));
    });
    return new gcp.artifactregistry.RepositoryIamMember(
        `${name}-pull`,
        {
            project: repository.project,
            location: repository.location,
            repository: repository.repositoryId,
            role: "roles/artifactregistry.reader",
            member,
        },
        { parent },
    );
}

/** The one Artifact Registry repository of a service's images. */
function oneRepository(v: Validator, images: string[]): ArtifactRepository {
    const repos = images.map((image) => {
        const repo = artifactRepositoryOf(image);
        if (!repo) {
            v.fail(
                "image",
                `${image} is not in Artifact Registry (<location>-docker.pkg.dev/<project>/<repository>/<image>): set grantImagePull false for images the service agent can already pull`,
            );
        }
        return repo;
    });
    const distinct = [...new Set(repos.map((r) => `${r.project}/${r.location}/${r.repositoryId}`))];
    if (distinct.length > 1) {
        v.fail(
            "image",
            `the slots' images come from ${distinct.length} Artifact Registry repositories (${distinct.join(", ")}): one service pulls from one repository (the release's)`,
        );
    }
    return repos[0];
}

/** Checks the secret references: a secret id or resource name, and a pinned version (never `latest`). */
export function gcpSecretRefs(v: Validator, secrets: Record<string, SecretRefArgs>): Record<string, GcpSecretRef> {
    const result: Record<string, GcpSecretRef> = {};
    for (const [key, ref] of Object.entries(secrets)) {
        const field = `secrets.${key}`;
        if (!ref || typeof ref !== "object" || ref.ref === undefined) {
            v.fail(field, "must be {ref: <Secret Manager secret id or projects/<p>/secrets/<id>>, version: <number>}");
        }
        if (ref.version === undefined) {
            v.fail(`${field}.version`, "is required on Cloud Run: pin a secret version (a number), never latest");
        }
        const checkVersion = (version: string): string => {
            if (!/^[1-9][0-9]*$/.test(version)) {
                v.fail(
                    `${field}.version`,
                    `must pin a secret version number (never "latest"), got ${JSON.stringify(version)}`,
                );
            }
            return version;
        };
        const checkSecret = (secret: string): string => {
            if (!/^(projects\/[^/\s]+\/secrets\/)?[A-Za-z0-9_-]{1,255}$/.test(secret)) {
                v.fail(
                    `${field}.ref`,
                    "must be a Secret Manager secret id or projects/<p>/secrets/<id> (a reference, never the value)",
                );
            }
            return secret;
        };
        result[key] = {
            secret: isKnown(ref.ref) ? checkSecret(String(ref.ref)) : pulumi.output(ref.ref).apply(checkSecret),
            version: isKnown(ref.version)
                ? checkVersion(String(ref.version))
                : pulumi.output(ref.version!).apply(checkVersion),
        };
    }
    return result;
}
