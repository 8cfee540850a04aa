/**
 * The root file system's pure parts: mmdebstrap's command line (sources, pins), the package-set comparison a
 * pinned rebuild is held to, the configuration the bake writes (GRUB, cloud-init without package modules), and
 * the normalization that makes two builds byte-identical, on a small tree.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import {
    CLOUD_INIT_MODULES,
    PINS_FILE,
    aptSources,
    bootstrapKey,
    clampTimes,
    cloudInitConfig,
    explainBootstrapFailure,
    grubConfig,
    mmdebstrapArgs,
    normalize,
    pinDifferences,
    pinPreferences,
    type BootstrapRequest,
} from "../../../bin/lib/bake/rootfs";
import { BOOT_INSTALL_KEYS } from "../../../bin/lib/bake/definition";

const req: BootstrapRequest = {
    release: "bookworm",
    mirror: "http://deb.debian.org/debian/",
    securityMirror: "http://deb.debian.org/debian-security",
    packages: ["linux-image-cloud-amd64", "curl"],
    epoch: 1_700_000_000,
};

describe("bake: bootstrap", () => {
    it("reads the release, its updates and its security suite from the configured mirrors", () => {
        assert.deepEqual(aptSources(req), [
            "deb http://deb.debian.org/debian bookworm main",
            "deb http://deb.debian.org/debian bookworm-updates main",
            "deb http://deb.debian.org/debian-security bookworm-security main",
        ]);
    });

    it("runs mmdebstrap minbase in root mode into a tarball with the packages", () => {
        const args = mmdebstrapArgs(req, "/w/rootfs.tar");
        assert.deepEqual(args.slice(0, 3), ["--variant=minbase", "--mode=root", "--format=tar"]);
        assert.ok(args.includes("--include=linux-image-cloud-amd64,curl"));
        assert.deepEqual(args.slice(-5, -3), ["bookworm", "/w/rootfs.tar"]);
        assert.ok(!args.some((a) => a.startsWith("--setup-hook")), "no pins, no hook");
    });

    it("pins an exact package set through apt preferences copied in before anything is installed", () => {
        const pins = [
            { name: "curl", version: "7.88.1-10+deb12u14", arch: "amd64" },
            { name: "libc6", version: "2.36-9+deb12u10", arch: "amd64" },
        ];
        assert.equal(
            pinPreferences(pins),
            "Package: curl\nPin: version 7.88.1-10+deb12u14\nPin-Priority: 1001\n\nPackage: libc6\nPin: version 2.36-9+deb12u10\nPin-Priority: 1001\n",
        );
        const args = mmdebstrapArgs({ ...req, pins }, "/w/rootfs.tar", `/w/${PINS_FILE}`);
        assert.ok(args.includes(`--setup-hook=copy-in /w/${PINS_FILE} /etc/apt/preferences.d`));
    });

    it("keys the cache by every input: packages, pins, epoch and the mmdebstrap version", () => {
        const key = bootstrapKey(req, "1.3.5-7");
        assert.equal(bootstrapKey({ ...req }, "1.3.5-7"), key);
        assert.notEqual(bootstrapKey({ ...req, packages: ["curl"] }, "1.3.5-7"), key);
        assert.notEqual(bootstrapKey({ ...req, epoch: 1 }, "1.3.5-7"), key);
        assert.notEqual(bootstrapKey({ ...req, pins: [] }, "1.3.5-7"), key);
        assert.notEqual(bootstrapKey(req, "1.3.6"), key);
    });

    it("holds a pinned rebuild to exactly the pinned set", () => {
        const pins = [
            { name: "a", version: "1", arch: "amd64" },
            { name: "b", version: "2", arch: "all" },
        ];
        assert.deepEqual(pinDifferences(pins, pins), []);
        assert.deepEqual(
            pinDifferences(pins, [
                { name: "a", version: "1.1", arch: "amd64" },
                { name: "c", version: "3", arch: "amd64" },
            ]),
            ["a:amd64 is 1.1, pinned 1", "b:all 2 is not installed", "c:amd64 3 is installed but not pinned"],
        );
    });

    it("says which package the mirror does not have, from apt's own error", () => {
        const log =
            "I: running apt-get update...\nE: Unable to locate package nginx-extra\nE: Unable to locate package nginx-extra\n";
        assert.equal(explainBootstrapFailure(log, false), "the mirror has no package nginx-extra");
        assert.match(
            explainBootstrapFailure("E: Failed to fetch http://x/y 404 Not Found\n", false),
            /mmdebstrap failed:\nE: Failed to fetch/,
        );
        assert.match(explainBootstrapFailure("working...", true), /timed out \(--bootstrap-timeout\)/);
    });
});

describe("bake: configuration written into the image", () => {
    it("boots the one kernel from the root file system by UUID, console on the serial port, no menu wait", () => {
        const cfg = grubConfig("sample-service", "v1", "6.1.0-57-cloud-amd64", "1234-uuid");
        assert.match(cfg, /set timeout=0/);
        assert.match(cfg, /search --no-floppy --fs-uuid --set=root 1234-uuid/);
        assert.match(
            cfg,
            /linux \/boot\/vmlinuz-6\.1\.0-57-cloud-amd64 root=UUID=1234-uuid ro console=tty0 console=ttyS0,115200n8/,
        );
        assert.match(cfg, /initrd \/boot\/initrd\.img-6\.1\.0-57-cloud-amd64/);
    });

    it("gives cloud-init the clouds' datasources, leaves networking to networkd and runs no package module", () => {
        const doc = parse(
            cloudInitConfig(["Ec2", "GCE", "Azure"], { write_files: [{ path: "/etc/x", content: "y" }] }),
        );
        assert.deepEqual(doc.datasource_list, ["Ec2", "GCE", "Azure"]);
        assert.deepEqual(doc.network, { config: "disabled" });
        assert.deepEqual(doc.write_files, [{ path: "/etc/x", content: "y" }]);
        const modules = [...doc.cloud_init_modules, ...doc.cloud_config_modules, ...doc.cloud_final_modules];
        for (const forbidden of [
            "package_update_upgrade_install",
            "apt_configure",
            "apt_pipelining",
            "snap",
            "ansible",
            "puppet",
            "chef",
            "salt_minion",
            "ntp",
        ]) {
            assert.ok(!modules.includes(forbidden), `${forbidden} never runs`);
        }
        assert.ok(modules.includes("scripts_user"), "the instance groups' boot script (user data) runs");
        assert.deepEqual(modules, [
            ...CLOUD_INIT_MODULES.init,
            ...CLOUD_INIT_MODULES.config,
            ...CLOUD_INIT_MODULES.final,
        ]);
        assert.ok(BOOT_INSTALL_KEYS.includes("packages"));
    });
});

describe("bake: normalization", () => {
    let root = "";
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-rootfs-"));
        const put = (p: string, content = "x") => {
            fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
            fs.writeFileSync(path.join(root, p), content);
        };
        put("etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        put("var/lib/dbus/machine-id", "0123");
        put("var/cache/ldconfig/aux-cache");
        put("var/log/apt/history.log");
        put("var/log/dpkg.log");
        put("var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease");
        fs.mkdirSync(path.join(root, "var/lib/apt/lists/partial"), { recursive: true });
        put("var/cache/apt/archives/curl.deb");
        fs.mkdirSync(path.join(root, "var/cache/apt/archives/partial"), { recursive: true });
        put("usr/bin/tool");
        fs.symlinkSync("tool", path.join(root, "usr/bin/alias"));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("empties machine-id, removes caches and logs, keeps apt's partial directories", () => {
        normalize(root, 1_700_000_000);
        assert.equal(fs.readFileSync(path.join(root, "etc/machine-id"), "utf8"), "");
        for (const gone of [
            "var/lib/dbus/machine-id",
            "var/cache/ldconfig/aux-cache",
            "var/log/apt",
            "var/log/dpkg.log",
            "var/cache/apt/archives/curl.deb",
        ]) {
            assert.ok(!fs.existsSync(path.join(root, gone)), `${gone} is removed`);
        }
        assert.deepEqual(fs.readdirSync(path.join(root, "var/lib/apt/lists")), ["partial"]);
        assert.deepEqual(fs.readdirSync(path.join(root, "var/cache/apt")), ["archives"]);
        assert.deepEqual(fs.readdirSync(path.join(root, "var/cache/apt/archives")), ["partial"]);
    });

    it("clamps every mtime and atime to SOURCE_DATE_EPOCH, symlinks themselves included, older times kept", () => {
        const old = 1_600_000_000;
        fs.utimesSync(path.join(root, "usr/bin/tool"), old, old);
        clampTimes(root, 1_700_000_000);
        const walk = (p: string): string[] => [
            p,
            ...(fs.lstatSync(p).isDirectory() ? fs.readdirSync(p).flatMap((e) => walk(path.join(p, e))) : []),
        ];
        for (const p of walk(root)) {
            const st = fs.lstatSync(p);
            assert.ok(st.mtimeMs <= 1_700_000_000_000, `${p} mtime clamped`);
            if (!st.isDirectory()) {
                // (reading a directory to walk it updates its atime: the debugfs pass resets those in the image)
                assert.equal(st.atimeMs, st.mtimeMs, `${p} atime = mtime`);
            }
        }
        assert.equal(fs.lstatSync(path.join(root, "usr/bin/tool")).mtimeMs, old * 1000);
        assert.equal(fs.lstatSync(path.join(root, "usr/bin/alias")).mtimeMs, 1_700_000_000_000);
    });

    it("never writes through a symlink that leaves the image", () => {
        const outside = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-outside-"));
        fs.rmSync(path.join(root, "etc"), { recursive: true });
        fs.symlinkSync(outside, path.join(root, "etc"));
        assert.throws(
            () => normalize(root, 1_700_000_000),
            /etc\/machine-id: its directory resolves to .*, outside the image/,
        );
        assert.deepEqual(fs.readdirSync(outside), []);
        fs.rmSync(outside, { recursive: true, force: true });
    });
});
