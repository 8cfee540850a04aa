/**
 * A component's outputs for `registerOutputs`, without the optional children it did not create: the runtime
 * warns about every undefined output ("Undefined value (x) will not show as a stack output").
 */
export function definedOutputs(outputs: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(outputs).filter(([, value]) => value !== undefined));
}
