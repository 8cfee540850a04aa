/**
 * Reading a record that comes from outside (config, a manifest file, a stack output): an object, or an error that
 * names where it came from. The release record and the machine-image release are read this way. Pure, no import.
 */

/** What a record's validator works with: its fields, and `fail`, which names the source. */
export interface RecordReader {
    fields: Record<string, unknown>;
    fail: (problem: string) => never;
}

/** Reads `value` (from `where`) as an object with the `expected` fields, or fails saying what was expected. */
export function readRecord(value: unknown, where: string, expected: string): RecordReader {
    const fail = (problem: string): never => {
        throw new Error(`${where}: ${problem}`);
    };
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return fail(`expected an object with ${expected}, got ${JSON.stringify(value)}`);
    }
    return { fields: value as Record<string, unknown>, fail };
}
