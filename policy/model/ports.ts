/** Port ranges and protocols as the three clouds write them. */
import { num, str } from "./values";

/** An inclusive range of ports. */
export interface PortRange {
    from: number;
    to: number;
}

/** Every port. */
export const ALL_PORTS: PortRange = { from: 0, to: 65535 };

/**
 * Parses one port spec: `22`, `"22"`, `"20-30"`, `"*"` (all ports); undefined for text that is none of
 * these (the rule then ignores it rather than guessing).
 */
export function parsePortSpec(spec: unknown): PortRange | undefined {
    const n = num(spec);
    if (n !== undefined) {
        return { from: n, to: n };
    }
    const s = str(spec)?.trim();
    if (s === undefined) {
        return undefined;
    }
    if (s === "*") {
        return ALL_PORTS;
    }
    const m = /^(\d+)\s*-\s*(\d+)$/.exec(s);
    if (m) {
        const from = Number(m[1]);
        const to = Number(m[2]);
        return from <= to ? { from, to } : { from: to, to: from };
    }
    return undefined;
}

/** True when a range contains the port. */
export function rangeContains(range: PortRange, port: number): boolean {
    return range.from <= port && port <= range.to;
}

/** What a protocol means for TCP admin ports. */
export enum ProtocolClass {
    /** TCP only. */
    Tcp = "tcp",
    /** Every protocol (AWS -1/all, Azure *, GCP all): ports are then all ports on AWS. */
    All = "all",
    /** Anything else (udp, icmp, esp...). */
    Other = "other",
}

/** Classifies a protocol name or number: `tcp`/`6`, `-1`/`all`/`*`, or other. */
export function protocolClass(protocol: unknown): ProtocolClass {
    const p = str(protocol)?.trim().toLowerCase();
    if (p === undefined) {
        return ProtocolClass.Other;
    }
    if (p === "tcp" || p === "6") {
        return ProtocolClass.Tcp;
    }
    if (p === "-1" || p === "all" || p === "*") {
        return ProtocolClass.All;
    }
    return ProtocolClass.Other;
}
