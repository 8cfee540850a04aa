/**
 * A one-line progress indicator on standard error, only on a terminal (redrawn in place, cleared at the end).
 * Elsewhere (CI logs, pipes, the specs) it prints nothing.
 */
import { io } from "./io";

/** Reports progress through `total` steps. */
export class Progress {
    private readonly enabled: boolean;
    private width = 0;

    constructor(
        private readonly total: number,
        enabled?: boolean,
    ) {
        this.enabled = enabled ?? io().stderrIsTTY;
    }

    /** Shows step `index` (0-based) with a label. */
    step(index: number, label: string): void {
        if (!this.enabled) {
            return;
        }
        const line = `[${index + 1}/${this.total}] ${label}`;
        io().err(`\r${line.padEnd(this.width)}`);
        this.width = line.length;
    }

    /** Clears the line. */
    done(): void {
        if (this.enabled && this.width > 0) {
            io().err(`\r${" ".repeat(this.width)}\r`);
            this.width = 0;
        }
    }
}
