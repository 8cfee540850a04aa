/**
 * Dockerfile base-image checks: the one implementation of "pin base image digests" shared by
 * ContainerImage (at `pulumi up`) and `bin/immutable release` (in CI).
 */
import { isPinnedByDigest } from "../core/imageRef";

/** One `FROM` instruction. */
export interface FromLine {
    /** 1-based line number of the instruction in the Dockerfile. */
    line: number;
    /** The image as written (after `--platform=...`), e.g. `node:22@sha256:...`, `scratch`, `build`. */
    image: string;
    /** The stage name given with `AS`, if any. */
    stage?: string;
}

/** The verdict on a Dockerfile's base images. */
export interface BaseImageReport {
    /** Every FROM instruction, in order. */
    from: FromLine[];
    /** FROM lines whose image is neither pinned by digest, nor `scratch`, nor an earlier stage. */
    unpinned: FromLine[];
    /** The pinned external base images (`repo@sha256:...`), in order, without duplicates. */
    pinned: string[];
}

/** Joins continuation lines (`\`) and drops comments, keeping the line number each instruction starts on. */
function instructions(text: string): Array<{ line: number; text: string }> {
    const out: Array<{ line: number; text: string }> = [];
    const lines = text.split(/\r?\n/);
    let current: { line: number; text: string } | undefined;
    lines.forEach((raw, i) => {
        const trimmed = raw.trim();
        if (current === undefined && (trimmed === "" || trimmed.startsWith("#"))) {
            return;
        }
        if (current !== undefined && trimmed.startsWith("#")) {
            return; // comments inside a continued instruction
        }
        const continued = /\\\s*$/.test(raw);
        const part = continued ? raw.replace(/\\\s*$/, "") : raw;
        current = current
            ? { line: current.line, text: `${current.text} ${part.trim()}` }
            : { line: i + 1, text: part.trim() };
        if (!continued) {
            out.push(current);
            current = undefined;
        }
    });
    if (current) {
        out.push(current);
    }
    return out;
}

/** Substitutes `${NAME}` / `$NAME` from ARG defaults declared before the first FROM. */
function substitute(value: string, args: Map<string, string>): string {
    return value.replace(
        /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
        (_m, a, def, b) => {
            const name = a ?? b;
            return args.get(name) ?? def ?? "";
        },
    );
}

/** Reads the FROM lines of a Dockerfile and says which are not pinned by digest. */
export function checkBaseImages(dockerfile: string): BaseImageReport {
    const from: FromLine[] = [];
    const stages = new Set<string>();
    const globalArgs = new Map<string, string>();
    const unpinned: FromLine[] = [];
    const pinned: string[] = [];
    for (const ins of instructions(dockerfile)) {
        const [keyword, ...rest] = ins.text.split(/\s+/);
        const upper = keyword.toUpperCase();
        if (upper === "ARG" && from.length === 0) {
            for (const decl of rest) {
                const [name, ...value] = decl.split("=");
                globalArgs.set(name, value.join("=").replace(/^["']|["']$/g, ""));
            }
            continue;
        }
        if (upper !== "FROM") {
            continue;
        }
        const words = rest.filter((w) => !w.startsWith("--"));
        const image = substitute(words[0] ?? "", globalArgs);
        const stage = words.length >= 3 && words[1].toUpperCase() === "AS" ? words[2] : undefined;
        const entry: FromLine = { line: ins.line, image, stage };
        from.push(entry);
        const external = image.toLowerCase() !== "scratch" && !stages.has(image.toLowerCase());
        if (external) {
            if (isPinnedByDigest(image)) {
                if (!pinned.includes(image)) {
                    pinned.push(image);
                }
            } else {
                unpinned.push(entry);
            }
        }
        if (stage) {
            stages.add(stage.toLowerCase());
        }
    }
    return { from, unpinned, pinned };
}

/** One line per unpinned FROM, for error messages: `line 3: FROM node:22 (not pinned by digest)`. */
export function describeUnpinned(report: BaseImageReport): string {
    return report.unpinned
        .map((f) => `line ${f.line}: FROM ${f.image || "(empty)"} is not pinned by digest`)
        .join("; ");
}
