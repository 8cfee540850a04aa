/**
 * Network sources: who can reach a port. Sources are CIDRs (IPv4 in four-part decimal or IPv6, a bare address
 * meaning one host), the keywords clouds use for "anywhere" (`*`, `Internet`, `Any`, any case), Azure service
 * tags, and the clouds' brokered-access ranges (GCP IAP). A CIDR holding public addresses reaches the instance
 * from the internet unless it lies inside one of the team's allowed CIDRs (a bastion or VPN range); every /0
 * and every "any" keyword is "the internet", a narrower public range "public addresses". Anything else is
 * unreadable: `/0`, `0.0.0.0/zero`, `10.0.0.1/33`. CIDR math is ipaddr.js.
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

/**
 * Ranges from which a cloud brokers authenticated access, so a rule admitting only them opens nothing to the
 * internet: GCP Identity-Aware Proxy TCP forwarding (https://cloud.google.com/iap/docs/using-tcp-forwarding).
 */
export const BROKERED_RANGES: Readonly<Record<string, readonly string[]>> = {
    gcp: ["35.235.240.0/20", "2600:2d00:1:7::/64"],
};

/**
 * Azure service tags that stand for public addresses anyone can hold: AzureCloud (every Azure public address,
 * customers' VMs included) and its regional forms (https://learn.microsoft.com/azure/virtual-network/service-tags-overview).
 */
const PUBLIC_SERVICE_TAG = /^azurecloud(\.[a-z0-9]+)?$/i;
/** The shape of an Azure service tag (`VirtualNetwork`, `Storage.WestEurope`, `AzureLoadBalancer`). */
const SERVICE_TAG = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9-]+)*$/;

/** A parsed CIDR. */
export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Parses `a.b.c.d/n` (four-part decimal only, as the clouds accept), `x::y/n` or a bare address (a /32 or
 * /128); undefined for anything else.
 */
export function parseCidr(text: string): Cidr | undefined {
    const t = text.trim();
    const slash = t.indexOf("/");
    const addr = slash < 0 ? t : t.slice(0, slash);
    const bits = slash < 0 ? undefined : t.slice(slash + 1);
    if (bits !== undefined && !/^\d{1,3}$/.test(bits)) {
        return undefined;
    }
    try {
        if (ipaddr.IPv4.isValidFourPartDecimal(addr)) {
            const a = ipaddr.IPv4.parse(addr);
            const n = bits === undefined ? 32 : Number(bits);
            return n <= 32 ? [a, n] : undefined;
        }
        if (addr.includes(":") && ipaddr.IPv6.isValid(addr)) {
            const a = ipaddr.IPv6.parse(addr);
            const n = bits === undefined ? 128 : Number(bits);
            return n <= 128 ? [a, n] : undefined;
        }
    } catch {
        return undefined;
    }
    return undefined;
}

const PARSED_NON_PUBLIC = NON_PUBLIC_BLOCKS.map((b) => ipaddr.parseCIDR(b));

/** True when CIDR `inner` lies entirely inside CIDR `outer` (same address family). */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
    const [addr, bits] = inner;
    const [oAddr, oBits] = outer;
    return addr.kind() === oAddr.kind() && bits >= oBits && (addr as any).match(oAddr, oBits);
}

/** What a source is. */
export enum SourceKind {
    /** Any address: every /0, and the keywords `*`, `Internet`, `Any`. */
    Internet = "internet",
    /** Public addresses narrower than /0 (or an Azure tag of public addresses). */
    Public = "public",
    /** Private, shared, loopback or link-local addresses; Azure service tags of the platform. */
    NonPublic = "non-public",
    /** A cloud's brokered-access range (GCP IAP). */
    Brokered = "brokered",
    /** Not a source the pack can read. */
    Unreadable = "unreadable",
}

/** How a cloud writes sources: Azure accepts service tags, AWS and GCP only addresses. */
export enum SourceDialect {
    Aws = "aws",
    Gcp = "gcp",
    Azure = "azure",
}

/** A classified source. */
export interface ClassifiedSource {
    kind: SourceKind;
    /** The parsed CIDR of an address source (for allowedCidrs). */
    cidr?: Cidr;
}

const CACHE_LIMIT = 4096;
const sourceCache = new Map<string, ClassifiedSource>();

/** Classifies one source as `dialect` reads it (memoized per dialect and text). */
export function classifySource(source: string, dialect: SourceDialect): ClassifiedSource {
    const key = `${dialect}\u0000${source}`;
    let found = sourceCache.get(key);
    if (!found) {
        found = classifyUncached(source, dialect);
        if (sourceCache.size >= CACHE_LIMIT) {
            sourceCache.clear();
        }
        sourceCache.set(key, found);
    }
    return found;
}

function classifyUncached(source: string, dialect: SourceDialect): ClassifiedSource {
    const text = source.trim();
    if (INTERNET_KEYWORDS.includes(text.toLowerCase())) {
        return { kind: SourceKind.Internet };
    }
    const cidr = parseCidr(text);
    if (cidr) {
        if (cidr[1] === 0) {
            return { kind: SourceKind.Internet, cidr };
        }
        if (PARSED_NON_PUBLIC.some((block) => cidrWithin(cidr, block))) {
            return { kind: SourceKind.NonPublic, cidr };
        }
        const brokered = (BROKERED_RANGES[dialect] ?? []).some((b) => cidrWithin(cidr, ipaddr.parseCIDR(b)));
        return { kind: brokered ? SourceKind.Brokered : SourceKind.Public, cidr };
    }
    if (dialect === SourceDialect.Azure && SERVICE_TAG.test(text)) {
        return { kind: PUBLIC_SERVICE_TAG.test(text) ? SourceKind.Public : SourceKind.NonPublic };
    }
    return { kind: SourceKind.Unreadable };
}

/** True when `source` (a public CIDR) lies inside one of the allowed CIDRs. */
export function isAllowed(source: ClassifiedSource, allowed: readonly string[]): boolean {
    const inner = source.cidr;
    if (!inner) {
        return false;
    }
    return allowed.some((a) => {
        const outer = parseCidr(a);
        return outer !== undefined && cidrWithin(inner, outer);
    });
}

/**
 * True when `source` reaches the instance from the internet (any address or public addresses) and is not
 * inside one of `allowed`. Service tags other than Internet/AzureCloud are not internet sources; text that is
 * no source at all is not either (use {@link classifySource} to tell it apart).
 */
export function isInternetSource(source: string, allowed: readonly string[] = []): boolean {
    const c = classifySource(source, SourceDialect.Azure);
    return (c.kind === SourceKind.Internet || c.kind === SourceKind.Public) && !isAllowed(c, allowed);
}
