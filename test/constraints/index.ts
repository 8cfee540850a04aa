/**
 * Every constraint of the layer (see ./constraint.ts). A new area adds its module under ./rules/ and its list
 * here; the specs in this folder run all of them over every component fixture and shipped stack.
 */
import type { Constraint, PairConstraint } from "./constraint";
import { AWS_CONSTRAINTS } from "./rules/aws";
import { AZURE_CONSTRAINTS } from "./rules/azure";
import { GCP_CONSTRAINTS } from "./rules/gcp";
import { REVISION_PAIR_CONSTRAINTS } from "./rules/revisions";
import { RELEASE_PAIR_CONSTRAINTS, VM_CONSTRAINTS } from "./rules/vm";

export const CONSTRAINTS: Constraint[] = [
    ...AWS_CONSTRAINTS,
    ...GCP_CONSTRAINTS,
    ...AZURE_CONSTRAINTS,
    ...VM_CONSTRAINTS,
];

export const PAIR_CONSTRAINTS: PairConstraint[] = [...REVISION_PAIR_CONSTRAINTS, ...RELEASE_PAIR_CONSTRAINTS];

export { evaluate, evaluatePair, type Constraint, type Finding, type PairConstraint, type World } from "./constraint";
export { MOCK_WORLD } from "./world";
