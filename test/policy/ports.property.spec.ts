/**
 * Property-based specs of the port and CIDR logic against simple oracles (integer and BigInt arithmetic,
 * no ipaddr.js), and of the whole admin-ingress rule against a one-line oracle.
 */
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { isInternetSource, NON_PUBLIC_BLOCKS } from "../../policy/model/internet";
import { parsePortList, parsePortSpec, rangeContains } from "../../policy/model/ports";
import { adminIngressForbid } from "../../policy/rules/adminIngressForbid";

/** Oracle: an IPv4 CIDR as [first, last] integers. */
function v4Range(a: number, bits: number): [number, number] {
    const size = 2 ** (32 - bits);
    const first = Math.floor(a / size) * size;
    return [first, first + size - 1];
}
function v4Text(a: number): string {
    return [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join(".");
}
function v4Parse(text: string): number {
    return text.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}
const V4_BLOCKS = NON_PUBLIC_BLOCKS.filter((b) => !b.includes(":")).map((b) => {
    const [addr, bits] = b.split("/");
    return v4Range(v4Parse(addr), Number(bits));
});

/** Oracle: an IPv6 CIDR as [first, last] BigInts. */
function v6Range(a: bigint, bits: number): [bigint, bigint] {
    const size = 1n << BigInt(128 - bits);
    const first = (a / size) * size;
    return [first, first + size - 1n];
}
function v6Text(a: bigint): string {
    return a.toString(16).padStart(32, "0").match(/.{4}/g)!.join(":");
}
const V6_BLOCKS: Array<[bigint, bigint]> = [
    v6Range(0xfc00n << 112n, 7),
    v6Range(0xfe80n << 112n, 10),
    v6Range(1n, 128),
];

const within = <T extends number | bigint>(inner: [T, T], outer: [T, T]) =>
    inner[0] >= outer[0] && inner[1] <= outer[1];

describe("ports and CIDRs (property-based)", () => {
    it("a port range contains exactly the ports between its ends", () => {
        fc.assert(
            fc.property(fc.nat(65535), fc.nat(65535), fc.nat(65535), (a, b, p) => {
                const range = parsePortSpec(`${a}-${b}`)!;
                assert.equal(rangeContains(range, p), Math.min(a, b) <= p && p <= Math.max(a, b));
            }),
        );
    });

    it("a single port spec (number or text) contains only itself", () => {
        fc.assert(
            fc.property(fc.nat(65535), fc.nat(65535), fc.boolean(), (port, p, asText) => {
                const range = parsePortSpec(asText ? String(port) : port)!;
                assert.equal(rangeContains(range, p), port === p);
            }),
        );
    });

    it("an IPv4 CIDR is an internet source unless it lies inside a private block or an allowed CIDR", () => {
        fc.assert(
            fc.property(
                fc.nat(0xffffffff),
                fc.integer({ min: 0, max: 32 }),
                fc.option(fc.tuple(fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 }))),
                (a, bits, allowed) => {
                    const range = v4Range(a, bits);
                    const allowedRanges = allowed ? [v4Range(allowed[0], allowed[1])] : [];
                    const expected =
                        !V4_BLOCKS.some((b) => within(range, b)) && !allowedRanges.some((b) => within(range, b));
                    const allowedText = allowed ? [`${v4Text(allowedRanges[0][0])}/${allowed[1]}`] : [];
                    assert.equal(
                        isInternetSource(`${v4Text(range[0])}/${bits}`, allowedText),
                        expected,
                        `${v4Text(range[0])}/${bits} allowed ${allowedText}`,
                    );
                },
            ),
            { numRuns: 2000 },
        );
    });

    it("every /0 is an internet source, IPv4 and IPv6, even with a host part", () => {
        fc.assert(
            fc.property(fc.nat(0xffffffff), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (a, b) => {
                assert.equal(isInternetSource(`${v4Text(a)}/0`), true);
                assert.equal(isInternetSource(`${v6Text(b)}/0`), true);
            }),
        );
    });

    it("an IPv6 CIDR is an internet source unless it lies inside ULA, link-local or loopback", () => {
        const biased = fc.oneof(
            fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
            fc.bigInt({ min: 0n, max: (1n << 112n) - 1n }).map((x) => (0xfd00n << 112n) | x),
            fc.bigInt({ min: 0n, max: (1n << 112n) - 1n }).map((x) => (0xfe80n << 112n) | x),
        );
        fc.assert(
            fc.property(biased, fc.integer({ min: 0, max: 128 }), (a, bits) => {
                const range = v6Range(a, bits);
                const expected = !V6_BLOCKS.some((b) => within(range, b));
                assert.equal(isInternetSource(`${v6Text(range[0])}/${bits}`), expected, `${v6Text(range[0])}/${bits}`);
            }),
            { numRuns: 1000 },
        );
    });

    it("keywords *, Internet and Any are internet sources in any case; other words are not", () => {
        const cased = (w: string) =>
            fc
                .array(fc.boolean(), { minLength: w.length, maxLength: w.length })
                .map((up) => [...w].map((ch, i) => (up[i] ? ch.toUpperCase() : ch.toLowerCase())).join(""));
        fc.assert(
            fc.property(fc.oneof(cased("internet"), cased("any"), fc.constant("*")), (word) =>
                assert.equal(isInternetSource(word), true),
            ),
        );
        fc.assert(
            fc.property(fc.stringMatching(/^[A-Za-z]{1,12}$/), (word) => {
                fc.pre(!["internet", "any", "azurecloud"].includes(word.toLowerCase()));
                assert.equal(isInternetSource(word), false);
            }),
        );
    });

    it("reads a comma list of ports and ranges as the union of its items", () => {
        fc.assert(
            fc.property(
                fc.array(fc.tuple(fc.nat(65535), fc.nat(65535), fc.boolean()), { minLength: 1, maxLength: 5 }),
                fc.nat(65535),
                (items, p) => {
                    const text = items.map(([a, b, range]) => (range ? `${a} - ${b}` : String(a))).join(", ");
                    const ranges = parsePortList(text)!;
                    const expected = items.some(([a, b, range]) =>
                        range ? Math.min(a, b) <= p && p <= Math.max(a, b) : a === p,
                    );
                    assert.equal(
                        ranges.some((r) => rangeContains(r, p)),
                        expected,
                        text,
                    );
                },
            ),
        );
    });

    it("admin-ingress-forbid rejects an AWS ingress rule exactly when a TCP/all rule opens an admin port (or UDP 3389) to a public source", () => {
        const admin = [22, 3389, 5985, 5986];
        fc.assert(
            fc.property(
                fc.constantFrom("tcp", "6", "-1", "all", "udp", "icmp"),
                fc.nat(65535),
                fc.nat(65535),
                fc.constantFrom("0.0.0.0/0", "::/0", "10.0.0.0/8", "192.168.1.0/24", "8.8.8.0/24", "fd00::/8"),
                (protocol, from, to, cidr) => {
                    const lo = Math.min(from, to);
                    const hi = Math.max(from, to);
                    const all = protocol === "-1" || protocol === "all";
                    const tcp = protocol === "tcp" || protocol === "6";
                    const udp = protocol === "udp";
                    const opens =
                        all || (tcp && admin.some((p) => lo <= p && p <= hi)) || (udp && lo <= 3389 && 3389 <= hi);
                    const publicSource = ["0.0.0.0/0", "::/0", "8.8.8.0/24"].includes(cidr);
                    const reports: string[] = [];
                    const key = cidr.includes(":") ? "ipv6CidrBlocks" : "cidrBlocks";
                    adminIngressForbid.validate(
                        "aws:ec2/securityGroup:SecurityGroup",
                        { ingress: [{ protocol, fromPort: lo, toPort: hi, [key]: [cidr] }] },
                        adminIngressForbid.defaults,
                        (m) => reports.push(m),
                    );
                    assert.equal(
                        reports.length,
                        opens && publicSource ? 1 : 0,
                        `${protocol} ${lo}-${hi} ${cidr}: ${reports}`,
                    );
                },
            ),
            { numRuns: 1000 },
        );
    });
});
