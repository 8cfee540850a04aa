#!/usr/bin/env node
// `npm run build` (and `prepare`, so `npm install` here and a git install of the package build it): compiles
// index.ts, components/, policy/ and bin/ into dist/ as CommonJS with declarations (tsconfig.build.json), with
// TypeScript 7 (native, about 2 s for the whole tree). Plain JavaScript, never shipped (package.json `files`).
// `npm run build` fails on a type error; `prepare` (--emit-on-error) prints it and emits the JavaScript anyway, so
// an `npm install` is never blocked by a type error (`npm run typecheck`, run by CI, is where types are judged).
//
// In a checkout, bin/immutable calls ensureBuilt() first: when a source is newer than the last build, it
// builds again, so the command line never runs stale code after an edit.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
/** Written when a build starts: a source newer than this was changed after the build read it. */
const STAMP = path.join(DIST, ".build-stamp");
/** What the build compiles (and what makes it stale), relative to the root. */
const SOURCES = ["index.ts", "components", "policy", "bin"];
const CONFIGS = ["tsconfig.json", "tsconfig.build.json", "package.json", path.join("policy", "package.json")];

function tsc() {
    // typescript7 is the npm alias of TypeScript 7 (a devDependency); its bin/tsc starts the native compiler.
    const pkg = require.resolve("typescript7/package.json", { paths: [ROOT] });
    return path.join(path.dirname(pkg), "bin", "tsc");
}

/**
 * Builds dist/ from scratch (a removed source leaves no stale output) in a folder of its own, then swaps it in,
 * so a command line running from dist/ meanwhile never sees it half written. `strict`: type errors fail the
 * build (npm run build); otherwise the JavaScript is emitted anyway and the errors are printed (a checkout's
 * automatic rebuild: `npm run typecheck` is where types are judged). Returns the exit status.
 */
function build({ strict = true, quiet = false } = {}) {
    const out = `${DIST}.tmp-${process.pid}`;
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    const stamp = path.join(out, path.basename(STAMP));
    fs.writeFileSync(stamp, "");
    const startedMs = fs.statSync(stamp).mtimeMs;
    const args = [tsc(), "-p", path.join(ROOT, "tsconfig.build.json"), "--outDir", out];
    const res = spawnSync(process.execPath, strict ? args : [...args, "--noEmitOnError", "false"], {
        cwd: ROOT,
        stdio: ["ignore", quiet ? "pipe" : "inherit", "inherit"],
        encoding: "utf8",
    });
    // tsc: 0 built, 1 errors and nothing emitted, 2 errors but emitted.
    const emitted = res.status === 0 || (res.status === 2 && !strict);
    if (!emitted) {
        if (quiet && res.stdout) process.stderr.write(res.stdout);
        fs.rmSync(out, { recursive: true, force: true });
        return res.status === null ? 1 : res.status || 1;
    }
    if (res.status === 2 && quiet) {
        const errors = (res.stdout.match(/error TS\d+/g) ?? []).length;
        process.stderr.write(`immutable: built with ${errors} type error(s) (npm run typecheck lists them)\n`);
    }
    // policy/evaluate.ts reads the pack's version from its package.json, beside it.
    fs.copyFileSync(path.join(ROOT, "policy", "package.json"), path.join(out, "policy", "package.json"));
    fs.utimesSync(stamp, new Date(startedMs), new Date(startedMs));
    const old = `${DIST}.old-${process.pid}`;
    if (fs.existsSync(DIST)) fs.renameSync(DIST, old);
    fs.renameSync(out, DIST);
    fs.rmSync(old, { recursive: true, force: true });
    return 0;
}

function newestSource() {
    let newest = 0;
    const visit = (file) => {
        const stat = fs.statSync(file, { throwIfNoEntry: false });
        if (!stat) return;
        if (stat.isDirectory()) {
            for (const entry of fs.readdirSync(file)) {
                if (entry !== "node_modules") visit(path.join(file, entry));
            }
        } else if (/\.(ts|json)$/.test(file) && stat.mtimeMs > newest) {
            newest = stat.mtimeMs;
        }
    };
    SOURCES.forEach((s) => visit(path.join(ROOT, s)));
    CONFIGS.forEach((c) => visit(path.join(ROOT, c)));
    return newest;
}

/** In a checkout: builds when dist/ is missing or older than a source. Exits 2 when the build fails. */
function ensureBuilt() {
    const stamp = fs.statSync(STAMP, { throwIfNoEntry: false });
    if (stamp && fs.existsSync(path.join(DIST, "bin", "cli.js")) && newestSource() < stamp.mtimeMs) {
        return;
    }
    process.stderr.write("immutable: the sources changed since the last build; building dist/ (npm run build)\n");
    const status = build({ strict: false, quiet: true });
    if (status !== 0) {
        process.stderr.write(`immutable: the build failed (exit ${status}): run npm run build\n`);
        process.exit(2);
    }
}

module.exports = { build, ensureBuilt, newestSource };

if (require.main === module) {
    process.exitCode = build({ strict: !process.argv.includes("--emit-on-error") });
}
