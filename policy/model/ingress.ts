/**
 * Ingress rules, one shape for the six ways to open a port: AWS SecurityGroup inline `ingress`,
 * ec2.SecurityGroupRule (`type: ingress`), vpc.SecurityGroupIngressRule, GCP compute.Firewall, and Azure
 * NetworkSecurityGroup inline `securityRules` and SecurityRule. Deny, egress and disabled rules produce
 * no shape (they open nothing).
 */
import { ALL_PORTS, parsePortSpec, protocolClass, ProtocolClass, type PortRange } from "./ports";
import { T } from "./types";
import { isOneOf, list, memoByProps, num, record, str, truthy } from "./values";

/** One allow rule for inbound traffic. */
export interface IngressRule {
    /** Where in the resource it was found (`ingress[0]`, `securityRules[1]`, or "" for the whole resource). */
    path: string;
    protocol: ProtocolClass;
    /** Port ranges the rule opens (all ports when the API says so). */
    ports: PortRange[];
    /** Source CIDRs and keywords; security group / tag / service account sources are left out. */
    sources: string[];
}

/** The resource types this normalizer reads. */
export const INGRESS_TYPES: readonly string[] = [
    T.awsSecurityGroup,
    T.awsSecurityGroupRule,
    T.awsVpcIngressRule,
    T.gcpFirewall,
    T.azureNsg,
    T.azureSecurityRule,
];

/** The non-empty strings of a value (a list or one value), appended to `out`. */
function strings(value: unknown, out: string[] = []): string[] {
    const items = list(value);
    for (let i = 0; i < items.length; i++) {
        const s = str(items[i]);
        if (s !== undefined && s.length > 0) {
            out.push(s);
        }
    }
    return out;
}

/** The port ranges of port specs (specs that are none are left out). */
function portRanges(specs: string[]): PortRange[] {
    const out: PortRange[] = [];
    for (const spec of specs) {
        const p = parsePortSpec(spec);
        if (p !== undefined) {
            out.push(p);
        }
    }
    return out;
}

/** AWS: protocol -1/all opens every port whatever fromPort/toPort say. */
function awsRule(path: string, protocol: unknown, fromPort: unknown, toPort: unknown, sources: string[]): IngressRule {
    const cls = protocolClass(protocol);
    const from = num(fromPort);
    const to = num(toPort);
    const ports =
        cls === ProtocolClass.All || from === undefined
            ? [ALL_PORTS]
            : [{ from: Math.min(from, to ?? from), to: Math.max(from, to ?? from) }];
    return { path, protocol: cls, ports, sources };
}

function azureRule(path: string, r: Record<string, any>): IngressRule | undefined {
    if (!isOneOf(r.access, "Allow") || !isOneOf(r.direction, "Inbound")) {
        return undefined;
    }
    const ports = portRanges(strings(r.destinationPortRanges, strings(r.destinationPortRange)));
    return {
        path,
        protocol: protocolClass(r.protocol),
        ports,
        sources: strings(r.sourceAddressPrefixes, strings(r.sourceAddressPrefix)),
    };
}

/** The inbound allow rules of a resource (empty for types that are not ingress resources). */
export const ingressRules = memoByProps(ingressRulesOf);

function ingressRulesOf(type: string, props: Record<string, any>): IngressRule[] {
    switch (type) {
        case T.awsSecurityGroup: {
            const items = list(props.ingress);
            const out: IngressRule[] = [];
            for (let i = 0; i < items.length; i++) {
                const r = record(items[i]);
                if (r) {
                    out.push(
                        awsRule(
                            `ingress[${i}]`,
                            r.protocol,
                            r.fromPort,
                            r.toPort,
                            strings(r.ipv6CidrBlocks, strings(r.cidrBlocks)),
                        ),
                    );
                }
            }
            return out;
        }
        case T.awsSecurityGroupRule:
            if (!isOneOf(props.type, "ingress")) {
                return [];
            }
            return [
                awsRule(
                    "",
                    props.protocol,
                    props.fromPort,
                    props.toPort,
                    strings(props.ipv6CidrBlocks, strings(props.cidrBlocks)),
                ),
            ];
        case T.awsVpcIngressRule:
            return [
                awsRule(
                    "",
                    props.ipProtocol,
                    props.fromPort,
                    props.toPort,
                    strings(props.cidrIpv6, strings(props.cidrIpv4)),
                ),
            ];
        case T.gcpFirewall: {
            if (truthy(props.disabled) || (props.direction !== undefined && !isOneOf(props.direction, "INGRESS"))) {
                return [];
            }
            const ranges = strings(props.sourceRanges);
            // An ingress firewall with no source at all applies to every source (0.0.0.0/0).
            const noSource =
                ranges.length === 0 &&
                strings(props.sourceTags).length === 0 &&
                strings(props.sourceServiceAccounts).length === 0;
            const sources = noSource ? ["0.0.0.0/0"] : ranges;
            const allows = list(props.allows);
            const out: IngressRule[] = [];
            for (let i = 0; i < allows.length; i++) {
                const a = record(allows[i]);
                if (a) {
                    const specs = strings(a.ports);
                    const ports = specs.length === 0 ? [ALL_PORTS] : portRanges(specs);
                    out.push({ path: `allows[${i}]`, protocol: protocolClass(a.protocol), ports, sources });
                }
            }
            return out;
        }
        case T.azureNsg: {
            const items = list(props.securityRules);
            const out: IngressRule[] = [];
            for (let i = 0; i < items.length; i++) {
                const r = record(items[i]);
                const rule = r ? azureRule(`securityRules[${i}]${r.name ? ` (${r.name})` : ""}`, r) : undefined;
                if (rule) {
                    out.push(rule);
                }
            }
            return out;
        }
        case T.azureSecurityRule: {
            const rule = azureRule("", props);
            return rule ? [rule] : [];
        }
        default:
            return [];
    }
}
