import { INGRESS_TYPES, ingressRules, type IngressRule, type IngressSource } from "../model/ingress";
import { isAllowed, SourceKind } from "../model/internet";
import { ProtocolClass, rangeContains, type PortRange } from "../model/ports";
import { describeUnreadable } from "../model/unreadable";
import { Family, MigrationStage, type ResourceRule, schema } from "../rule";

/** Config of admin-ingress-forbid. */
export interface AdminIngressConfig {
    /** Admin TCP ports: SSH and RDP. */
    ports: number[];
    /** More admin TCP ports (WinRM by default). */
    extraPorts: number[];
    /** Admin UDP ports (RDP's UDP transport by default). */
    udpPorts: number[];
    /** Source CIDRs that may reach admin ports (a bastion or VPN range). */
    allowedCidrs: string[];
}

const DEFAULTS: AdminIngressConfig = {
    ports: [22, 3389],
    extraPorts: [5985, 5986],
    udpPorts: [3389],
    allowedCidrs: [],
};

const TCP_NAMES: Record<number, string> = { 22: "SSH", 3389: "RDP", 5985: "WinRM", 5986: "WinRM over TLS" };
const UDP_NAMES: Record<number, string> = { 3389: "RDP over UDP" };

/** SSH, RDP and other admin ports open to the internet, on all three clouds. */
export const adminIngressForbid: ResourceRule<AdminIngressConfig> = {
    kind: "resource",
    name: "admin-ingress-forbid",
    family: Family.Network,
    description:
        "Forbids SSH (22), RDP (3389, TCP and UDP) and other admin ports (WinRM 5985/5986 by default) open to the internet or to public addresses.",
    why: "Never modify a running instance, replace it: an open admin port exists only to log in and change a server by hand.",
    fix: "Remove the rule (ship changes as a new image and replace the instances); for break-glass access use SSM Session Manager, IAP (35.235.240.0/20, accepted) or Bastion, or list the bastion range in allowedCidrs.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: INGRESS_TYPES,
    defaults: DEFAULTS,
    configSchema: schema(
        {
            ports: {
                type: "array",
                items: { type: "integer", minimum: 0, maximum: 65535 },
                description: "Admin TCP ports (SSH, RDP).",
            },
            extraPorts: {
                type: "array",
                items: { type: "integer", minimum: 0, maximum: 65535 },
                description: "More admin TCP ports (default WinRM 5985/5986).",
            },
            udpPorts: {
                type: "array",
                items: { type: "integer", minimum: 0, maximum: 65535 },
                description: "Admin UDP ports (default RDP over UDP, 3389).",
            },
            allowedCidrs: {
                type: "array",
                items: { type: "string" },
                description: "Source CIDRs allowed to reach admin ports.",
            },
        },
        { ...DEFAULTS },
    ),
    validate(type, props, config, report) {
        const tcp = [...config.ports, ...config.extraPorts];
        const udp = config.udpPorts ?? DEFAULTS.udpPorts;
        for (const rule of ingressRules(type, props)) {
            const message = judge(rule, tcp, udp, config.allowedCidrs);
            if (message) {
                report(message);
            }
        }
    },
};

/** The violation of one rule, or undefined. Unreadable fields count as the worst they could be. */
function judge(rule: IngressRule, tcp: number[], udp: number[], allowed: string[]): string | undefined {
    const p = rule.protocol;
    const tcpPossible = p === undefined || p === ProtocolClass.Tcp || p === ProtocolClass.All;
    const udpPossible = p === undefined || p === ProtocolClass.Udp || p === ProtocolClass.All;
    const open = [
        ...(tcpPossible
            ? openPorts(tcp, rule.ports).map((n) => (TCP_NAMES[n] ? `${TCP_NAMES[n]} (${n})` : String(n)))
            : []),
        ...(udpPossible ? openPorts(udp, rule.ports).map((n) => `${UDP_NAMES[n] ?? "UDP"} (${n})`) : []),
    ];
    const exposed = rule.sources.filter((s) => exposes(s, allowed));
    if (p !== undefined && open.length > 0 && exposed.length > 0) {
        const where = rule.path ? `${rule.path} opens` : "opens";
        return `${where} ${open.join(", ")} ${audience(exposed)}`;
    }
    if (rule.unreadable.length === 0) {
        return undefined;
    }
    // Worst case: what could not be read might open an admin port to the internet.
    const aspects = new Set(rule.unreadable.map((u) => u.aspect));
    const couldOpen = (tcpPossible || udpPossible) && (open.length > 0 || aspects.has("ports") || aspects.has("all"));
    const couldExpose = exposed.length > 0 || aspects.has("sources") || aspects.has("all");
    if (couldOpen && couldExpose) {
        return rule.unreadable.map(describeUnreadable).join("; ");
    }
    return undefined;
}

function exposes(source: IngressSource, allowed: string[]): boolean {
    return (source.kind === SourceKind.Internet || source.kind === SourceKind.Public) && !isAllowed(source, allowed);
}

/** "to the internet (0.0.0.0/0)", "to public addresses (203.0.113.7/32)", or both. */
function audience(sources: IngressSource[]): string {
    const any = sources.filter((s) => s.kind === SourceKind.Internet).map((s) => s.text);
    const some = sources.filter((s) => s.kind === SourceKind.Public).map((s) => s.text);
    const parts: string[] = [];
    if (any.length > 0) {
        parts.push(`to the internet (${any.join(", ")})`);
    }
    if (some.length > 0) {
        parts.push(`to public addresses (${some.join(", ")})`);
    }
    return parts.join(" and ");
}

/** The ports of `ports` that one of `ranges` opens (in the order of `ports`). */
function openPorts(ports: number[], ranges: PortRange[]): number[] {
    const open: number[] = [];
    for (const p of ports) {
        for (const r of ranges) {
            if (rangeContains(r, p)) {
                open.push(p);
                break;
            }
        }
    }
    return open;
}
