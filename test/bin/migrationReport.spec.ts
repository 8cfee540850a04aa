/**
 * `immutable audit --report migration` over a directory of `pulumi stack export`s (written here from small
 * resource lists) with the real pack: the step each stack has reached and its next action, the estate summary,
 * the JSON report and its round trip through `--since`; and `plan --report migration` on a shipped stack.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { realPolicyEngine } from "../../bin/lib/policyEngine";
import { CATALOG } from "../../policy/catalog";
import { stackExport, type Resource } from "./exports";
import { runCli } from "./harness";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const TASK = "aws:ecs/taskDefinition:TaskDefinition";
const REPO = "aws:ecr/repository:Repository";
const SERVICE = "aws:ecs/service:Service";
const ADVISORY = path.resolve(__dirname, "..", "..", "policy", "config", "migrating-advisory.json");

/** An ECS task definition of one read-only, non-root container. */
function task(image: string, environment: unknown[] = []): Resource {
    return {
        type: TASK,
        name: "task",
        inputs: {
            family: "app",
            containerDefinitions: JSON.stringify([
                { name: "app", image, readonlyRootFilesystem: true, user: "1000", environment },
            ]),
        },
    };
}

const pinned = (repo: string) => `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${repo}@${DIGEST}`;
const repo = (mutability: string): Resource => ({
    type: REPO,
    name: "repo",
    inputs: { imageTagMutability: mutability },
});
const service = (exec: boolean): Resource => ({
    type: SERVICE,
    name: "svc",
    inputs: { desiredCount: 2, enableExecuteCommand: exec },
});

/** The estate: one stack on step 1, one on step 3, one on step 5 (remediation fixes it all), one cut over. */
const ESTATE: Record<string, [string, string, Resource[]]> = {
    "billing-prod.json": [
        "billing",
        "prod",
        [task(pinned("billing"), [{ name: "DB_PASSWORD", value: "hunter2-Sup3rS3cret!" }]), repo("IMMUTABLE")],
    ],
    "shop-prod.json": ["shop", "prod", [task("nginx:latest"), repo("MUTABLE"), service(false)]],
    "shop-staging.json": ["shop", "staging", [task(pinned("shop")), repo("IMMUTABLE"), service(true)]],
    "web-prod.json": ["web", "prod", [task(pinned("web")), repo("IMMUTABLE"), service(false)]],
};

function writeEstate(dir: string, estate: typeof ESTATE): void {
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, [project, stack, resources]] of Object.entries(estate)) {
        fs.writeFileSync(path.join(dir, file), JSON.stringify(stackExport(project, stack, resources)));
    }
}

/** The fix of a rule, as the catalogue words it. */
const fixOf = (rule: string) => CATALOG.find((r) => r.name === rule)!.fix;

/** The tables of a printed report: per table, its rows; per row, each cell's wrapped lines joined by spaces. */
function tables(text: string): string[][][] {
    const out: string[][][] = [];
    let rows: string[][] | undefined;
    let row: string[][] | undefined;
    const flush = () => {
        if (row && rows) rows.push(row.map((cell) => cell.join(" ").replace(/\s+/g, " ").trim()));
        row = undefined;
    };
    for (const line of text.split("\n")) {
        if (line.startsWith("┌")) {
            rows = [];
            out.push(rows as unknown as string[][]);
        } else if (line.startsWith("├") || line.startsWith("└")) {
            flush();
        } else if (line.startsWith("│") && rows) {
            const cells = line.split("│").slice(1, -1);
            row ??= cells.map(() => []);
            cells.forEach((c, i) => row![i].push(c.trim()));
        }
    }
    return out as unknown as string[][][];
}

const audit = (args: string[]) => runCli(["audit", ...args], { engine: realPolicyEngine });

describe("immutable audit --report migration (real pack, a directory of exports)", function () {
    this.timeout(30_000);
    let tmp: string;
    let exports: string;

    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-migration-"));
        exports = path.join(tmp, "exports");
        writeEstate(exports, ESTATE);
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("places each stack on its step with what blocks the next one and the next action (JSON)", async () => {
        const run = await audit([exports, "--report", "migration", "--format", "json"]);
        assert.equal(run.stderr, "");
        assert.equal(run.exitCode, 1, "mandatory violations exit 1, as audit does");
        const report = JSON.parse(run.stdout);
        assert.equal(report.report, "migration");
        assert.deepEqual(
            report.stacks.map((s: any) => [s.stack, s.source, s.step, s.stage, s.cutOver]),
            [
                ["billing/prod", path.join(exports, "billing-prod.json"), 1, "automate-provisioning", false],
                ["shop/prod", path.join(exports, "shop-prod.json"), 3, "golden-images", false],
                ["shop/staging", path.join(exports, "shop-staging.json"), 5, "cut-over", false],
                ["web/prod", path.join(exports, "web-prod.json"), 5, "cut-over", true],
            ],
        );
        const byStack = Object.fromEntries(report.stacks.map((s: any) => [s.stack, s]));
        assert.deepEqual(
            byStack["shop/prod"].blockers.map((b: any) => [b.policy, b.remediable]),
            [
                ["image-digest-require", false],
                ["registry-tag-immutability-require", true],
            ],
        );
        assert.match(
            byStack["billing/prod"].nextAction,
            /^plaintext-secret-forbid on 1 resource: Pass a secret reference/,
        );
        assert.match(
            byStack["shop/prod"].nextAction,
            /^image-digest-require on 1 resource: Deploy the release's per-registry ref .* Level "remediate" fixes 1 finding of registry-tag-immutability-require\.$/,
        );
        assert.equal(
            byStack["shop/staging"].nextAction,
            'Deploy with level "remediate" (policy/config/remediate.json): pulumi up fixes 1 finding of ecs-exec-forbid.',
        );
        assert.match(byStack["web/prod"].nextAction, /^Nothing open/);
    });

    it("prints the estate summary and every stack's next action as a table", async () => {
        const run = await audit([exports, "--report", "migration"]);
        assert.equal(run.exitCode, 1);
        const [stacks, estate] = tables(run.stdout);
        assert.deepEqual(stacks, [
            ["Stack", "Step reached", "Open", "Blocking the next step", "Next action"],
            [
                "billing/prod",
                "1/5 automate provisioning",
                "1",
                "plaintext-secret-forbid x1",
                `plaintext-secret-forbid on 1 resource: ${fixOf("plaintext-secret-forbid")}`,
            ],
            [
                "shop/prod",
                "3/5 golden images",
                "2",
                "image-digest-require x1 registry-tag-immutability-require x1 (auto-fixed)",
                `image-digest-require on 1 resource: ${fixOf("image-digest-require")} ` +
                    'Level "remediate" fixes 1 finding of registry-tag-immutability-require.',
            ],
            [
                "shop/staging",
                "5/5 cut over",
                "1",
                "ecs-exec-forbid x1 (auto-fixed)",
                'Deploy with level "remediate" (policy/config/remediate.json): pulumi up fixes 1 finding of ecs-exec-forbid.',
            ],
            [
                "web/prod",
                "cut over",
                "0",
                "-",
                "Nothing open: deploy with policy/config/mandatory.json; replace, never patch.",
            ],
        ]);
        assert.deepEqual(estate, [
            ["Step", "Stacks", "Which"],
            ["1 automate provisioning", "1", "billing/prod"],
            ["2 externalize state", "0", "-"],
            ["3 golden images", "1", "shop/prod"],
            ["4 side by side", "0", "-"],
            ["5 cut over", "1", "shop/staging"],
            ["done: cut over", "1", "web/prod"],
        ]);
        assert.match(run.stdout, /^Migration path of 4 stacks$/m);
        assert.match(run.stdout, /^Estate: 4 stacks, 1 cut over, 3 migrating$/m);
        assert.match(
            run.stdout,
            /^4 open findings, 2 fixed by level "remediate" \(policy\/config\/remediate\.json\)\. Blocking the most stacks: plaintext-secret-forbid \(1 stack\), image-digest-require \(1 stack\), registry-tag-immutability-require \(1 stack\)\.$/m,
        );
    });

    it("judges with the pack config: everything advisory exits 0 with the same steps", async () => {
        const run = await audit([
            exports,
            "--report",
            "migration",
            "--format",
            "json",
            "--policy-pack-config",
            ADVISORY,
        ]);
        assert.equal(run.exitCode, 0, run.stderr);
        assert.deepEqual(
            JSON.parse(run.stdout).stacks.map((s: any) => s.step),
            [1, 3, 5, 5],
        );
    });

    it("with policy/config/remediate.json: what the deploy remediates stays open, marked auto-fixed, and blocks nothing", async () => {
        const config = path.resolve(__dirname, "..", "..", "policy", "config", "remediate.json");
        const run = await audit([exports, "--report", "migration", "--format", "json", "--policy-pack-config", config]);
        assert.equal(run.exitCode, 0, run.stderr);
        const stacks = JSON.parse(run.stdout).stacks;
        assert.deepEqual(
            stacks.map((s: any) => s.step),
            [1, 3, 5, 5],
        );
        const byStack = Object.fromEntries(stacks.map((s: any) => [s.stack, s]));
        assert.deepEqual(
            byStack["shop/prod"].blockers.map((b: any) => [b.policy, b.enforcementLevel, b.remediable]),
            [
                ["image-digest-require", "advisory", false],
                ["registry-tag-immutability-require", "remediate", true],
            ],
        );
        assert.equal(
            byStack["shop/staging"].nextAction,
            'Deploy with level "remediate" (policy/config/remediate.json): pulumi up fixes 1 finding of ecs-exec-forbid.',
        );
    });

    it("takes several files and directories, and one export alone", async () => {
        const one = await audit([path.join(exports, "shop-prod.json"), "--report", "migration", "--format", "json"]);
        assert.deepEqual(
            JSON.parse(one.stdout).stacks.map((s: any) => s.stack),
            ["shop/prod"],
        );
        const files = await audit([
            path.join(exports, "web-prod.json"),
            path.join(exports, "billing-prod.json"),
            "--report",
            "migration",
            "--format",
            "json",
        ]);
        assert.deepEqual(
            JSON.parse(files.stdout).estate.steps.map((s: any) => s.stacks.length),
            [1, 0, 0, 0, 0],
        );
        assert.equal(JSON.parse(files.stdout).estate.cutOver, 1);
    });

    it("round-trips its JSON through --since: stacks that moved forward and back since the earlier report", async () => {
        const previous = path.join(tmp, "previous.json");
        fs.writeFileSync(previous, (await audit([exports, "--report", "migration", "--format", "json"])).stdout);
        const later = path.join(tmp, "later");
        writeEstate(later, {
            ...ESTATE,
            // shop/prod pins its image and locks its tags: cut over; web/prod turns ECS Exec on: back to step 5.
            "shop-prod.json": ["shop", "prod", [task(pinned("shop")), repo("IMMUTABLE"), service(false)]],
            "web-prod.json": ["web", "prod", [task(pinned("web")), repo("IMMUTABLE"), service(true)]],
            "billing-prod.json": ESTATE["billing-prod.json"],
        });
        fs.rmSync(path.join(later, "shop-staging.json"));
        const run = await audit([later, "--report", "migration", "--format", "json", "--since", previous]);
        const since = JSON.parse(run.stdout).since;
        assert.equal(since.file, previous);
        assert.deepEqual(
            since.forward.map((c: any) => [c.stack, c.from.stage, c.from.cutOver, c.to.cutOver]),
            [["shop/prod", "golden-images", false, true]],
        );
        assert.deepEqual(
            since.back.map((c: any) => [c.stack, c.from.cutOver, c.to.stage, c.to.cutOver]),
            [["web/prod", true, "cut-over", false]],
        );
        assert.deepEqual(since.unchanged, ["billing/prod"]);
        assert.deepEqual(since.removed, ["shop/staging"]);
        const table = await audit([later, "--report", "migration", "--since", previous]);
        assert.match(table.stdout, /Since .*previous\.json: 1 forward, 1 back, 1 unchanged, 0 new, 1 gone/);
        assert.match(table.stdout, /forward shop\/prod: 3 golden images -> cut over/);
        assert.match(table.stdout, /back {4}web\/prod: cut over -> 5 cut over/);
    });

    describe("bad input exits 2 with one line and prints no partial estate", () => {
        it("a file in the directory that is not an export", async () => {
            const dir = path.join(tmp, "mixed");
            writeEstate(dir, { "web-prod.json": ESTATE["web-prod.json"] });
            fs.writeFileSync(path.join(dir, "notes.json"), JSON.stringify({ hello: "world" }));
            const run = await audit([dir, "--report", "migration"]);
            assert.equal(run.exitCode, 2);
            assert.equal(run.stdout, "");
            assert.match(run.stderr, /^immutable audit: .*notes\.json: unknown document shape/);
        });

        it("two exports of the same stack", async () => {
            const dir = path.join(tmp, "twice");
            writeEstate(dir, { "a.json": ESTATE["web-prod.json"], "b.json": ESTATE["web-prod.json"] });
            const run = await audit([dir, "--report", "migration"]);
            assert.equal(run.exitCode, 2);
            assert.match(run.stderr, /a\.json and .*b\.json are both exports of stack "web\/prod"/);
        });

        it("a --since file that is not a migration report, an empty directory, usage without --report", async () => {
            const since = await audit([
                exports,
                "--report",
                "migration",
                "--since",
                path.join(exports, "web-prod.json"),
            ]);
            assert.equal(since.exitCode, 2);
            assert.match(since.stderr, /web-prod\.json: not a migration report .* at report/);
            const empty = path.join(tmp, "empty");
            fs.mkdirSync(empty);
            assert.match((await audit([empty, "--report", "migration"])).stderr, /empty: no \*\.json stack exports/);
            const several = await audit([path.join(exports, "web-prod.json"), path.join(exports, "shop-prod.json")]);
            assert.equal(several.exitCode, 2);
            assert.match(several.stderr, /several files or directories need --report migration/);
            const sarif = await audit([exports, "--report", "migration", "--format", "sarif"]);
            assert.equal(sarif.exitCode, 2);
            assert.match(sarif.stderr, /--report migration prints table or json, not sarif/);
        });
    });
});

describe("immutable plan --report migration", function () {
    this.timeout(60_000);

    it("puts a shipped stack at the last step, cut over", async () => {
        const run = await runCli(["plan", "--stack", "dev-aws", "--report", "migration", "--format", "json"], {
            engine: realPolicyEngine,
        });
        assert.equal(run.exitCode, 0, run.stderr);
        const report = JSON.parse(run.stdout);
        assert.deepEqual(
            report.stacks.map((s: any) => [s.stack, s.source, s.stage, s.cutOver, s.blockers.length]),
            [["dev-aws", "plan", "cut-over", true, 0]],
        );
        assert.equal(report.estate.cutOver, 1);
    });
});
