/**
 * Unknown packages are refused before anything is bootstrapped: the mirror's package indexes are read (here a
 * mirror on 127.0.0.1 serving small xz-compressed indexes) and every requested name must be a package or
 * something a package provides.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { checkPackagesExist, indexUrls, parsePackagesIndex, unknownPackages } from "../../../bin/lib/bake/archive";
import { StepError } from "../../../bin/lib/release/errors";
import { onPath } from "../../../bin/lib/bake/host";
import type { BootstrapRequest } from "../../../bin/lib/bake/rootfs";

const MAIN = `Package: curl
Version: 7.88.1-10+deb12u8
Architecture: amd64

Package: openssh-server
Version: 1:9.2p1-2+deb12u3
Provides: ssh-server
Architecture: amd64

Package: postfix
Version: 3.7.11-0+deb12u1
Provides: default-mta, mail-transport-agent (= 3.7.11)
Architecture: amd64
`;
const SECURITY = `Package: linux-image-cloud-amd64
Version: 6.1.158-1
Architecture: amd64
`;

describe("bake: package names against the mirror", () => {
    it("knows packages and what they provide, versioned or not", () => {
        const index = parsePackagesIndex(MAIN);
        assert.deepEqual([...index.packages], ["curl", "openssh-server", "postfix"]);
        assert.deepEqual([...index.provided], ["ssh-server", "default-mta", "mail-transport-agent"]);
        assert.deepEqual(unknownPackages(["curl", "mail-transport-agent", "nginx-extra", "cURL"], index), [
            "nginx-extra",
            "cURL",
        ]);
    });

    describe("a mirror on 127.0.0.1", function () {
        let server: http.Server;
        let mirror = "";
        const served: string[] = [];
        before(function () {
            if (!onPath("xz")) {
                console.log("      skipped: xz is not installed (apt-get install xz-utils)");
                this.skip();
            }
            const xz = (text: string) => execFileSync("xz", ["-c"], { input: text });
            const files: Record<string, Buffer> = {
                "/debian/dists/bookworm/main/binary-amd64/Packages.xz": xz(MAIN),
                "/debian/dists/bookworm-updates/main/binary-amd64/Packages.xz": xz(""),
                "/security/dists/bookworm-security/main/binary-amd64/Packages.xz": xz(SECURITY),
            };
            server = http.createServer((req, res) => {
                served.push(req.url ?? "");
                const body = files[req.url ?? ""];
                res.writeHead(body ? 200 : 404);
                res.end(body);
            });
            return new Promise<void>((resolve) =>
                server.listen(0, "127.0.0.1", () => {
                    mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
                    resolve();
                }),
            );
        });
        after(() => server?.close());

        const request = (packages: string[], release = "bookworm"): BootstrapRequest => ({
            release,
            mirror: `${mirror}/debian`,
            securityMirror: `${mirror}/security`,
            packages,
            epoch: 0,
        });

        it("reads the release, updates and security indexes and accepts names found in any", async () => {
            assert.deepEqual(
                indexUrls(request([])).map((u) => u.slice(mirror.length)),
                [
                    "/debian/dists/bookworm/main/binary-amd64/Packages.xz",
                    "/debian/dists/bookworm-updates/main/binary-amd64/Packages.xz",
                    "/security/dists/bookworm-security/main/binary-amd64/Packages.xz",
                ],
            );
            assert.equal(await checkPackagesExist(request(["curl", "linux-image-cloud-amd64", "ssh-server"])), 4);
        });

        it("refuses an unknown package with its name, the suites and the mirror", async () => {
            await assert.rejects(checkPackagesExist(request(["curl", "nginx-extra"])), (e: any) => {
                assert.ok(e instanceof StepError);
                assert.equal(e.step, "resolve");
                assert.equal(
                    e.reason,
                    `unknown package nginx-extra: not in bookworm, bookworm-updates or bookworm-security (main) at ${mirror}/debian`,
                );
                return true;
            });
        });

        it("says when the mirror does not serve the release", async () => {
            await assert.rejects(
                checkPackagesExist(request(["curl"], "trixie")),
                /answered 404 \(is the mirror and release right\?\)/,
            );
        });
    });
});
