/** Spec helpers: `pulumi stack export` documents written from small resource lists. */

/** A resource of an export: its type, name and inputs (its outputs are the same). */
export interface Resource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

/** A `pulumi stack export` (checkpoint version 3) of `resources`, with the stack and an AWS provider. */
export function stackExport(project: string, stack: string, resources: Resource[]): unknown {
    const prefix = `urn:pulumi:${stack}::${project}::`;
    const stackUrn = `${prefix}pulumi:pulumi:Stack::${project}-${stack}`;
    const provider = `${prefix}pulumi:providers:aws::default`;
    return {
        version: 3,
        deployment: {
            manifest: { time: "2026-11-20T09:14:03Z", magic: "0", version: "v3.207.0" },
            resources: [
                { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: {} },
                { urn: provider, custom: true, id: "p-1", type: "pulumi:providers:aws", inputs: {}, outputs: {} },
                ...resources.map((r) => ({
                    urn: `${prefix}${r.type}::${r.name}`,
                    custom: true,
                    id: `${r.name}-1`,
                    type: r.type,
                    parent: stackUrn,
                    provider: `${provider}::p-1`,
                    inputs: r.inputs,
                    outputs: r.inputs,
                })),
            ],
        },
    };
}
