/**
 * The CrossGuard pack `immutable-infrastructure`. The ONLY module that constructs the PolicyPack (which
 * starts the analyzer's gRPC server): run it with `pulumi preview --policy-pack policy`. Tests and the
 * command line use policy/catalog.ts and policy/evaluate.ts instead.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, RULES } from "./catalog";
import { toPolicy } from "./policies";

new PolicyPack(PACK_NAME, {
    description:
        "Rejects mutable infrastructure on AWS, GCP and Azure: admin ports, logins, unpinned images, boot-time installs, writable runtimes, immortal instances, plaintext secrets, per-cloud drift.",
    policies: RULES.map((rule) => toPolicy(rule)),
});
