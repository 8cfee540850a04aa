/**
 * The component discipline: constructors wire resources and hand the logic to named functions beside them, so no
 * function in components/ runs over 80 lines (every function-like node with a body, measured on the TypeScript
 * syntax tree from its first to its last line).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const COMPONENTS = path.resolve(__dirname, "..", "..", "components");
const MAX_LINES = 80;

function sources(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : [path.join(dir, e.name)]))
        .filter((file) => file.endsWith(".ts"));
}

/** Every function-like node with a body: `file:line name` and its length in lines. */
function functionLengths(file: string): Array<{ where: string; lines: number }> {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const found: Array<{ where: string; lines: number }> = [];
    const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && "body" in node && node.body) {
            const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
            const last = source.getLineAndCharacterOfPosition(node.end).line;
            const name = ts.isConstructorDeclaration(node)
                ? "constructor"
                : (node.name?.getText(source) ?? "<anonymous>");
            found.push({ where: `${path.relative(COMPONENTS, file)}:${first + 1} ${name}`, lines: last - first + 1 });
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

describe("components/ function length", () => {
    it(`keeps every function within ${MAX_LINES} lines (constructors wire, named builders hold the logic)`, () => {
        const all = sources(COMPONENTS).flatMap(functionLengths);
        assert.ok(all.length > 100, `measured ${all.length} functions`);
        const long = all.filter((f) => f.lines > MAX_LINES).map((f) => `${f.where}: ${f.lines} lines`);
        assert.deepEqual(long, []);
    });
});
