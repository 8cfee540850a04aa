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

function strings(value: unknown): string[] {
    return list(value).map(str).filter((s): s is string => s !== undefined && s.length > 0);
}

/** AWS: protocol -1/all opens every port whatever fromPort/toPort say. */
function awsRule(path: string, protocol: unknown, fromPort: unknown, toPort: unknown, sources: string[]): IngressRule {
    const cls = protocolClass(protocol);
    const from = num(fromPort);
    const to = num(toPort);
    const ports = cls === ProtocolClass.All || from === undefined
        ? [ALL_PORTS]
        : [{ from: Math.min(from, to ?? from), to: Math.max(from, to ?? from) }];
    return { path, protocol: cls, ports, sources };
}

function azureRule(path: string, r: Record<string, any>): IngressRule | undefined {
    if (!isOneOf(r.access, "Allow") || !isOneOf(r.direction, "Inbound")) {
        return undefined;
    }
    const portSpecs = [...strings(r.destinationPortRange), ...strings(r.destinationPortRanges)];
    const ports = portSpecs.map(parsePortSpec).filter((p): p is PortRange => p !== undefined);
    return {
        path,
        protocol: protocolClass(r.protocol),
        ports,
        sources: [...strings(r.sourceAddressPrefix), ...strings(r.sourceAddressPrefixes)],
    };
}

/** The inbound allow rules of a resource (empty for types that are not ingress resources). */
export const ingressRules = memoByProps(ingressRulesOf);

function ingressRulesOf(type: string, props: Record<string, any>): IngressRule[] {
    switch (type) {
        case T.awsSecurityGroup:
            return list(props.ingress).map(record).flatMap((r, i) =>
                r ? [awsRule(`ingress[${i}]`, r.protocol, r.fromPort, r.toPort, [...strings(r.cidrBlocks), ...strings(r.ipv6CidrBlocks)])] : []);
        case T.awsSecurityGroupRule:
            if (!isOneOf(props.type, "ingress")) {
                return [];
            }
            return [awsRule("", props.protocol, props.fromPort, props.toPort, [...strings(props.cidrBlocks), ...strings(props.ipv6CidrBlocks)])];
        case T.awsVpcIngressRule:
            return [awsRule("", props.ipProtocol, props.fromPort, props.toPort, [...strings(props.cidrIpv4), ...strings(props.cidrIpv6)])];
        case T.gcpFirewall: {
            if (truthy(props.disabled) || (props.direction !== undefined && !isOneOf(props.direction, "INGRESS"))) {
                return [];
            }
            const ranges = strings(props.sourceRanges);
            // An ingress firewall with no source at all applies to every source (0.0.0.0/0).
            const noSource = ranges.length === 0 && strings(props.sourceTags).length === 0 && strings(props.sourceServiceAccounts).length === 0;
            const sources = noSource ? ["0.0.0.0/0"] : ranges;
            return list(props.allows).map(record).flatMap((a, i) => {
                if (!a) {
                    return [];
                }
                const specs = strings(a.ports);
                const ports = specs.length === 0 ? [ALL_PORTS] : specs.map(parsePortSpec).filter((p): p is PortRange => p !== undefined);
                return [{ path: `allows[${i}]`, protocol: protocolClass(a.protocol), ports, sources }];
            });
        }
        case T.azureNsg:
            return list(props.securityRules).map(record).flatMap((r, i) => {
                const rule = r ? azureRule(`securityRules[${i}]${r.name ? ` (${r.name})` : ""}`, r) : undefined;
                return rule ? [rule] : [];
            });
        case T.azureSecurityRule: {
            const rule = azureRule("", props);
            return rule ? [rule] : [];
        }
        default:
            return [];
    }
}
