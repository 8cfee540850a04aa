/**
 * The boot test's parts that need no VM: the smoke script (valid bash, woken only by the SMBIOS tag), the line it
 * prints and how a boot mode is judged from it, and QEMU's arguments per mode.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { BootMode } from "../../../components/core/bakeManifest";
import { qemuArgs, smokeProblems, STUCK } from "../../../bin/lib/bake/qemu";
import { OVMF } from "../../../bin/lib/bake/host";
import { SMOKE_TAG_PREFIX, findSmokeLine, parseSmokeUrl, smokeScript, smokeUnit } from "../../../bin/lib/bake/smoke";

const files = { disk: "/w/disk.raw", serial: "/w/serial.log", vars: "/w/vars.fd" };

describe("bake: the smoke unit", () => {
    const script = smokeScript({
        units: ["immutable-app.service"],
        http: "http://127.0.0.1:8080/healthz",
        command: "test -d /etc",
        timeoutSeconds: 45,
    });

    it("is valid bash", () => {
        const r = spawnSync("bash", ["-n"], { input: script });
        assert.equal(r.status, 0, r.stderr.toString());
    });

    it("exits at once unless the SMBIOS asset tag carries the bake's prefix", () => {
        assert.match(script, /tag=\$\(cat \/sys\/class\/dmi\/id\/chassis_asset_tag/);
        assert.match(script, new RegExp(`  ${SMOKE_TAG_PREFIX}\\*\\) nonce=.*\\n  \\*\\) exit 0 ;;`));
        assert.equal(script.indexOf("systemctl poweroff") > script.indexOf("exit 0 ;;"), true);
    });

    it("runs the definition's checks with its timeout and speaks HTTP/1.0 to the URL", () => {
        assert.match(script, /deadline=\$\(\(SECONDS \+ 45\)\)/);
        assert.match(script, /for u in immutable-app\.service; do systemctl is-active/);
        assert.match(script, /exec 3<>\/dev\/tcp\/127\.0\.0\.1\/8080/);
        assert.match(script, /printf 'GET \/healthz HTTP\/1\.0/);
        assert.match(script, /retry units check_units\nretry http check_http\nretry command check_command/);
    });

    it("runs no check the definition does not ask for", () => {
        const bare = smokeScript(undefined);
        assert.doesNotMatch(bare, /^retry /m);
        assert.match(bare, /deadline=\$\(\(SECONDS \+ 60\)\)/);
        assert.equal(spawnSync("bash", ["-n"], { input: bare }).status, 0);
    });

    it("is started after multi-user.target without holding up the boot (Type=exec)", () => {
        assert.match(smokeUnit(), /After=multi-user\.target[\s\S]*Type=exec[\s\S]*WantedBy=multi-user\.target/);
    });

    it("reads the URL's host, port and path", () => {
        assert.deepEqual(parseSmokeUrl("http://localhost/ready?x=1"), {
            host: "localhost",
            port: 80,
            path: "/ready?x=1",
        });
        assert.throws(() => parseSmokeUrl("https://127.0.0.1/"), /must be an http:\/\/ URL/);
    });
});

describe("bake: the smoke line", () => {
    const serial = [
        "[  OK  ] Reached target multi-user.target",
        "IMMUTABLE-SMOKE nonce=old result=pass firmware=bios secureboot=off state=running failed=none checks=none kernel=6.1",
        "\x1b[0mIMMUTABLE-SMOKE nonce=abc123 result=pass firmware=uefi secureboot=on state=running failed=none checks=units:ok,http:ok kernel=6.1.0-57-cloud-amd64",
    ].join("\r\n");

    it("is the one with this boot's nonce (a stale line is ignored)", () => {
        const line = findSmokeLine(serial, "abc123")!;
        assert.equal(line.firmware, "uefi");
        assert.equal(line.secureboot, "on");
        assert.equal(line.checks, "units:ok,http:ok");
        assert.match(line.line, /^IMMUTABLE-SMOKE nonce=abc123 /);
        assert.equal(findSmokeLine(serial, "nope"), undefined);
    });

    it("passes a mode only with result=pass in the firmware of that mode, Secure Boot enforced for uefi-secure-boot", () => {
        const line = findSmokeLine(serial, "abc123")!;
        assert.deepEqual(smokeProblems(BootMode.UefiSecureBoot, line), []);
        assert.deepEqual(smokeProblems(BootMode.Uefi, line), []);
        assert.deepEqual(smokeProblems(BootMode.Bios, line), ["booted with uefi firmware, expected bios"]);
        assert.deepEqual(smokeProblems(BootMode.UefiSecureBoot, { ...line, secureboot: "off" }), [
            "Secure Boot was not enforced",
        ]);
        assert.match(
            smokeProblems(BootMode.Uefi, { ...line, result: "fail", state: "degraded", failed: "x.service" })[0],
            /smoke result fail \(state degraded, failed units x\.service/,
        );
    });

    it("is never awaited after GRUB's prompt, a kernel panic or emergency mode", () => {
        for (const text of [
            "grub> ",
            "grub rescue> ",
            "Kernel panic - not syncing: VFS",
            "You are in emergency mode.",
        ]) {
            assert.ok(
                STUCK.some((s) => s.pattern.test(`boot...\n${text}`)),
                text,
            );
        }
    });
});

describe("bake: QEMU per boot mode", () => {
    it("boots BIOS on the pc machine with no firmware flash, under TCG", () => {
        const args = qemuArgs(BootMode.Bios, files, "n1");
        assert.deepEqual(args.slice(0, 4), ["-machine", "pc", "-accel", "tcg"]);
        assert.ok(!args.join(" ").includes("pflash"));
    });

    it("never writes the disk (snapshot=on) and wakes the smoke unit through the SMBIOS asset tag", () => {
        const args = qemuArgs(BootMode.Uefi, files, "n1").join(" ");
        assert.match(args, /file=\/w\/disk\.raw,format=raw,if=virtio,snapshot=on/);
        assert.match(args, new RegExp(`-smbios type=3,asset=${SMOKE_TAG_PREFIX}n1`));
        assert.match(args, /-netdev user,id=net0,restrict=on/);
        assert.match(args, /-serial file:\/w\/serial\.log/);
    });

    it("boots UEFI from OVMF with a writable copy of the variables", () => {
        const args = qemuArgs(BootMode.Uefi, files, "n1").join(" ");
        assert.match(args, new RegExp(`readonly=on,file=${OVMF.code}`));
        assert.match(args, /unit=1,file=\/w\/vars\.fd/);
    });

    it("boots Secure Boot with SMM, the secure flash and Microsoft's keys enrolled", () => {
        const args = qemuArgs(BootMode.UefiSecureBoot, files, "n1").join(" ");
        assert.match(args, /-machine q35,smm=on -global driver=cfi\.pflash01,property=secure,value=on/);
        assert.match(args, new RegExp(`file=${OVMF.secureCode}`));
        assert.match(OVMF.secureVars, /\.ms\.fd$/);
    });
});
