/** The parts of the analyzer's policy args that are the same for every resource (the plain-JSON path shares them). */

// Shared empty objects of the plain-JSON path (frozen: policies only read what they are handed).
export const EMPTY: Record<string, never> = Object.freeze({}) as Record<string, never>;
export const NO_CONFIG = () => EMPTY;
export const NO_DEPENDENCIES: readonly unknown[] = Object.freeze([]);
// The pack's policies never call isType/asType (they dispatch on args.type); the analyzer's answer for them
// depends on SDK classes the pack does not load.
export const IS_TYPE = () => false;
export const AS_TYPE = () => undefined;
export const NO_TAGS: ReadonlyMap<string, string> = new Map();
export const notApplicable = (reason?: string): never => {
    throw new Error(reason ?? "Policy does not apply");
};
