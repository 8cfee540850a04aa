/**
 * Ingress rules, one shape for every way to open a port: AWS SecurityGroup (and DefaultSecurityGroup) inline
 * `ingress`, ec2.SecurityGroupRule (`type: ingress`), vpc.SecurityGroupIngressRule, Lightsail public ports, GCP
 * compute.Firewall and the firewall policy rules (hierarchical, global and regional network policies, one rule
 * or `rules` lists), Azure NetworkSecurityGroup inline `securityRules`, SecurityRule and Virtual Network Manager
 * admin rules that always allow. Deny, egress and disabled rules produce no shape (they open nothing). A field
 * the pack cannot read (a port "twenty-two", a source "/0", an access "maybe") is kept on the rule as an
 * {@link Unreadable}, and the rule is then judged as the worst it could be.
 */
import { classifySource, SourceDialect, SourceKind, type ClassifiedSource } from "./internet";
import { ALL_PORTS, protocolClass, ProtocolClass, readPorts, WHY_PROTOCOL, type PortRange } from "./ports";
import { RESOURCE_TYPE } from "./types";
import { fieldPath, type Unreadable } from "./unreadable";
import { isOneOf, list, memoByProps, num, record, str, truthy } from "./values";

/** One source of an ingress rule, classified. */
export interface IngressSource extends ClassifiedSource {
    /** The source as written, for messages. */
    text: string;
}

/** One allow rule for inbound traffic. */
export interface IngressRule {
    /** Where in the resource it was found (`ingress[0]`, `securityRules[1] (ssh)`, or "" for the whole resource). */
    path: string;
    /** The protocol class; undefined when it cannot be read (then in `unreadable`). */
    protocol?: ProtocolClass;
    /** Port ranges the rule opens (all ports when the API says so). */
    ports: PortRange[];
    /** Address sources and keywords; security group / tag / service account sources are left out. */
    sources: IngressSource[];
    /** Fields of this rule the pack cannot read. */
    unreadable: Unreadable[];
}

/** The resource types this normalizer reads. */
export const INGRESS_TYPES: readonly string[] = [
    RESOURCE_TYPE.awsSecurityGroup,
    RESOURCE_TYPE.awsDefaultSecurityGroup,
    RESOURCE_TYPE.awsSecurityGroupRule,
    RESOURCE_TYPE.awsVpcIngressRule,
    RESOURCE_TYPE.awsLightsailPublicPorts,
    RESOURCE_TYPE.gcpFirewall,
    RESOURCE_TYPE.gcpFirewallPolicyRule,
    RESOURCE_TYPE.gcpNetworkFirewallPolicyRule,
    RESOURCE_TYPE.gcpRegionNetworkFirewallPolicyRule,
    RESOURCE_TYPE.gcpFirewallPolicyWithRules,
    RESOURCE_TYPE.gcpNetworkFirewallPolicyWithRules,
    RESOURCE_TYPE.gcpRegionNetworkFirewallPolicyWithRules,
    RESOURCE_TYPE.azureNsg,
    RESOURCE_TYPE.azureSecurityRule,
    RESOURCE_TYPE.azureAdminRule,
];

const GCP_POLICY_RULES: readonly string[] = [
    RESOURCE_TYPE.gcpFirewallPolicyRule,
    RESOURCE_TYPE.gcpNetworkFirewallPolicyRule,
    RESOURCE_TYPE.gcpRegionNetworkFirewallPolicyRule,
];
const GCP_POLICIES_WITH_RULES: readonly string[] = [
    RESOURCE_TYPE.gcpFirewallPolicyWithRules,
    RESOURCE_TYPE.gcpNetworkFirewallPolicyWithRules,
    RESOURCE_TYPE.gcpRegionNetworkFirewallPolicyWithRules,
];

/** Reads sources from fields holding one source or a list; non-strings are unreadable. */
class Sources {
    readonly out: IngressSource[] = [];

    constructor(
        private readonly dialect: SourceDialect,
        private readonly unreadable: Unreadable[],
        private readonly path: string,
    ) {}

    /** Adds the sources of one field (absent: nothing). */
    read(value: unknown, field: string): this {
        const items = list(value);
        for (let i = 0; i < items.length; i++) {
            const where = fieldPath(this.path, Array.isArray(value) ? `${field}[${i}]` : field);
            const text = typeof items[i] === "string" ? (items[i] as string) : undefined;
            if (text === undefined) {
                this.unreadable.push({
                    field: where,
                    raw: items[i],
                    why: "not a text source (CIDR or keyword)",
                    aspect: "sources",
                });
                continue;
            }
            if (text.trim() === "") {
                continue;
            }
            const c = classifySource(text, this.dialect);
            if (c.kind === SourceKind.Unreadable) {
                this.unreadable.push({
                    field: where,
                    raw: text,
                    why: unreadableSourceWhy(this.dialect),
                    aspect: "sources",
                });
            } else {
                this.out.push({ ...c, text });
            }
        }
        return this;
    }

    /** Adds a source the API implies (a GCP ingress firewall without any source means 0.0.0.0/0). */
    implied(text: string): this {
        this.out.push({ ...classifySource(text, this.dialect), text });
        return this;
    }
}

function unreadableSourceWhy(dialect: SourceDialect): string {
    return dialect === SourceDialect.Azure
        ? "not a CIDR, an address, a service tag or * / Internet / Any"
        : "not a CIDR or an address";
}

function readProtocol(value: unknown, field: string, unreadable: Unreadable[]): ProtocolClass | undefined {
    const cls = protocolClass(value);
    if (cls === undefined) {
        unreadable.push({ field, raw: value, why: WHY_PROTOCOL });
    }
    return cls;
}

/**
 * A two-valued enum field (Allow/Deny, Inbound/Outbound...): true when it has the `opens` value, false when it
 * has one of `closes`, and true (the worst case) with an unreadable entry otherwise. `absent` is the API default.
 */
function opensBy(
    value: unknown,
    field: string,
    opens: string[],
    closes: string[],
    unreadable: Unreadable[],
    absent?: boolean,
): boolean {
    if ((value === undefined || value === null) && absent !== undefined) {
        return absent;
    }
    if (isOneOf(value, ...opens)) {
        return true;
    }
    if (isOneOf(value, ...closes)) {
        return false;
    }
    unreadable.push({ field, raw: value, why: `not one of ${[...opens, ...closes].join(", ")}` });
    return true;
}

/** Where an AWS API writes a rule's protocol and its IPv4 and IPv6 sources. */
interface AwsFields {
    protocol: string;
    ipv4: string;
    ipv6: string;
}

/**
 * AWS: protocol -1/all opens every port whatever fromPort/toPort say; a missing fromPort is read as every port.
 * `unreadable` may already hold what the caller could not read (it stays first); `implied` is the source the
 * API implies when the rule names none.
 */
function awsRule(
    path: string,
    r: Record<string, any>,
    fields: AwsFields,
    unreadable: Unreadable[] = [],
    implied?: string,
): IngressRule {
    const sources = new Sources(SourceDialect.Aws, unreadable, path)
        .read(r[fields.ipv4], fields.ipv4)
        .read(r[fields.ipv6], fields.ipv6);
    if (implied !== undefined) {
        sources.implied(implied);
    }
    const cls = readProtocol(r[fields.protocol], fieldPath(path, fields.protocol), unreadable);
    let ports: PortRange[] = [ALL_PORTS];
    if (cls !== ProtocolClass.All && r.fromPort !== undefined && r.fromPort !== null) {
        const from = num(r.fromPort);
        const to = r.toPort === undefined || r.toPort === null ? from : num(r.toPort);
        const ok = (p: number | undefined) => p !== undefined && Number.isInteger(p) && p >= 0 && p <= 65535;
        if (ok(from) && ok(to)) {
            ports = [{ from: Math.min(from!, to!), to: Math.max(from!, to!) }];
        } else if (from === -1 && (to === -1 || to === undefined)) {
            ports = [ALL_PORTS]; // -1 with ICMP means every type; judged by protocol
        } else {
            ports = [];
            unreadable.push({
                field: fieldPath(path, ok(from) ? "toPort" : "fromPort"),
                raw: ok(from) ? r.toPort : r.fromPort,
                why: "not a port number (0-65535)",
                aspect: "ports",
            });
        }
    }
    return { path, protocol: cls, ports, sources: sources.out, unreadable };
}

const SECURITY_GROUP_FIELDS: AwsFields = { protocol: "protocol", ipv4: "cidrBlocks", ipv6: "ipv6CidrBlocks" };

/**
 * The rules of a list field (`ingress`, `securityRules`, `rules`...): `judge` reads each object at its path
 * (`ingress[0]`); an item that is not an object is a rule that cannot be read (`not <what>`).
 */
function rulesOf(
    value: unknown,
    field: string,
    what: string,
    judge: (path: string, r: Record<string, any>) => IngressRule[],
): IngressRule[] {
    return list(value).flatMap((item, i) => {
        const path = `${field}[${i}]`;
        const r = record(item);
        return r ? judge(path, r) : [unreadableRule(path, item, `not ${what}`)];
    });
}

/** A rule whose whole object cannot be read: judged as the worst (every port, unreadable source). */
function unreadableRule(path: string, raw: unknown, why: string): IngressRule {
    return { path, ports: [ALL_PORTS], sources: [], unreadable: [{ field: path, raw, why, aspect: "all" }] };
}

function azureRule(path: string, r: Record<string, any>): IngressRule | undefined {
    const unreadable: Unreadable[] = [];
    const allows = opensBy(r.access, fieldPath(path, "access"), ["Allow"], ["Deny"], unreadable);
    const inbound = opensBy(r.direction, fieldPath(path, "direction"), ["Inbound"], ["Outbound"], unreadable);
    if (!allows || !inbound) {
        return undefined;
    }
    const ports = readPorts(r.destinationPortRange, fieldPath(path, "destinationPortRange"), unreadable);
    readPorts(r.destinationPortRanges, fieldPath(path, "destinationPortRanges"), unreadable, ports);
    if (list(r.destinationPortRange).length === 0 && list(r.destinationPortRanges).length === 0) {
        unreadable.push({
            field: fieldPath(path, "destinationPortRange"),
            raw: r.destinationPortRange,
            why: "missing: an allow rule needs a destination port",
            aspect: "ports",
        });
    }
    const sources = new Sources(SourceDialect.Azure, unreadable, path)
        .read(r.sourceAddressPrefix, "sourceAddressPrefix")
        .read(r.sourceAddressPrefixes, "sourceAddressPrefixes");
    return {
        path,
        protocol: readProtocol(r.protocol, fieldPath(path, "protocol"), unreadable),
        ports,
        sources: sources.out,
        unreadable,
    };
}

/** Azure Virtual Network Manager admin rule: only AlwaysAllow opens (Allow hands the traffic to the NSGs). */
function azureAdminRule(props: Record<string, any>): IngressRule[] {
    const unreadable: Unreadable[] = [];
    const opens = opensBy(props.access, "access", ["AlwaysAllow"], ["Allow", "Deny"], unreadable);
    const inbound = opensBy(props.direction, "direction", ["Inbound"], ["Outbound"], unreadable);
    if (!opens || !inbound) {
        return [];
    }
    const ports = readPorts(props.destinationPortRanges, "destinationPortRanges", unreadable);
    const sources = new Sources(SourceDialect.Azure, unreadable, "");
    const items = list(props.sources);
    for (let i = 0; i < items.length; i++) {
        const s = record(items[i]);
        if (s && isOneOf(s.addressPrefixType, "NetworkGroup")) {
            continue; // a group of our own virtual networks
        }
        sources.read(s?.addressPrefix ?? items[i], `sources[${i}].addressPrefix`);
    }
    if (items.length === 0) {
        sources.implied("*"); // no source: every source
    }
    return [
        {
            path: "",
            protocol: readProtocol(props.protocol, "protocol", unreadable),
            ports: ports.length > 0 || props.destinationPortRanges !== undefined ? ports : [ALL_PORTS],
            sources: sources.out,
            unreadable,
        },
    ];
}

function gcpFirewall(props: Record<string, any>): IngressRule[] {
    const ruleUnreadable: Unreadable[] = [];
    if (truthy(props.disabled)) {
        return [];
    }
    if (!opensBy(props.direction, "direction", ["INGRESS"], ["EGRESS"], ruleUnreadable, true)) {
        return [];
    }
    const sources = new Sources(SourceDialect.Gcp, ruleUnreadable, "").read(props.sourceRanges, "sourceRanges");
    // An ingress firewall with no source at all applies to every source (0.0.0.0/0).
    if (
        list(props.sourceRanges).length === 0 &&
        list(props.sourceTags).length === 0 &&
        list(props.sourceServiceAccounts).length === 0
    ) {
        sources.implied("0.0.0.0/0");
    }
    const allows = list(props.allows);
    const out: IngressRule[] = [];
    for (let i = 0; i < allows.length; i++) {
        const path = `allows[${i}]`;
        const a = record(allows[i]);
        if (!a) {
            out.push({ ...unreadableRule(path, allows[i], "not an allow object"), sources: sources.out });
            continue;
        }
        const unreadable = [...ruleUnreadable];
        const ports =
            a.ports === undefined || a.ports === null || list(a.ports).length === 0
                ? [ALL_PORTS]
                : readPorts(a.ports, fieldPath(path, "ports"), unreadable);
        const protocol = readProtocol(a.protocol, fieldPath(path, "protocol"), unreadable);
        out.push({ path, protocol, ports, sources: sources.out, unreadable });
    }
    return out;
}

/** GCP firewall policy rule (one resource or one entry of `rules`). */
function gcpPolicyRule(path: string, r: Record<string, any>): IngressRule[] {
    const unreadable: Unreadable[] = [];
    if (truthy(r.disabled)) {
        return [];
    }
    if (!opensBy(r.direction, fieldPath(path, "direction"), ["INGRESS"], ["EGRESS"], unreadable, true)) {
        return [];
    }
    const action = opensBy(
        r.action,
        fieldPath(path, "action"),
        ["allow", "apply_security_profile_group"],
        ["deny", "goto_next"],
        unreadable,
    );
    if (!action) {
        return [];
    }
    const match = record(r.match) ?? {};
    const m = fieldPath(path, "match");
    const sources = new Sources(SourceDialect.Gcp, unreadable, m).read(match.srcIpRanges, "srcIpRanges");
    // Whole countries, public host names and threat lists are public addresses.
    for (const key of ["srcRegionCodes", "srcFqdns", "srcThreatIntelligences"]) {
        for (const v of list(match[key])) {
            sources.out.push({ kind: SourceKind.Public, text: `${key} ${String(v)}` });
        }
    }
    if (isOneOf(match.srcNetworkScope, "INTERNET")) {
        sources.implied("0.0.0.0/0");
    }
    for (const [i, g] of list(match.srcAddressGroups).entries()) {
        unreadable.push({
            field: `${m}.srcAddressGroups[${i}]`,
            raw: g,
            why: "an address group's addresses are not in the rule",
            aspect: "sources",
        });
    }
    const anySource = ["srcIpRanges", "srcRegionCodes", "srcFqdns", "srcThreatIntelligences", "srcAddressGroups"]
        .concat(["srcSecureTags", "srcNetworks", "srcNetworkScope"])
        .some((k) => list(match[k]).length > 0);
    if (!anySource) {
        sources.implied("0.0.0.0/0");
    }
    const configs = list(match.layer4Configs);
    const out: IngressRule[] = [];
    for (let i = 0; i < configs.length; i++) {
        const lp = `${m}.layer4Configs[${i}]`;
        const c = record(configs[i]);
        const own = [...unreadable];
        const ports = !c || list(c.ports).length === 0 ? [ALL_PORTS] : readPorts(c.ports, fieldPath(lp, "ports"), own);
        const protocol = c ? readProtocol(c.ipProtocol, fieldPath(lp, "ipProtocol"), own) : undefined;
        if (!c) {
            own.push({ field: lp, raw: configs[i], why: "not a layer4Config object", aspect: "ports" });
        }
        out.push({ path: lp, protocol, ports, sources: sources.out, unreadable: own });
    }
    return out;
}

/** Lightsail: ports without cidrs are read as any address (fail closed); the lightsail-connect alias is brokered. */
function lightsailPorts(props: Record<string, any>): IngressRule[] {
    return rulesOf(props.portInfos, "portInfos", "a portInfo object", (path, r) => {
        const none = [r.cidrs, r.ipv6Cidrs, r.cidrListAliases].every((v) => list(v).length === 0);
        return [
            awsRule(
                path,
                r,
                { protocol: "protocol", ipv4: "cidrs", ipv6: "ipv6Cidrs" },
                [],
                none ? "0.0.0.0/0" : undefined,
            ),
        ];
    });
}

/** The inbound allow rules of a resource (empty for types that are not ingress resources). */
export const ingressRules = memoByProps(ingressRulesOf);

function ingressRulesOf(type: string, props: Record<string, any>): IngressRule[] {
    switch (type) {
        case RESOURCE_TYPE.awsSecurityGroup:
        case RESOURCE_TYPE.awsDefaultSecurityGroup:
            return rulesOf(props.ingress, "ingress", "an ingress rule object", (path, r) => [
                awsRule(path, r, SECURITY_GROUP_FIELDS),
            ]);
        case RESOURCE_TYPE.awsSecurityGroupRule: {
            const unreadable: Unreadable[] = [];
            const ingress = opensBy(props.type, "type", ["ingress"], ["egress"], unreadable);
            return ingress ? [awsRule("", props, SECURITY_GROUP_FIELDS, unreadable)] : [];
        }
        case RESOURCE_TYPE.awsVpcIngressRule:
            return [awsRule("", props, { protocol: "ipProtocol", ipv4: "cidrIpv4", ipv6: "cidrIpv6" })];
        case RESOURCE_TYPE.awsLightsailPublicPorts:
            return lightsailPorts(props);
        case RESOURCE_TYPE.gcpFirewall:
            return gcpFirewall(props);
        case RESOURCE_TYPE.azureNsg:
            return rulesOf(props.securityRules, "securityRules", "a security rule object", (path, r) => {
                const rule = azureRule(str(r.name) ? `${path} (${str(r.name)})` : path, r);
                return rule ? [rule] : [];
            });
        case RESOURCE_TYPE.azureSecurityRule: {
            const rule = azureRule("", props);
            return rule ? [rule] : [];
        }
        case RESOURCE_TYPE.azureAdminRule:
            return azureAdminRule(props);
        default:
            if (GCP_POLICY_RULES.includes(type)) {
                return gcpPolicyRule("", props);
            }
            if (GCP_POLICIES_WITH_RULES.includes(type)) {
                return rulesOf(props.rules, "rules", "a rule object", gcpPolicyRule);
            }
            return [];
    }
}
