import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCli } from "./harness";

const EXPORT_TEXT = fs.readFileSync(path.join(__dirname, "fixtures", "legacy-stack-export.json"), "utf8");

/** The fixture export with one change made by `mutate`. */
function mangled(mutate: (doc: any) => void): string {
    const doc = JSON.parse(EXPORT_TEXT);
    mutate(doc);
    return JSON.stringify(doc, null, 2);
}

/** Asserts the run failed with exit 2 and exactly one line on stderr (no stack trace), matching `expected`. */
export function assertOneLineError(run: { stdout: string; stderr: string; exitCode: number }, expected: RegExp): void {
    assert.equal(run.exitCode, 2, `exit 2 expected, got ${run.exitCode}: ${run.stderr}`);
    assert.equal(run.stdout, "");
    const lines = run.stderr.split("\n").filter((l) => l.length > 0);
    assert.equal(lines.length, 1, `one line expected, got:\n${run.stderr}`);
    assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
    assert.match(lines[0], expected);
}

describe("immutable audit on bad input: exit 2 with one line naming the file, the defect and where", () => {
    let tmp: string;
    const file = (name: string, content: string | Buffer): string => {
        const p = path.join(tmp, name);
        fs.writeFileSync(p, content);
        return p;
    };
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-bad-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    const cases: Array<[string, string, string | Buffer, RegExp]> = [
        ["an empty file", "empty.json", "", /empty\.json: empty file/],
        ["a file of whitespace", "blank.json", "  \n\t\n", /blank\.json: empty file/],
        [
            "a binary file",
            "binary.json",
            Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00]),
            /binary\.json: binary file \(NUL byte at offset 3\)/,
        ],
        [
            "a file that is not UTF-8",
            "latin.json",
            Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
            /latin\.json: binary file \(not UTF-8 text\)/,
        ],
        [
            "malformed JSON",
            "malformed.json",
            '{\n  "version": 3,\n  "deployment": {,}\n}',
            /malformed\.json: malformed JSON: .* at line 3, column 18/,
        ],
        [
            "truncated JSON",
            "truncated.json",
            EXPORT_TEXT.slice(0, Math.floor(EXPORT_TEXT.length / 2)),
            /truncated\.json: truncated JSON: the document ends early \(line \d+, column \d+\)/,
        ],
        ["a JSON array", "array.json", "[1, 2]", /array\.json: expected a JSON object .* got an array/],
        ["a JSON string", "string.json", '"hello"', /string\.json: expected a JSON object .* got a string/],
        [
            "an unknown document shape",
            "shape.json",
            '{"kind": "Deployment", "spec": {}}',
            /shape\.json: unknown document shape: .* found keys "kind", "spec"/,
        ],
        [
            "checkpoint version 2",
            "v2.json",
            mangled((d) => (d.version = 2)),
            /v2\.json: unsupported checkpoint version 2 \(supported: 3\) at version$/,
        ],
        [
            "a checkpoint version that is text",
            "vtext.json",
            mangled((d) => (d.version = "3")),
            /vtext\.json: checkpoint version must be a number, got a string at version$/,
        ],
        [
            "no checkpoint version",
            "nover.json",
            mangled((d) => delete d.version),
            /nover\.json: missing the checkpoint version at version$/,
        ],
        [
            "a deployment that is not an object",
            "deparr.json",
            mangled((d) => (d.deployment = [])),
            /deparr\.json: expected an object, got an array at deployment$/,
        ],
        [
            "resources that are not an array",
            "resobj.json",
            mangled((d) => (d.deployment.resources = {})),
            /resobj\.json: expected an array of resources, got an object at deployment\.resources$/,
        ],
        [
            "a resource that is a number",
            "resnum.json",
            mangled((d) => (d.deployment.resources[2] = 5)),
            /resnum\.json: expected a resource object, got a number at deployment\.resources\[2\]$/,
        ],
        [
            "a resource without urn",
            "nourn.json",
            mangled((d) => delete d.deployment.resources[4].urn),
            /nourn\.json: missing field urn at deployment\.resources\[4\]\.urn$/,
        ],
        [
            "a resource without type",
            "notype.json",
            mangled((d) => delete d.deployment.resources[3].type),
            /notype\.json: missing field type at deployment\.resources\[3\]\.type$/,
        ],
        [
            "a type that is a number",
            "typenum.json",
            mangled((d) => (d.deployment.resources[3].type = 42)),
            /typenum\.json: type must be a non-empty string, got a number at deployment\.resources\[3\]\.type$/,
        ],
        [
            "a URN that is not a Pulumi URN",
            "badurn.json",
            mangled((d) => (d.deployment.resources[1].urn = "arn:aws:s3:::bucket")),
            /badurn\.json: not a Pulumi URN .* at deployment\.resources\[1\]\.urn$/,
        ],
        [
            "inputs that are a string",
            "instr.json",
            mangled((d) => (d.deployment.resources[3].inputs = "ingress")),
            /instr\.json: inputs must be an object, got a string at deployment\.resources\[3\]\.inputs$/,
        ],
        [
            "outputs that are an array",
            "outarr.json",
            mangled((d) => (d.deployment.resources[3].outputs = [])),
            /outarr\.json: outputs must be an object, got an array at deployment\.resources\[3\]\.outputs$/,
        ],
        [
            "a parent that is an object",
            "parobj.json",
            mangled((d) => (d.deployment.resources[3].parent = {})),
            /parobj\.json: parent must be a string, got an object at deployment\.resources\[3\]\.parent$/,
        ],
        [
            "dependencies that are a string",
            "depstr.json",
            mangled((d) => (d.deployment.resources[4].dependencies = "sg")),
            /depstr\.json: expected an array of URNs, got a string at deployment\.resources\[4\]\.dependencies$/,
        ],
        [
            "a dependency that is a number",
            "depnum.json",
            mangled((d) => (d.deployment.resources[4].dependencies = [7])),
            /depnum\.json: expected a URN string, got a number at deployment\.resources\[4\]\.dependencies\[0\]$/,
        ],
        [
            "property dependencies that are not lists",
            "pdep.json",
            mangled((d) => (d.deployment.resources[3].propertyDependencies.ingress = "x")),
            /pdep\.json: expected an array of URNs, got a string at deployment\.resources\[3\]\.propertyDependencies\.ingress$/,
        ],
        [
            "custom that is text",
            "custom.json",
            mangled((d) => (d.deployment.resources[3].custom = "yes")),
            /custom\.json: custom must be a boolean, got a string at deployment\.resources\[3\]\.custom$/,
        ],
        [
            "a secret whose plaintext is not JSON",
            "plain.json",
            mangled(
                (d) =>
                    (d.deployment.resources[5].inputs.value = {
                        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                        plaintext: "{oops",
                    }),
            ),
            /plain\.json: a secret's plaintext is not JSON at deployment\.resources\[5\]\.inputs$/,
        ],
        [
            "preview steps that are not an array",
            "steps.json",
            '{"steps": {"op": "create"}}',
            /steps\.json: expected an array of steps, got an object at steps$/,
        ],
        [
            "a preview step without op",
            "noop.json",
            '{"steps": [{"urn": "urn:pulumi:a::b::c:d:E::n"}]}',
            /noop\.json: missing field op at steps\[0\]\.op$/,
        ],
        [
            "a preview step whose newState is text",
            "newstate.json",
            '{"steps": [{"op": "same", "newState": "x"}]}',
            /newstate\.json: expected an object, got a string at steps\[0\]\.newState$/,
        ],
    ];

    for (const [what, name, content, expected] of cases) {
        it(`rejects ${what}`, async () => {
            assertOneLineError(await runCli(["audit", file(name, content)]), expected);
        });
    }

    it("rejects the same defects on standard input, naming <stdin>", async () => {
        assertOneLineError(await runCli(["audit", "-"], { stdin: "" }), /^immutable audit: <stdin>: empty file/);
        assertOneLineError(await runCli(["audit", "-"], { stdin: "{" }), /^immutable audit: <stdin>: truncated JSON/);
    });

    it("rejects a missing path", async () => {
        assertOneLineError(
            await runCli(["audit", path.join(tmp, "nope.json")]),
            /nope\.json: cannot read: no such file$/,
        );
    });

    it("rejects a directory", async () => {
        assertOneLineError(await runCli(["audit", tmp]), /cannot read: is a directory, not a file$/);
    });

    it("rejects a missing, malformed or invalid --policy-pack-config", async () => {
        const good = file("good.json", EXPORT_TEXT);
        assertOneLineError(
            await runCli(["audit", good, "--policy-pack-config", path.join(tmp, "none.json")]),
            /none\.json: cannot read the policy pack config: no such file$/,
        );
        assertOneLineError(
            await runCli(["audit", good, "--policy-pack-config", file("cfg1.json", "{")]),
            /cfg1\.json: policy pack config: truncated JSON/,
        );
        assertOneLineError(
            await runCli(["audit", good, "--policy-pack-config", file("cfg2.json", '{"fake-no-ssh": "loud"}')]),
            /cfg2\.json: policy pack config: "fake-no-ssh" must be "advisory", "mandatory", "remediate", "disabled" or an object, got "loud"$/,
        );
    });

    it("exits 2 on bad usage: no file, an unknown format, an unknown option", async () => {
        for (const args of [["audit"], ["audit", "x.json", "--format", "xml"], ["audit", "x.json", "--frobnicate"]]) {
            const run = await runCli(args);
            assert.equal(run.exitCode, 2, args.join(" "));
            assert.match(run.stderr, /^error: /);
            assert.doesNotMatch(run.stderr, /^\s+at /m);
        }
    });
});
