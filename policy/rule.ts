/**
 * What a rule of the pack is: plain data plus a judge function over the normalized shapes. Rules never
 * touch `@pulumi/policy` directly; policy/policies.ts turns them into CrossGuard policies (the same objects
 * for the engine and for the offline evaluator).
 */

/** Enforcement levels a rule may default to. */
export type EnforcementLevel = "advisory" | "mandatory";

/**
 * The levels a pack config may give a rule (`--policy-pack-config`): its default levels, "remediate" (the engine
 * applies the rule's remediation before it judges the resource; policy/remediations/) and "disabled".
 */
export type Level = EnforcementLevel | "remediate" | "disabled";

/** Every {@link Level}, in the order messages list them. */
export const LEVELS: readonly Level[] = ["advisory", "mandatory", "remediate", "disabled"];

/** The rule families of the pack (README table order). */
export enum Family {
    Network = "network",
    Access = "access",
    Images = "images",
    Boot = "boot",
    Runtime = "runtime",
    Lifecycle = "lifecycle",
    Secrets = "secrets",
    Stack = "stack",
}

/**
 * The five steps teams take from mutable to immutable infrastructure, in order. Every rule belongs to the step
 * its findings block: a stack has reached the first step that still has open findings (docs/migration.md).
 */
export enum MigrationStage {
    /** 1. Infrastructure in code, secrets in a secret store (never in code, config or images). */
    AutomateProvisioning = "automate-provisioning",
    /** 2. Nothing that must survive lives on an instance or in a container's filesystem. */
    ExternalizeState = "externalize-state",
    /** 3. Images built once in CI, pinned by digest, nothing installed at boot, registries that never move a tag. */
    GoldenImages = "golden-images",
    /** 4. New releases run beside the old ones (slots, rolling replacement), never updated in place. */
    SideBySide = "side-by-side",
    /** 5. Cut over and stop patching: no logins, no shells, no in-place changes, instances with a bounded life. */
    CutOver = "cut-over",
}

/** The stages in order. */
export const MIGRATION_STAGES: readonly MigrationStage[] = [
    MigrationStage.AutomateProvisioning,
    MigrationStage.ExternalizeState,
    MigrationStage.GoldenImages,
    MigrationStage.SideBySide,
    MigrationStage.CutOver,
];

/** A JSON schema for one rule's config (CrossGuard `configSchema`). */
export interface ConfigSchema {
    properties: Record<string, Record<string, unknown>>;
}

/** Reports one violation; `urn` for stack rules pointing at one resource. */
export type Report = (message: string, urn?: string) => void;

interface RuleBase<C> {
    /** Stable name: `<concern>-forbid` for patterns that must not appear, `<concern>-require` for settings that must. */
    name: string;
    family: Family;
    /** One sentence: what the rule rejects. */
    description: string;
    /** Why, in the seed's words. */
    why: string;
    /** How to fix a violation, one sentence. */
    fix: string;
    enforcementLevel: EnforcementLevel;
    /** The migration step whose findings this rule reports (docs/migration.md). */
    stage: MigrationStage;
    /** Defaults of every config property (also the schema defaults). */
    defaults: C;
    configSchema?: ConfigSchema;
}

/** A rule over one resource's inputs. */
export interface ResourceRule<C = Record<string, never>> extends RuleBase<C> {
    kind: "resource";
    /** Every resource type the rule judges. */
    resourceTypes: readonly string[];
    /** Judges one resource (props are the resource's inputs as the analyzer gives them). */
    validate(type: string, props: Record<string, any>, config: C, report: Report): void;
}

/** A resource of a stack as a stack rule sees it (the analyzer's PolicyResource, reduced). */
export interface StackResource {
    urn: string;
    type: string;
    name: string;
    /** Outputs. */
    props: Record<string, any>;
    parent?: StackResource;
    dependencies: StackResource[];
    propertyDependencies: Record<string, StackResource[]>;
}

/** A rule over the whole stack (outputs, parents, dependencies). */
export interface StackRule<C = Record<string, never>> extends RuleBase<C> {
    kind: "stack";
    /** Resource types whose presence the rule looks at (documentation, catalog). */
    resourceTypes: readonly string[];
    /**
     * Resource types whose props (outputs) the rule reads. The offline evaluator sends the props of these
     * types only (the rule never reads the others'), which keeps a 10k-resource audit fast.
     */
    readsPropsOf: readonly string[];
    validateStack(resources: StackResource[], config: C, report: Report): void;
}

export type Rule = ResourceRule<any> | StackRule<any>;

/** Builds a config schema whose defaults are the rule's defaults. */
export function schema(
    properties: Record<string, Record<string, unknown>>,
    defaults: Record<string, unknown>,
): ConfigSchema {
    const out: ConfigSchema["properties"] = {};
    for (const [k, v] of Object.entries(properties)) {
        out[k] = defaults[k] === undefined ? v : { ...v, default: defaults[k] };
    }
    return { properties: out };
}
