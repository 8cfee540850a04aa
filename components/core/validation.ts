/**
 * Early, exact input errors: every component names itself, the field and the offending value, as in
 * `ContainerService "api": green.image must be pinned by digest (repo@sha256:...), got "nginx:latest"`.
 */
import { isPinnedByDigest } from "./imageRef";

/**
 * A defect of what the user gave: a component's args (raised while it is constructed, before any child resource
 * is registered) or a file the command line reads. The message is the one line the user sees.
 */
export class InputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InputError";
    }
}

/** Binds the component kind and name so call sites only say the field and the problem. */
export class Validator {
    constructor(
        private readonly component: string,
        private readonly name: string,
    ) {}

    /** `Component "name"`, the prefix of every message. */
    get subject(): string {
        return `${this.component} "${this.name}"`;
    }

    /** Throws an {@link InputError} for `field`. */
    fail(field: string, problem: string): never {
        throw new InputError(`${this.subject}: ${field} ${problem}`);
    }

    /** Requires each of `fields` of `args` (`is required`, followed by `why` when given). */
    required<T extends object>(args: T, fields: readonly (keyof T & string)[], why?: string): void {
        for (const field of fields) {
            if (args[field] === undefined) {
                this.fail(field, why === undefined ? "is required" : `is required ${why}`);
            }
        }
    }

    /** Requires a non-empty string. */
    nonEmpty(field: string, value: unknown): string {
        if (typeof value !== "string" || value.trim() === "") {
            this.fail(field, `must be a non-empty string, got ${JSON.stringify(value)}`);
        }
        return value;
    }

    /** Requires `repo@sha256:<64 hex>`. */
    pinned(field: string, value: unknown): string {
        if (typeof value !== "string" || !isPinnedByDigest(value)) {
            this.fail(field, `must be pinned by digest (repo@sha256:...), got ${JSON.stringify(value)}`);
        }
        return value;
    }

    /** Requires an integer within [min, max]. */
    intIn(field: string, value: unknown, min: number, max: number): number {
        if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
            this.fail(field, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
        }
        return value;
    }

    /** Requires a non-empty array. */
    nonEmptyArray<T>(field: string, value: T[] | undefined): T[] {
        if (!Array.isArray(value) || value.length === 0) {
            this.fail(field, "must list at least one entry");
        }
        return value;
    }
}
