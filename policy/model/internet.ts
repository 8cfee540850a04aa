/**
 * Network sources: which ingress sources reach a port from the internet. Sources are CIDRs (IPv4 or IPv6,
 * a bare address meaning one host) or the keywords clouds use for "anywhere": `*`, `Internet`, `Any` (any
 * case, Azure service tags). A CIDR counts as internet when it holds public addresses: every /0, and any
 * range not inside the private, shared, loopback or link-local blocks, unless it lies inside one of the
 * team's allowed CIDRs (a bastion or VPN range). CIDR math is ipaddr.js.
 */
import * as ipaddr from "ipaddr.js";

/** Keywords that mean "any source" (Azure service tags and wildcards), compared case-insensitively. */
export const INTERNET_KEYWORDS = ["*", "internet", "any"];

/** Address blocks that are not reachable from the internet. */
export const NON_PUBLIC_BLOCKS = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "fc00::/7",
    "fe80::/10",
    "::1/128",
];

/** A parsed CIDR. */
export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses `a.b.c.d/n`, `x::y/n` or a bare address (a /32 or /128); undefined for anything else. */
export function parseCidr(text: string): Cidr | undefined {
    const t = text.trim();
    try {
        if (t.includes("/")) {
            return ipaddr.parseCIDR(t);
        }
        const addr = ipaddr.parse(t);
        return [addr, addr.kind() === "ipv4" ? 32 : 128];
    } catch {
        return undefined;
    }
}

const PARSED_NON_PUBLIC = NON_PUBLIC_BLOCKS.map((b) => ipaddr.parseCIDR(b));

/** True when CIDR `inner` lies entirely inside CIDR `outer` (same address family). */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
    const [addr, bits] = inner;
    const [oAddr, oBits] = outer;
    return addr.kind() === oAddr.kind() && bits >= oBits && (addr as any).match(oAddr, oBits);
}

/** What one source means. */
export interface SourceVerdict {
    /** The source reaches the instance from the internet. */
    internet: boolean;
    /** Why, for the message: "0.0.0.0/0", "Internet". */
    source: string;
}

/** Parsed CIDRs by text (sources and allowed ranges repeat across a stack). Shared: read-only. */
const cidrCache = new Map<string, Cidr | undefined>();
const CACHE_LIMIT = 4096;

function cachedCidr(text: string): Cidr | undefined {
    if (cidrCache.has(text)) {
        return cidrCache.get(text);
    }
    const cidr = parseCidr(text);
    if (cidrCache.size >= CACHE_LIMIT) {
        cidrCache.clear();
    }
    cidrCache.set(text, cidr);
    return cidr;
}

/**
 * What a source is, whatever the allowed ranges: `true` an internet keyword, `false` not an address or an
 * address in a non-public block, else its (public) CIDR. Memoized per source text.
 */
const sourceCache = new Map<string, boolean | Cidr>();

function classify(source: string): boolean | Cidr {
    let kind = sourceCache.get(source);
    if (kind !== undefined) {
        return kind;
    }
    if (INTERNET_KEYWORDS.includes(source.trim().toLowerCase())) {
        kind = true;
    } else {
        const cidr = cachedCidr(source);
        kind = !cidr || PARSED_NON_PUBLIC.some((block) => cidrWithin(cidr, block)) ? false : cidr;
    }
    if (sourceCache.size >= CACHE_LIMIT) {
        sourceCache.clear();
    }
    sourceCache.set(source, kind);
    return kind;
}

/**
 * True when `source` reaches the instance from the internet and is not inside one of `allowed`.
 * Things that are not addresses (security group ids, prefix list ids, service tags such as
 * `VirtualNetwork`) are not internet sources.
 */
export function isInternetSource(source: string, allowed: readonly string[] = []): boolean {
    const kind = classify(source);
    if (typeof kind === "boolean") {
        return kind;
    }
    return !allowed.some((a) => {
        const outer = cachedCidr(a);
        return outer !== undefined && cidrWithin(kind, outer);
    });
}
