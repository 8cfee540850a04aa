import { INGRESS_TYPES, ingressRules } from "../model/ingress";
import { isInternetSource } from "../model/internet";
import { ProtocolClass, rangeContains, type PortRange } from "../model/ports";
import { Family, MigrationStage, type ResourceRule, schema } from "../rule";

/** Config of admin-ingress-forbid. */
export interface AdminIngressConfig {
    /** Admin ports: SSH and RDP. */
    ports: number[];
    /** More admin ports (WinRM by default). */
    extraPorts: number[];
    /** Source CIDRs that may reach admin ports (a bastion or VPN range). */
    allowedCidrs: string[];
}

const PORT_NAMES: Record<number, string> = { 22: "SSH", 3389: "RDP", 5985: "WinRM", 5986: "WinRM over TLS" };

/** SSH, RDP and other admin ports open to the internet, on all three clouds. */
export const adminIngressForbid: ResourceRule<AdminIngressConfig> = {
    kind: "resource",
    name: "admin-ingress-forbid",
    family: Family.Network,
    description:
        "Forbids SSH (22), RDP (3389) and other admin ports (WinRM 5985/5986 by default) open to the internet.",
    why: "Never modify a running instance, replace it: an open admin port exists only to log in and change a server by hand.",
    fix: "Remove the rule (ship changes as a new image and replace the instances); for break-glass access use SSM Session Manager, IAP or Bastion, or list the bastion range in allowedCidrs.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.CutOver,
    resourceTypes: INGRESS_TYPES,
    defaults: { ports: [22, 3389], extraPorts: [5985, 5986], allowedCidrs: [] },
    configSchema: schema(
        {
            ports: {
                type: "array",
                items: { type: "integer", minimum: 0, maximum: 65535 },
                description: "Admin ports (SSH, RDP).",
            },
            extraPorts: {
                type: "array",
                items: { type: "integer", minimum: 0, maximum: 65535 },
                description: "More admin ports (default WinRM 5985/5986).",
            },
            allowedCidrs: {
                type: "array",
                items: { type: "string" },
                description: "Source CIDRs allowed to reach admin ports.",
            },
        },
        { ports: [22, 3389], extraPorts: [5985, 5986], allowedCidrs: [] },
    ),
    validate(type, props, config, report) {
        const ports = [...config.ports, ...config.extraPorts];
        for (const rule of ingressRules(type, props)) {
            if (rule.protocol === ProtocolClass.Other) {
                continue;
            }
            const open = openPorts(ports, rule.ports);
            if (open.length === 0) {
                continue;
            }
            const sources = rule.sources.filter((s) => isInternetSource(s, config.allowedCidrs));
            if (sources.length > 0) {
                const what = open.map((p) => (PORT_NAMES[p] ? `${PORT_NAMES[p]} (${p})` : String(p))).join(", ");
                const where = rule.path ? `${rule.path} opens` : "opens";
                report(`${where} ${what} to the internet (${sources.join(", ")})`);
            }
        }
    },
};

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
