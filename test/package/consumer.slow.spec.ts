/**
 * The package as a consumer meets it (issue 14): `npm pack`, the tarball installed in an empty folder (a copy, not
 * a link) beside @pulumi/pulumi and one cloud's SDK, the TypeScript example (examples/typescript) type-checked with
 * Pulumi's template tsconfig and with the strictest consumer options, loaded the way Pulumi's Node runner loads a
 * program, and judged by `npx immutable plan` in that folder; the YAML and Python examples checked against the
 * schema the component provider generates; and the lowest versions the package declares, installed and used.
 *
 * Slow (npm installs of the cloud SDKs, TypeScript over @pulumi/aws): runs when IMMUTABLE_SLOW is set, `1` or
 * `require` (.ci/run runs every *.slow.spec.ts with `require`: what cannot run here fails instead of skipping).
 * Each step prints its time, and the installs their size.
 */
import * as assert from "node:assert/strict";
import { execFile, spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";

const ROOT = path.resolve(__dirname, "..", "..");
const EXAMPLES = path.join(ROOT, "examples");
const SLOW = process.env.IMMUTABLE_SLOW === "1" || process.env.IMMUTABLE_SLOW === "require";
const REQUIRED = process.env.IMMUTABLE_SLOW === "require";
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
/** The version our specs pin (devDependencies) of a peer dependency. */
const pinned = (name: string): string => PKG.devDependencies[name];
/** The lowest version a peer range admits (`>=X <Y`). */
const lowest = (name: string): string => /^>=\s*(\S+)/.exec(PKG.peerDependencies[name])![1]!;

/** PATH as a consumer's shell has it: npm run's node_modules/.bin (this repository's Node 22) left out. */
const SHELL_PATH = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((p) => !p.endsWith(`node_modules${path.sep}.bin`))
    .join(path.delimiter);
const SHELL_ENV = {
    ...process.env,
    PATH: SHELL_PATH,
    NO_COLOR: "1",
    npm_config_audit: "false",
    npm_config_fund: "false",
};
for (const key of Object.keys(SHELL_ENV)) {
    // npm run's own settings (npm_config_*, npm_package_*, npm_lifecycle_*) are not a consumer's.
    if (/^npm_(package|lifecycle)_/.test(key) || key === "INIT_CWD") delete (SHELL_ENV as Record<string, unknown>)[key];
}

/** Runs a command in `cwd` as the consumer's shell would; fails with its output unless `allow` lists its status. */
function sh(cwd: string, command: string, args: string[], allow: number[] = [0]) {
    const t0 = process.hrtime.bigint();
    const res: SpawnSyncReturns<string> = spawnSync(command, args, {
        cwd,
        env: SHELL_ENV,
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
    });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (res.error) throw res.error;
    assert.ok(
        allow.includes(res.status ?? -1),
        `${command} ${args.join(" ")} exited ${res.status}:\n${res.stdout.slice(-4000)}\n${res.stderr.slice(-4000)}`,
    );
    return { status: res.status, stdout: res.stdout, stderr: res.stderr, seconds };
}

function sizeMB(dir: string): number {
    return Number(sh(dir, "du", ["-sk", "--apparent-size", dir]).stdout.split("\t")[0]) / 1024;
}

function note(text: string): void {
    console.log(`      ${text}`);
}

/** Every @pulumi/pulumi installed under node_modules (one means one SDK instance). */
function pulumiCopies(dir: string): string[] {
    const found: string[] = [];
    const visit = (nm: string) => {
        if (!fs.existsSync(nm)) return;
        for (const entry of fs.readdirSync(nm)) {
            const full = path.join(nm, entry);
            if (entry.startsWith("@")) {
                for (const sub of fs.readdirSync(full)) {
                    if (`${entry}/${sub}` === "@pulumi/pulumi") found.push(path.join(full, sub));
                    visit(path.join(full, sub, "node_modules"));
                }
            } else if (!entry.startsWith(".")) {
                visit(path.join(full, "node_modules"));
            }
        }
    };
    visit(path.join(dir, "node_modules"));
    return found;
}

/** A consumer folder: the TypeScript example with these dependencies (the package as `file:<tarball>`). */
function consumer(parent: string, name: string, tarball: string, dependencies: Record<string, string>): string {
    const dir = path.join(parent, name);
    fs.cpSync(path.join(EXAMPLES, "typescript"), dir, { recursive: true });
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    pkg.dependencies = { ...dependencies, "immutable-infra": `file:${tarball}` };
    fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
    return dir;
}

function install(dir: string, label: string): void {
    const run = sh(dir, "npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"]);
    note(
        `${label}: npm install ${run.seconds.toFixed(1)} s, node_modules ${sizeMB(path.join(dir, "node_modules")).toFixed(0)} MB`,
    );
}

/** The strictest options a consumer may have: the template's tsconfig plus these (written beside it). */
const STRICT = {
    extends: "./tsconfig.json",
    compilerOptions: {
        target: "es2015",
        module: "node16",
        moduleResolution: "node16",
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: false,
    },
};

/**
 * Loads the program the way `pulumi up` does (@pulumi/pulumi/cmd/run/run.js): ts-node as the runner registers it
 * (type-checked, its default of not compiling node_modules, the project's tsconfig over the runner's defaults,
 * the consumer's TypeScript or the SDK's vendored one), under Pulumi's mocks instead of an engine. Prints the
 * registered resource types and the SDK packages that were loaded, as JSON.
 */
const LOADER = `
const path = require("path");
process.env.PULUMI_CONFIG = JSON.stringify(require(path.resolve("config.json")));
const pulumi = require("@pulumi/pulumi");
const tsutils = require("@pulumi/pulumi/tsutils");
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const ts = require(typescriptRequire);
const nodeNext = Number(ts.version.split(".")[0]) >= 5;
require(tsnodeRequire).register({
    typeCheck: true,
    skipProject: false,
    compiler: typescriptRequire,
    compilerOptions: {
        target: "ES2020",
        module: nodeNext ? "nodenext" : "commonjs",
        moduleResolution: nodeNext ? "nodenext" : "node",
        sourceMap: "true",
        ...tsutils.loadTypeScriptCompilerOptions("tsconfig.json"),
    },
});
const types = [];
pulumi.runtime.setMocks(
    {
        newResource: (a) => {
            types.push(a.type);
            // Plausible outputs for what the components read of their children (an ECR URL, ARNs, a DNS name).
            const fake = { arn: "arn:aws:service:eu-west-1:123456789012:" + a.name, name: a.name, dnsName: a.name + ".example.com",
                repositoryUrl: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/" + a.name, registryId: "123456789012" };
            return { id: a.name + "-id", state: { ...fake, ...a.inputs } };
        },
        call: (a) => ({ ...a.inputs, proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com", userName: "AWS", password: "token",
            accountId: "123456789012", name: "eu-west-1", region: "eu-west-1", names: ["eu-west-1a", "eu-west-1b"] }),
    },
    "shop", "dev", false,
);
const program = require(path.resolve("index.ts"));
pulumi.all([program.repository]).apply(() => {
    const sdks = [...new Set(Object.keys(require.cache).map((f) => (/node_modules\\/(@pulumi\\/[^/]+)\\//.exec(f) || [])[1]).filter(Boolean))];
    setImmediate(() => console.log(JSON.stringify({ types, sdks })));
});
`;

describe("the package as a consumer installs it: npm pack, an AWS-only program, plan there @slow", function () {
    this.timeout(30 * 60_000);
    let work: string;
    let tarball: string;
    let app: string;

    before(function () {
        if (!SLOW) {
            note(
                "skipped (@slow: packs and installs the package with the cloud SDKs, minutes): IMMUTABLE_SLOW=1 runs it (.ci/run sets it)",
            );
            this.skip();
        }
        work = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-consumer-"));
        const pack = sh(ROOT, "npm", ["pack", "--pack-destination", work, "--json", "--loglevel=error"]);
        const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("[")));
        tarball = path.join(work, info.filename);
        note(
            `npm pack ${pack.seconds.toFixed(1)} s (builds dist/): ${(info.size / 1024).toFixed(0)} kB packed, ${info.entryCount} files`,
        );
    });

    after(() => {
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("packs the compiled library, its declarations, the command line and the pack configs, and nothing else", () => {
        const files: string[] = sh(work, "tar", ["tzf", tarball])
            .stdout.trim()
            .split("\n")
            .map((f) => f.replace(/^package\//, ""));
        for (const f of [
            "package.json",
            "bin/immutable",
            "dist/index.js",
            "dist/index.d.ts",
            "dist/components/aws/index.js",
            "dist/components/core/index.d.ts",
            "dist/bin/cli.js",
            "dist/policy/evaluate.js",
            "policy/config/mandatory.json",
        ]) {
            assert.ok(files.includes(f), `${f} is packed`);
        }
        const stray = files.filter(
            (f) =>
                /^(test|bench|stacks|examples|components|\.ci|\.github)\//.test(f) ||
                (f.endsWith(".ts") && !f.endsWith(".d.ts")) ||
                /(^|\/)Pulumi(\.[^/]+)?\.yaml$/.test(f) ||
                f.includes(".build-stamp") ||
                f === "bin/build.js",
        );
        assert.deepEqual(stray, []);
    });

    describe("an AWS-only program (examples/typescript)", () => {
        before(function () {
            if (!SLOW) this.skip();
            app = consumer(work, "aws-only", tarball, {
                "@pulumi/pulumi": pinned("@pulumi/pulumi"),
                "@pulumi/aws": pinned("@pulumi/aws"),
            });
            fs.writeFileSync(path.join(app, "tsconfig.strict.json"), JSON.stringify(STRICT, null, 2));
            install(app, "AWS-only consumer");
        });

        it("installs a copy of the package, one @pulumi/pulumi, and no other cloud's SDK", () => {
            const installed = path.join(app, "node_modules", "immutable-infra");
            assert.ok(!fs.lstatSync(installed).isSymbolicLink(), "a copy, not a link");
            assert.ok(fs.existsSync(path.join(installed, "dist", "index.js")));
            assert.deepEqual(pulumiCopies(app), [path.join(app, "node_modules", "@pulumi", "pulumi")]);
            const sdks = fs.readdirSync(path.join(app, "node_modules", "@pulumi")).sort();
            assert.deepEqual(sdks, ["aws", "policy", "pulumi"]);
        });

        it("type-checks with Pulumi's template tsconfig", () => {
            const tsc = sh(app, "npx", ["tsc", "-p", "tsconfig.json", "--noEmit"]);
            note(`type-check (template tsconfig) ${tsc.seconds.toFixed(1)} s`);
        });

        it("type-checks with strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes, ES2015, node16 resolution, skipLibCheck false", () => {
            const tsc = sh(app, "npx", ["tsc", "-p", "tsconfig.strict.json", "--noEmit"]);
            note(`type-check (strict tsconfig) ${tsc.seconds.toFixed(1)} s`);
        });

        it("loads as `pulumi up` loads it (ts-node's defaults, type-checked) and loads no other cloud's SDK", () => {
            const config = YAML.parse(fs.readFileSync(path.join(app, "Pulumi.dev.yaml"), "utf8")).config;
            fs.writeFileSync(
                path.join(app, "config.json"),
                JSON.stringify(
                    Object.fromEntries(
                        Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
                    ),
                ),
            );
            fs.writeFileSync(path.join(app, "load.js"), LOADER);
            const load = sh(app, "node", ["load.js"]);
            note(`load with ts-node (type-checked) ${load.seconds.toFixed(1)} s`);
            const { types, sdks } = JSON.parse(load.stdout.trim().split("\n").pop()!);
            for (const t of [
                "immutable-infra:index:AwsImageRegistry",
                "immutable-infra:index:AwsContainerService",
                "aws:ecr/repository:Repository",
                "aws:ecs/service:Service",
                "aws:ec2/securityGroup:SecurityGroup",
            ]) {
                assert.ok(types.includes(t), `${t} registered`);
            }
            assert.deepEqual(
                sdks.filter((s: string) => !["@pulumi/pulumi", "@pulumi/aws"].includes(s)),
                [],
            );
        });

        it("`npx immutable plan` judges the folder's own program: only its SSH-open group is rejected, by admin-ingress-forbid", () => {
            const cold = sh(app, "npx", ["immutable", "plan", "--format", "json"], [1]);
            const warm = sh(app, "npx", ["immutable", "plan", "--format", "json"], [1]);
            note(`npx immutable plan ${cold.seconds.toFixed(1)} s (first), ${warm.seconds.toFixed(1)} s (again)`);
            const { stacks } = JSON.parse(cold.stdout);
            assert.deepEqual(
                stacks.map((s: any) => [s.stack, s.error]),
                [["dev", undefined]],
            );
            assert.deepEqual(
                stacks[0].violations.map((v: any) => [v.policy, v.enforcementLevel, v.urn.split("::").pop()]),
                [["admin-ingress-forbid", "mandatory", "maintenance"]],
            );
            assert.ok(stacks[0].resources.length > 10, "the components' resources are planned too");
        });
    });

    it("installs beside every cloud's SDK for a program that uses the root entry, which exports every component", () => {
        const all = consumer(work, "all-clouds", tarball, {
            "@pulumi/pulumi": pinned("@pulumi/pulumi"),
            "@pulumi/aws": pinned("@pulumi/aws"),
            "@pulumi/gcp": pinned("@pulumi/gcp"),
            "@pulumi/azure-native": pinned("@pulumi/azure-native"),
            "@pulumi/docker-build": pinned("@pulumi/docker-build"),
        });
        install(all, "all-clouds consumer");
        const root = sh(all, "node", [
            "-e",
            'const m = require("immutable-infra"); console.log(Object.keys(m).filter((k) => /^[A-Z]/.test(k)).join(" "))',
        ]);
        for (const c of [
            "AwsContainerService",
            "GcpContainerService",
            "AzureContainerService",
            "ContainerImage",
            "ContainerService",
        ]) {
            assert.ok(
                root.stdout
                    .split(" ")
                    .map((s) => s.trim())
                    .includes(c),
                `${c} from the root entry`,
            );
        }
        fs.writeFileSync(
            path.join(all, "index.ts"),
            'import * as immutable from "immutable-infra";\nexport const clouds = [immutable.Cloud.Aws, immutable.Cloud.Gcp, immutable.Cloud.Azure];\n',
        );
        fs.writeFileSync(path.join(all, "tsconfig.strict.json"), JSON.stringify(STRICT, null, 2));
        const tsc = sh(all, "npx", ["tsc", "-p", "tsconfig.strict.json", "--noEmit"]);
        note(`type-check of a root-entry program (strict tsconfig) ${tsc.seconds.toFixed(1)} s`);
    });
});

describe("the lowest versions the package declares: Node 20, the lowest @pulumi/pulumi and @pulumi/aws @slow", function () {
    this.timeout(30 * 60_000);
    let work: string;
    let app: string;

    before(function () {
        if (!SLOW) {
            note("skipped (@slow: installs older SDKs, minutes): IMMUTABLE_SLOW=1 runs it (.ci/run sets it)");
            this.skip();
        }
        const node = spawnSync("node", ["--version"], { env: SHELL_ENV, encoding: "utf8" }).stdout.trim();
        const wanted = /^>=\s*(\d+)/.exec(PKG.engines.node)![1];
        if (!node.startsWith(`v${wanted}.`)) {
            const why = `the node on PATH is ${node}, not Node ${wanted} (the lowest package.json engines admits)`;
            if (REQUIRED) throw new Error(`IMMUTABLE_SLOW=require but ${why}`);
            note(`skipped: ${why}`);
            this.skip();
        }
        work = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-lowest-"));
        const pack = sh(ROOT, "npm", ["pack", "--pack-destination", work, "--json", "--loglevel=error"]);
        const tarball = path.join(work, JSON.parse(pack.stdout.slice(pack.stdout.indexOf("[")))[0].filename);
        app = consumer(work, "lowest", tarball, {
            "@pulumi/pulumi": lowest("@pulumi/pulumi"),
            "@pulumi/aws": lowest("@pulumi/aws"),
        });
        fs.writeFileSync(path.join(app, "tsconfig.strict.json"), JSON.stringify(STRICT, null, 2));
        note(`${node}, @pulumi/pulumi ${lowest("@pulumi/pulumi")}, @pulumi/aws ${lowest("@pulumi/aws")}`);
        install(app, "lowest-versions consumer");
    });

    after(() => {
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("installs those versions, once", () => {
        const version = (p: string) =>
            JSON.parse(fs.readFileSync(path.join(app, "node_modules", p, "package.json"), "utf8")).version;
        assert.deepEqual(
            [version("@pulumi/pulumi"), version("@pulumi/aws")],
            [lowest("@pulumi/pulumi"), lowest("@pulumi/aws")],
        );
        assert.equal(pulumiCopies(app).length, 1);
    });

    it("compiles our AWS and core sources against them (a property newer than the range would fail here)", () => {
        const src = path.join(app, "src-check");
        fs.mkdirSync(src);
        fs.cpSync(path.join(ROOT, "components"), path.join(src, "components"), { recursive: true });
        fs.symlinkSync(path.join(app, "node_modules"), path.join(src, "node_modules"));
        fs.writeFileSync(
            path.join(src, "tsconfig.json"),
            JSON.stringify({
                extends: path.join(ROOT, "tsconfig.json"),
                compilerOptions: { noEmit: true, typeRoots: [path.join(app, "node_modules", "@types")] },
                include: ["components/aws/**/*.ts", "components/core/**/*.ts"],
            }),
        );
        sh(src, "npx", ["tsc", "-p", "tsconfig.json"]);
    });

    it("type-checks the example with the strict options", () => {
        sh(app, "npx", ["tsc", "-p", "tsconfig.strict.json", "--noEmit"]);
    });

    it("plans it with the same verdict: only admin-ingress-forbid on the SSH-open group", () => {
        const plan = sh(app, "npx", ["immutable", "plan", "--format", "json"], [1]);
        note(`npx immutable plan ${plan.seconds.toFixed(1)} s`);
        const { stacks } = JSON.parse(plan.stdout);
        assert.deepEqual(
            stacks[0].violations.map((v: any) => [v.policy, v.urn.split("::").pop()]),
            [["admin-ingress-forbid", "maintenance"]],
        );
    });
});

describe("the YAML and Python examples against the component provider's schema @slow", function () {
    this.timeout(10 * 60_000);
    let schema: any;

    before(async function () {
        if (!SLOW) {
            note("skipped (@slow: builds the schema, 15 s and 1.4 GB): IMMUTABLE_SLOW=1 runs it (.ci/run sets it)");
            this.skip();
        }
        schema = await new Promise((resolve, reject) =>
            execFile(
                process.execPath,
                [
                    "-r",
                    "ts-node/register/transpile-only",
                    path.join(ROOT, "test", "components", "support", "buildSchema.ts"),
                ],
                { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" } },
                (err, stdout, stderr) =>
                    err ? reject(new Error(stderr || err.message)) : resolve(JSON.parse(stdout).schema),
            ),
        );
    });

    /** The schema's resource for a token (`immutable-infra:index:X` or the YAML short form `immutable-infra:X`). */
    const resource = (token: string) => {
        const full = token.split(":").length === 2 ? token.replace(":", ":index:") : token;
        const res = schema.resources[full];
        assert.ok(res, `${token} is a resource of the schema`);
        return res;
    };

    it("YAML: every resource type is in the schema, with known properties and every required one", () => {
        const program = YAML.parse(fs.readFileSync(path.join(EXAMPLES, "yaml", "Pulumi.yaml"), "utf8"));
        const ours = Object.entries<any>(program.resources).filter(([, r]) => r.type.startsWith("immutable-infra:"));
        assert.ok(ours.length >= 2);
        for (const [name, r] of ours) {
            const res = resource(r.type);
            const props = Object.keys(r.properties ?? {});
            assert.deepEqual(
                props.filter((p) => !(p in res.inputProperties)),
                [],
                `${name}: unknown properties`,
            );
            assert.deepEqual(
                (res.requiredInputs ?? []).filter((p: string) => !props.includes(p)),
                [],
                `${name}: required properties`,
            );
            const outputs = JSON.stringify(program).match(new RegExp(`\\$\\{${name}\\.(\\w+)`, "g")) ?? [];
            for (const ref of outputs) {
                const out = ref.split(".")[1]!;
                assert.ok(out in res.properties, `${name}.${out} is an output`);
            }
        }
    });

    it("Python: every component call uses the generated module, known arguments (snake_case) and the required ones", () => {
        const text = fs.readFileSync(path.join(EXAMPLES, "python", "__main__.py"), "utf8");
        assert.match(text, /^import pulumi$/m);
        assert.match(text, /^import pulumi_immutable_infra as immutable$/m);
        const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
        const calls = [...text.matchAll(/immutable\.(\w+)\(/g)];
        assert.ok(calls.length >= 2);
        for (const call of calls) {
            const res = resource(`immutable-infra:index:${call[1]}`);
            // The call's top-level keyword arguments: the text up to the matching parenthesis, nested brackets skipped.
            let depth = 0;
            let args = "";
            for (const c of text.slice(call.index! + call[0].length)) {
                if ("([{".includes(c)) depth++;
                if (")]}".includes(c) && depth-- === 0) break;
                if (depth === 0) args += c;
            }
            const given = [...args.matchAll(/(?:^|,)\s*(\w+)=/g)].map((m) => m[1]);
            const known = Object.keys(res.inputProperties).map(snake);
            assert.deepEqual(
                given.filter((g) => !known.includes(g!)),
                [],
                `${call[1]}: unknown arguments`,
            );
            assert.deepEqual(
                (res.requiredInputs ?? []).map(snake).filter((p: string) => !given.includes(p)),
                [],
                `${call[1]}: required arguments`,
            );
        }
        for (const m of text.matchAll(/(registry|image)\.(\w+)/g)) {
            const cls = m[1] === "registry" ? "AwsImageRegistry" : "ContainerImage";
            const outputs = Object.keys(resource(`immutable-infra:index:${cls}`).properties).map(snake);
            assert.ok(outputs.includes(m[2]!), `${m[1]}.${m[2]} is an output of ${cls}`);
        }
    });
});
