/**
 * The image definition: the schema (ajv over image.schema.json) and the rules a schema cannot say. Every refusal
 * happens before anything is bootstrapped and says what is wrong, where.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { BootMode } from "../../../components/core/bakeManifest";
import { loadDefinition, packageSet, validateDefinition, BASE_PACKAGES } from "../../../bin/lib/bake/definition";
import { StepError } from "../../../bin/lib/release/errors";

const SAMPLE = path.join(__dirname, "../../../stacks/app/image.yaml");

/** A directory holding a copy of the sample definition (edited by `change`) and a stand-in application binary. */
function sampleDir(change: (def: any) => void = () => undefined): { dir: string; file: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-def-"));
    const def = loadYaml(SAMPLE);
    change(def);
    fs.mkdirSync(path.join(dir, "build"));
    fs.writeFileSync(path.join(dir, "build", "sample-service"), "#!/bin/sh\n", { mode: 0o755 });
    const file = path.join(dir, "image.yaml");
    fs.writeFileSync(file, stringify(def));
    return { dir, file };
}

function loadYaml(file: string): any {
    return require("yaml").parse(fs.readFileSync(file, "utf8"));
}

function refusal(change: (def: any) => void): string {
    const { file, dir } = sampleDir(change);
    try {
        loadDefinition(file);
    } catch (err: any) {
        assert.ok(err instanceof StepError, `expected a StepError, got ${err}`);
        assert.equal(err.step, "check");
        return err.reason;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.fail("the definition was accepted");
}

describe("bake: the image definition", () => {
    it("accepts the sample service's definition and hashes the file", () => {
        const { file, dir } = sampleDir();
        const loaded = loadDefinition(file);
        assert.equal(loaded.definition.name, "sample-service");
        assert.deepEqual(loaded.definition.bootModes, [BootMode.Bios, BootMode.Uefi, BootMode.UefiSecureBoot]);
        assert.match(loaded.sha256, /^sha256:[0-9a-f]{64}$/);
        assert.equal(loaded.dir, dir);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("installs the base set, cloud-init with its partition grower when cloudInit is set, then the definition's packages", () => {
        const { file, dir } = sampleDir();
        const set = packageSet(loadDefinition(file).definition);
        assert.deepEqual(set.slice(0, BASE_PACKAGES.length), BASE_PACKAGES);
        assert.ok(set.includes("cloud-init") && set.includes("cloud-guest-utils") && set.includes("curl"));
        const bare = packageSet({ ...loadDefinition(file).definition, cloudInit: undefined, packages: [] });
        assert.deepEqual(bare, BASE_PACKAGES);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("refuses an SSH server package without sshServer: true, and accepts it with the flag", () => {
        for (const pkg of ["openssh-server", "dropbear", "tinysshd"]) {
            assert.match(
                refusal((d) => (d.packages = [...d.packages, pkg])),
                new RegExp(`packages ${pkg} run an SSH server: .*set sshServer: true`),
            );
        }
        const { file, dir } = sampleDir((d) => {
            d.packages.push("openssh-server");
            d.sshServer = true;
        });
        assert.equal(loadDefinition(file).definition.sshServer, true);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("refuses package installs at boot through cloud-init modules and commands", () => {
        assert.match(
            refusal((d) => (d.cloudInit.config = { packages: ["nginx"] })),
            /cloudInit\.config\.packages installs software at boot .*bake the package into the image \(packages:\) instead/,
        );
        assert.match(
            refusal((d) => (d.cloudInit.config = { package_upgrade: true })),
            /cloudInit\.config\.package_upgrade installs software at boot/,
        );
        assert.match(
            refusal((d) => (d.cloudInit.config = { runcmd: ["echo hi", ["apt-get", "install", "-y", "nginx"]] })),
            /cloudInit\.config runs a package install at boot: .*apt-get.*install.*nginx/,
        );
        assert.match(
            refusal((d) => (d.cloudInit.config = { bootcmd: ["curl -fsSL https://example.com/setup.sh | sh"] })),
            /cloudInit\.config runs a remote script at boot: "curl -fsSL https:\/\/example.com\/setup.sh \| sh"/,
        );
    });

    it("accepts boot-time configuration that only fetches configuration", () => {
        const { file, dir } = sampleDir(
            (d) =>
                (d.cloudInit.config = {
                    write_files: [{ path: "/etc/motd", content: "hi\n" }],
                    runcmd: ["echo ready"],
                }),
        );
        assert.deepEqual(loadDefinition(file).definition.cloudInit!.config!.runcmd, ["echo ready"]);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("refuses a unit that installs packages when it starts", () => {
        assert.match(
            refusal((d) =>
                d.units.push({
                    name: "setup.service",
                    content:
                        "[Service]\nType=oneshot\nExecStartPre=-/usr/bin/apt-get -y install nginx\nExecStart=/bin/true\n",
                }),
            ),
            /unit setup\.service runs a package install at boot: "\/usr\/bin\/apt-get -y install nginx"/,
        );
    });

    it("refuses missing files with the path it looked for", () => {
        assert.match(
            refusal((d) => (d.files = [{ path: "/etc/app.conf", source: "conf/app.conf" }])),
            /files\[0\]\.source "conf\/app\.conf" does not exist \(looked for .*conf\/app\.conf\)/,
        );
        assert.match(
            refusal((d) => (d.application.binary = "build/other")),
            /application\.binary "build\/other" does not exist .*: build the application first/,
        );
        assert.match(
            refusal((d) => (d.units = [{ name: "x.service", source: "x.service" }])),
            /units\[0\]\.source "x\.service" does not exist/,
        );
    });

    it("refuses an application binary that is not executable", () => {
        const { file, dir } = sampleDir();
        fs.chmodSync(path.join(dir, "build", "sample-service"), 0o644);
        assert.throws(() => loadDefinition(file), /application\.binary "build\/sample-service" is not executable/);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("refuses image paths the bake owns or the kernel provides, and paths that are not normalized", () => {
        assert.match(
            refusal((d) => (d.files = [{ path: "/boot/grub/grub.cfg", content: "x" }])),
            /is under \/boot/,
        );
        assert.match(
            refusal((d) => (d.files = [{ path: "/etc/../proc/x", content: "x" }])),
            /must be a normalized absolute path/,
        );
        assert.match(
            refusal((d) => (d.application.path = "/etc/fstab")),
            /application\.path "\/etc\/fstab" is under \/etc\/fstab/,
        );
    });

    it("refuses schema violations with the field, the rule and the value", () => {
        assert.match(
            refusal((d) => (d.base.release = "jammy")),
            /\/base\/release must be one of: bookworm \(got "jammy"\)/,
        );
        assert.match(
            refusal((d) => (d.bootModes = ["bios", "efi"])),
            /\/bootModes\/1 must be one of: bios, uefi, uefi-secure-boot/,
        );
        assert.match(
            refusal((d) => (d.bootModes = [])),
            /\/bootModes must NOT have fewer than 1 items/,
        );
        assert.match(
            refusal((d) => (d.colour = "blue")),
            /the definition has an unknown field "colour"/,
        );
        assert.match(
            refusal((d) => delete d.base),
            /the definition is missing "base"/,
        );
        assert.match(
            refusal((d) => (d.packages = ["Nginx"])),
            /\/packages\/0 must match pattern .* \(got "Nginx"\)/,
        );
        assert.match(
            refusal((d) => (d.cloudInit.datasources = ["OpenStack"])),
            /must be one of: Ec2, GCE, Azure/,
        );
        assert.match(
            refusal((d) => (d.files = [{ path: "/etc/x", source: "a", content: "b" }])),
            /\/files\/0 must have exactly one of source or content/,
        );
        assert.match(
            refusal((d) => (d.smoke.http = "http://example.com/healthz")),
            /\/smoke\/http must match pattern/,
        );
    });

    it("refuses a smoke check on a unit the image does not start", () => {
        assert.match(
            refusal((d) => (d.smoke.units = ["nginx.service"])),
            /smoke\.units names nginx\.service, which is neither defined in units nor enabled/,
        );
    });

    it("reports a file that is not YAML, and one it cannot read", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-def-"));
        fs.writeFileSync(path.join(dir, "image.yaml"), "name: [unclosed\n");
        assert.throws(() => loadDefinition(path.join(dir, "image.yaml")), /image\.yaml is not valid YAML/);
        assert.throws(
            () => loadDefinition(path.join(dir, "none.yaml")),
            /cannot read the image definition .*none\.yaml \(ENOENT\)/,
        );
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("lists every problem at once", () => {
        const reason = refusal((d) => {
            d.packages.push("openssh-server");
            d.cloudInit.config = { packages: ["x"] };
        });
        assert.match(reason, /SSH server.*; cloudInit\.config\.packages/);
    });

    it("validates a parsed value the same way (validateDefinition)", () => {
        assert.throws(
            () => validateDefinition({ name: "x" }, "inline", os.tmpdir()),
            /inline: the definition is missing "base"/,
        );
    });

    it("documents every field of the schema in docs/bake.md", () => {
        const schema = JSON.parse(
            fs.readFileSync(path.join(__dirname, "../../../bin/lib/bake/image.schema.json"), "utf8"),
        );
        const doc = fs.readFileSync(path.join(__dirname, "../../../docs/bake.md"), "utf8");
        for (const field of Object.keys(schema.properties)) {
            assert.match(doc, new RegExp(`^\\| \`${field}\` \\|`, "m"), `docs/bake.md has a row for ${field}`);
        }
    });
});
