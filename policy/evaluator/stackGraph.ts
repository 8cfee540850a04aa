/**
 * The stack as stack policies see it on the plain-JSON path: the analyzer's PolicyResource per resource, parent,
 * dependencies and property dependencies resolved to resources when first read.
 */
import { AS_TYPE, EMPTY, IS_TYPE, NO_DEPENDENCIES } from "./analyzerArgs";
import type { EvaluatedResource } from "./types";

/** What a stack policy's resource links to: resolved from URNs on first read. */
interface Links {
    parent: StackPolicyResource | undefined;
    dependencies: StackPolicyResource[];
    propertyDependencies: Record<string, StackPolicyResource[]>;
}

/** The resources of one stack evaluation by URN, built on first use (a map of every resource is not free). */
export class StackGraph {
    #byUrn: Map<string, StackPolicyResource> | undefined;

    constructor(private readonly all: StackPolicyResource[]) {}

    get(urn: string): StackPolicyResource | undefined {
        if (!this.#byUrn) {
            this.#byUrn = new Map();
            for (const r of this.all) {
                this.#byUrn.set(r.urn, r);
            }
        }
        return this.#byUrn.get(urn);
    }

    /** The resources of `urns` (URNs of no resource of the stack are left out, as the analyzer does). */
    resolve(urns: readonly string[]): StackPolicyResource[] {
        const out: StackPolicyResource[] = [];
        for (const urn of urns) {
            const found = this.get(urn);
            if (found) {
                out.push(found);
            }
        }
        return out;
    }
}

/**
 * A resource as the stack policies see it on the plain-JSON path: the analyzer's PolicyResource (type,
 * props, urn, name, opts, isType, asType, parent, dependencies, propertyDependencies), with parent and
 * dependencies resolved to resources when first read (the same objects on every read). The pack's stack
 * rules read types and props only, so a large stack does not pay for resolving every URN.
 */
export class StackPolicyResource {
    readonly type: string;
    readonly props: Record<string, unknown>;
    readonly urn: string;
    readonly name: string;
    readonly #resource: EvaluatedResource;
    readonly #graph: StackGraph;
    #links: Links | undefined;

    constructor(resource: EvaluatedResource, props: Record<string, unknown>, graph: StackGraph) {
        this.type = resource.type;
        this.props = props;
        this.urn = resource.urn;
        this.name = resource.name;
        this.#resource = resource;
        this.#graph = graph;
    }

    get opts(): Record<string, never> {
        return EMPTY;
    }

    get isType(): () => boolean {
        return IS_TYPE;
    }

    get asType(): () => undefined {
        return AS_TYPE;
    }

    get parent(): StackPolicyResource | undefined {
        return this.#resolved().parent;
    }

    get dependencies(): StackPolicyResource[] {
        return this.#resolved().dependencies;
    }

    get propertyDependencies(): Record<string, StackPolicyResource[]> {
        return this.#resolved().propertyDependencies;
    }

    #resolved(): Links {
        if (!this.#links) {
            const r = this.#resource;
            const propertyDependencies: Record<string, StackPolicyResource[]> = {};
            for (const k in r.propertyDependencies ?? {}) {
                propertyDependencies[k] = this.#graph.resolve(r.propertyDependencies![k]);
            }
            this.#links = {
                parent: r.parent ? this.#graph.get(r.parent) : undefined,
                dependencies:
                    r.dependencies && r.dependencies.length > 0
                        ? this.#graph.resolve(r.dependencies)
                        : (NO_DEPENDENCIES as StackPolicyResource[]),
                propertyDependencies,
            };
        }
        return this.#links;
    }
}
