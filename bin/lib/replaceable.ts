/** A value the command line uses by default and a spec may replace for the length of one call. */
export class Replaceable<T> {
    constructor(private current: T) {}

    /** The value in use. */
    get(): T {
        return this.current;
    }

    /** Runs `fn` with `replacement` in use, restoring the previous value afterwards. */
    async with<R>(replacement: T, fn: () => Promise<R>): Promise<R> {
        const previous = this.current;
        this.current = replacement;
        try {
            return await fn();
        } finally {
            this.current = previous;
        }
    }
}
