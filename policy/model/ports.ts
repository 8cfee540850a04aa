/**
 * Port ranges and protocols as the three clouds write them: AWS fromPort/toPort numbers, Azure port specs
 * (`"22"`, `"20-30"`, `"*"`, comma lists `"22,24"` and `"21-24, 230"`, in destinationPortRange or the
 * destinationPortRanges list), GCP port lists (`["22", "8000-8100"]`). What none of these is comes back as an
 * {@link Unreadable}, never as "no port".
 */
import type { Unreadable } from "./unreadable";
import { list, str } from "./values";

/** An inclusive range of ports. */
export interface PortRange {
    from: number;
    to: number;
}

/** Every port. */
export const ALL_PORTS: PortRange = { from: 0, to: 65535 };

const MAX_PORT = 65535;
const WHY_PORT = 'not a port (0-65535), a range "from-to", a comma list of them or "*"';

function port(text: string): number | undefined {
    return /^\d{1,5}$/.test(text) && Number(text) <= MAX_PORT ? Number(text) : undefined;
}

/** One item of a port spec: `22`, `20-30`, `20 - 30`, `*`; undefined when it is none of these. */
function parseItem(item: string): PortRange | undefined {
    const s = item.trim();
    if (s === "*") {
        return ALL_PORTS;
    }
    const single = port(s);
    if (single !== undefined) {
        return { from: single, to: single };
    }
    const m = /^(\d+)\s*-\s*(\d+)$/.exec(s);
    if (!m) {
        return undefined;
    }
    const from = port(m[1]);
    const to = port(m[2]);
    if (from === undefined || to === undefined) {
        return undefined;
    }
    return from <= to ? { from, to } : { from: to, to: from };
}

/** Parses one port spec: a number, `"22"`, `"20-30"`, `"*"`; undefined for anything else (lists included). */
export function parsePortSpec(spec: unknown): PortRange | undefined {
    const ranges = parsePortList(spec);
    return ranges && ranges.length === 1 ? ranges[0] : undefined;
}

/**
 * Every range of a port spec as the clouds read it: a number, `"22"`, `"20-30"`, `"*"`, or a comma list of
 * these (`"22,24"`, `"21-24, 230"`). Undefined when any item is none of these.
 */
export function parsePortList(spec: unknown): PortRange[] | undefined {
    if (typeof spec === "number") {
        return Number.isInteger(spec) && spec >= 0 && spec <= MAX_PORT ? [{ from: spec, to: spec }] : undefined;
    }
    const s = str(spec);
    if (s === undefined || s.trim() === "") {
        return undefined;
    }
    const out: PortRange[] = [];
    for (const item of s.split(",")) {
        const r = parseItem(item);
        if (!r) {
            return undefined;
        }
        out.push(r);
    }
    return out;
}

/** The port ranges of a field holding one spec or a list of specs; what cannot be read goes to `unreadable`. */
export function readPorts(value: unknown, field: string, unreadable: Unreadable[], out: PortRange[] = []): PortRange[] {
    const items = list(value);
    for (let i = 0; i < items.length; i++) {
        const ranges = parsePortList(items[i]);
        if (ranges) {
            out.push(...ranges);
        } else {
            unreadable.push({
                field: Array.isArray(value) ? `${field}[${i}]` : field,
                raw: items[i],
                why: WHY_PORT,
                aspect: "ports",
            });
        }
    }
    return out;
}

/** True when a range contains the port. */
export function rangeContains(range: PortRange, port: number): boolean {
    return range.from <= port && port <= range.to;
}

/** What a protocol means for admin ports. */
export enum ProtocolClass {
    /** TCP only. */
    Tcp = "tcp",
    /** UDP only (RDP's UDP transport uses 3389). */
    Udp = "udp",
    /** Every protocol (AWS -1/all, Azure *, GCP all): ports are then all ports on AWS. */
    All = "all",
    /** Anything else (icmp, esp, ah, sctp...). */
    Other = "other",
}

/** Protocol names and IANA numbers that are neither TCP, UDP nor "all". */
const OTHER_PROTOCOLS = /^(icmp|icmpv6|icmp6|ipv6-icmp|esp|ah|sctp|gre|ipip|\d{1,3})$/;

/**
 * Classifies a protocol name or number: `tcp`/`6`, `udp`/`17`, `-1`/`all`/`*`/`any`, other known protocols;
 * undefined for what is none of these (the caller reports it as unreadable).
 */
export function protocolClass(protocol: unknown): ProtocolClass | undefined {
    const p = str(protocol)?.trim().toLowerCase();
    if (p === undefined) {
        return undefined;
    }
    if (p === "tcp" || p === "6") {
        return ProtocolClass.Tcp;
    }
    if (p === "udp" || p === "17") {
        return ProtocolClass.Udp;
    }
    if (p === "-1" || p === "all" || p === "*" || p === "any") {
        return ProtocolClass.All;
    }
    if (OTHER_PROTOCOLS.test(p) && (!/^\d+$/.test(p) || Number(p) <= 255)) {
        return ProtocolClass.Other;
    }
    return undefined;
}

/** Why a protocol cannot be read, for messages. */
export const WHY_PROTOCOL = 'not a protocol name or number (tcp, udp, icmp, "-1"/all/"*")';
