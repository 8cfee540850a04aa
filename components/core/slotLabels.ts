/**
 * The slot-label contract between the blue-green components and the policy pack: how a container resource
 * says which slot (blue or green) and which service it belongs to, so `image-digest-drift-forbid` can allow
 * the two releases of one service on every cloud and still reject a digest outside that release set. Pure,
 * no import: the policy pack vendors this file when it is published (policy/publish.sh).
 *
 * - AWS (ECS task definitions): tags `immutable:slot` and, optionally, `immutable:service`.
 * - GCP (Cloud Run v2 revision template `template.labels`, Cloud Run v1 `template.metadata.labels`): labels
 *   `immutable-slot` and, optionally, `immutable-service` (label keys allow no colon).
 * - Azure (Container Apps and jobs): tags `immutable-slot` / `immutable-service` on the app, or a revision
 *   suffix that starts with the slot (`template.revisionSuffix: "green-v43-ab12cd3"`, as the components write it).
 *
 * Without a service label the service is the image's name (the last segment of its repository).
 */

/** The AWS tag holding the slot. */
export const AWS_SLOT_TAG = "immutable:slot";
/** The AWS tag holding the service name (optional). */
export const AWS_SERVICE_TAG = "immutable:service";
/** The GCP label / Azure tag holding the slot. */
export const SLOT_LABEL = "immutable-slot";
/** The GCP label / Azure tag holding the service name (optional). */
export const SERVICE_LABEL = "immutable-service";
/** The slot names a label may hold. */
export const SLOT_NAMES: readonly string[] = ["blue", "green"];
/** A Container Apps revision suffix that names its slot: `<slot>-<version>-<digest7>`. */
export const REVISION_SUFFIX_SLOT = /^(blue|green)-/;
