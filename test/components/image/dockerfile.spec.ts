import * as assert from "node:assert/strict";
import { checkBaseImages } from "../../../components/image/dockerfile";

const D = `sha256:${"d".repeat(64)}`;

describe("checkBaseImages (pin base image digests)", () => {
    const cases: Array<[string, string, string[], string[]]> = [
        // [what, Dockerfile, unpinned images, pinned images]
        ["accepts a base pinned by digest", `FROM node:22@${D}\n`, [], [`node:22@${D}`]],
        ["accepts FROM scratch", "FROM scratch\nCOPY a /a\n", [], []],
        ["flags a tag", "FROM node:22\n", ["node:22"], []],
        ["flags an implicit latest", "FROM debian\n", ["debian"], []],
        ["flags :latest in lower or upper case keywords", "from alpine:latest as base\n", ["alpine:latest"], []],
        [
            "accepts a later stage built FROM an earlier one",
            `FROM golang@${D} AS build\nFROM build AS test\nFROM scratch\n`,
            [],
            [`golang@${D}`],
        ],
        [
            "does not trust a stage name used before it is declared",
            `FROM build\nFROM golang@${D} AS build\n`,
            ["build"],
            [`golang@${D}`],
        ],
        [
            "reads --platform flags",
            `FROM --platform=$BUILDPLATFORM golang@${D} AS b\nFROM --platform=linux/amd64 node:22\n`,
            ["node:22"],
            [`golang@${D}`],
        ],
        ["substitutes global ARG defaults", `ARG BASE=node:22@${D}\nFROM \${BASE}\n`, [], [`node:22@${D}`]],
        ["flags an ARG default that is a tag", "ARG BASE=node:22\nFROM $BASE\n", ["node:22"], []],
        ["follows continuation lines", `FROM \\\n  node:22 \\\n  AS build\n`, ["node:22"], []],
        ["ignores comments", `# FROM node:22\nFROM scratch\n`, [], []],
        ["lists each pinned base once", `FROM a@${D} AS x\nFROM a@${D} AS y\n`, [], [`a@${D}`]],
        ["flags a short, non-sha256 digest", "FROM node@sha256:abc\n", ["node@sha256:abc"], []],
    ];
    for (const [what, dockerfile, unpinned, pinned] of cases) {
        it(what, () => {
            const report = checkBaseImages(dockerfile);
            assert.deepEqual(
                report.unpinned.map((f) => f.image),
                unpinned,
            );
            assert.deepEqual(report.pinned, pinned);
        });
    }

    it("reports the line each FROM starts on", () => {
        const report = checkBaseImages("# base\n\nFROM node:22 AS a\nRUN true\nFROM debian\n");
        assert.deepEqual(
            report.unpinned.map((f) => [f.line, f.stage]),
            [
                [3, "a"],
                [5, undefined],
            ],
        );
    });
});
