/**
 * What Cloud Run enforces on a service, as pure checks with the documentation they rest on. The component
 * refuses these inputs before any resource exists; the specs' constraints layer holds the synthesized
 * resources to the same truths.
 */

/** Our Cloud Run service names: 1-30 (the service account id `<name>-run` must fit 6-30 characters). */
export const SERVICE_NAME = /^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$/;
/** How GcpContainerService names its service: `serviceName`, else the component's name (core/serviceArgs.ts checkedName). */
export const SERVICE_NAME_RULE = {
    field: "serviceName",
    max: 30,
    pattern: SERVICE_NAME,
    rule: "1-30 lowercase letters, digits or hyphens, starting with a letter",
};

/**
 * A revision name is `<service>-<suffix>`, a DNS label of at most 63 characters
 * (https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.services#RevisionTemplate,
 * https://cloud.google.com/sdk/gcloud/reference/run/deploy#--revision-suffix).
 */
export const REVISION_NAME_MAX = 63;
export const REVISION_NAME_DOC =
    "https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.services#RevisionTemplate";

/** A traffic tag and the service name together form the tag URL's host label: at most 46 characters. */
export const TAG_AND_SERVICE_MAX = 46;
export const TAG_DOC = "https://cloud.google.com/run/docs/rollouts-rollbacks-traffic-migration#tags";

/** Service account ids: 6-30 lowercase letters, digits and hyphens, starting with a letter. */
export const ACCOUNT_ID = /^[a-z]([-a-z0-9]{4,28}[a-z0-9])$/;
export const ACCOUNT_ID_DOC = "https://cloud.google.com/iam/docs/service-accounts-create#creating";

/** A service account id `<base>-<suffix>`: `base` cut to `keep` characters (no trailing hyphen), at least 6 long. */
export function accountId(base: string, keep: number, suffix: string): string {
    return `${base.slice(0, keep).replace(/-$/, "")}-${suffix}`.padEnd(6, "x");
}

/** The second-generation execution environment (in-memory volumes need it) takes at least 512 MiB. */
export const GEN2_MIN_MEMORY_MIB = 512;
export const GEN2_DOC = "https://cloud.google.com/run/docs/about-execution-environments";

/** CPU and memory limits: whole CPUs 1, 2, 4, 6, 8, each with a memory ceiling; more memory needs more CPU. */
export const CPU_DOC = "https://cloud.google.com/run/docs/configuring/services/cpu";
export const MEMORY_DOC = "https://cloud.google.com/run/docs/configuring/services/memory-limits";
const MAX_MEMORY_MIB: Readonly<Record<number, number>> = { 1: 4096, 2: 8192, 4: 16384, 6: 24576, 8: 32768 };
const MIN_MEMORY_MIB: Readonly<Record<number, number>> = { 4: 2048, 6: 4096, 8: 4096 };

/** Why `cpu` with `memoryMiB` is not a Cloud Run (gen2) instance size, or undefined when it is one. */
export function cloudRunSizeProblem(cpu: number, memoryMiB: number): string | undefined {
    if (memoryMiB < GEN2_MIN_MEMORY_MIB) {
        return `memoryMiB ${memoryMiB} is below the ${GEN2_MIN_MEMORY_MIB} MiB the second-generation execution environment needs (${GEN2_DOC})`;
    }
    if (cpu < 1) {
        return memoryMiB > 512
            ? `memoryMiB ${memoryMiB} does not go with cpu ${cpu}: below 1 CPU Cloud Run allows at most 512 MiB (${MEMORY_DOC})`
            : cpu < 0.08
              ? `cpu ${cpu} is below Cloud Run's smallest CPU, 0.08 (${CPU_DOC})`
              : undefined;
    }
    const max = MAX_MEMORY_MIB[cpu];
    if (max === undefined) {
        return `cpu ${cpu} is not a Cloud Run CPU limit: take 1, 2, 4, 6 or 8 (or a fraction below 1) (${CPU_DOC})`;
    }
    if (memoryMiB > max) {
        return `memoryMiB ${memoryMiB} does not go with cpu ${cpu}: ${cpu} CPU allows at most ${max} MiB (${MEMORY_DOC})`;
    }
    if (memoryMiB < (MIN_MEMORY_MIB[cpu] ?? 0)) {
        return `memoryMiB ${memoryMiB} does not go with cpu ${cpu}: ${cpu} CPU needs at least ${MIN_MEMORY_MIB[cpu]} MiB (${CPU_DOC})`;
    }
    return undefined;
}

/** The Artifact Registry repository of an image (`<location>-docker.pkg.dev/<project>/<repository>/<image>`). */
export interface ArtifactRepository {
    location: string;
    project: string;
    repositoryId: string;
}

/** The Artifact Registry repository an image comes from, or undefined for any other registry. */
export function artifactRepositoryOf(image: string): ArtifactRepository | undefined {
    const m = /^([a-z0-9-]+)-docker\.pkg\.dev\/([^/]+)\/([^/]+)\/[^@]+/.exec(image);
    return m ? { location: m[1], project: m[2], repositoryId: m[3] } : undefined;
}

/** The Cloud Run service agent of a project: it pulls the images of every service of that project. */
export function cloudRunServiceAgent(projectNumber: string): string {
    return `serviceAccount:service-${projectNumber}@serverless-robot-prod.iam.gserviceaccount.com`;
}
export const SERVICE_AGENT_DOC = "https://cloud.google.com/run/docs/deploying#other-projects";
