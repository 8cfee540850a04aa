import * as assert from "node:assert/strict";
import { execSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { listShippedStacks, loadStackConfig } from "../../bin/lib/stacks";

const ROOT = path.join(__dirname, "..", "..");
const workflow = (name: string): any =>
    YAML.parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", `${name}.yml`), "utf8"));
const steps = (wf: any, job: string): any[] => wf.jobs[job].steps;
const pulumiStep = (wf: any, job: string): any =>
    steps(wf, job).find((s) => String(s.uses).startsWith("pulumi/actions@"));

describe("CI examples (.github/workflows)", () => {
    it("list exactly the environment stacks (every shipped stack but the build stack)", () => {
        const run: string = workflow("preview").jobs.stacks.steps.find((s: any) => s.id === "list").run;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-wf-"));
        const output = path.join(dir, "output");
        execSync(run, { cwd: ROOT, shell: "/bin/bash", env: { ...process.env, GITHUB_OUTPUT: output } });
        const listed = JSON.parse(/^stacks=(.*)$/m.exec(fs.readFileSync(output, "utf8"))![1]);
        fs.rmSync(dir, { recursive: true, force: true });
        const environments = listShippedStacks().filter((s) => loadStackConfig(s).config["immutable:kind"] !== "build");
        assert.deepEqual([...listed].sort(), [...environments].sort());
        for (const name of ["audit", "drift"])
            assert.equal(
                workflow(name).jobs.stacks.steps.find((s: any) => s.id === "list").run,
                run,
                `${name}.yml lists the same stacks`,
            );
    });

    it("preview: plans offline, then previews every environment with the pack", () => {
        const wf = workflow("preview");
        assert.ok(steps(wf, "plan").some((s) => s.run === "npm run plan"));
        assert.equal(wf.jobs.preview.strategy.matrix.stack, "${{ fromJSON(needs.stacks.outputs.stacks) }}");
        assert.deepEqual(
            {
                command: pulumiStep(wf, "preview").with.command,
                policyPacks: pulumiStep(wf, "preview").with.policyPacks,
            },
            { command: "preview", policyPacks: "policy" },
        );
    });

    it("audit: no cloud credentials, SARIF uploaded to code scanning before failing on a mandatory violation", () => {
        const wf = workflow("audit");
        const text = JSON.stringify(wf.jobs.audit);
        assert.doesNotMatch(text, /configure-aws-credentials|google-github-actions\/auth|azure\/login|ARM_CLIENT/);
        assert.equal(wf.permissions["security-events"], "write");
        const names = steps(wf, "audit").map((s) => s.uses ?? s.name);
        assert.ok(
            names.indexOf("github/codeql-action/upload-sarif@v3") <
                names.indexOf("fail on a mandatory violation (1) or unreadable input (2)"),
        );
        assert.match(
            steps(wf, "audit").find((s) => s.id === "audit").run,
            /bin\/immutable audit export\.json --format sarif/,
        );
    });

    it("drift: a nightly refresh preview that expects no changes, per environment", () => {
        const wf = workflow("drift");
        assert.ok(wf.on.schedule.length > 0);
        const step = pulumiStep(wf, "drift").with;
        assert.deepEqual([step.command, step.refresh, step["expect-no-changes"]], ["preview", true, true]);
    });
});
