import { table } from "./support";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SGR = "aws:ec2/securityGroupRule:SecurityGroupRule";
const VPC_IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const FW = "gcp:compute/firewall:Firewall";
const NSG = "azure-native:network:NetworkSecurityGroup";
const RULE = "azure-native:network:SecurityRule";

const sg = (ingress: Record<string, unknown>) => ({ ingress: [ingress] });
const nsgRule = (r: Record<string, unknown>) => ({
    access: "Allow",
    direction: "Inbound",
    protocol: "Tcp",
    sourcePortRange: "*",
    priority: 100,
    ...r,
});

describe("admin-ingress-forbid", () => {
    table("admin-ingress-forbid", [
        // AWS SecurityGroup inline ingress
        {
            it: "rejects SSH open to 0.0.0.0/0 in a SecurityGroup's inline ingress",
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }),
            expect: ["ingress[0] opens SSH (22) to the internet (0.0.0.0/0)"],
        },
        {
            it: "rejects SSH open to ::/0 through ipv6CidrBlocks",
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["::/0"] }),
            expect: ["(::/0)"],
        },
        {
            it: "rejects all protocols (-1), which opens every port whatever fromPort/toPort say",
            type: SG,
            inputs: sg({ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }),
            expect: ["SSH (22), RDP (3389), WinRM (5985), WinRM over TLS (5986)"],
        },
        {
            it: 'rejects protocol "all" spelled out',
            type: SG,
            inputs: sg({ protocol: "all", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }),
            expect: ["SSH (22)"],
        },
        {
            it: "rejects a TCP range 0-65535",
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] }),
            expect: ["SSH (22), RDP (3389)"],
        },
        {
            it: "rejects a range that contains 22 (20-30)",
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: 20, toPort: 30, cidrBlocks: ["0.0.0.0/0"] }),
            expect: ["SSH (22)"],
        },
        {
            it: "rejects protocol number 6 (TCP)",
            type: SG,
            inputs: sg({ protocol: "6", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }),
            expect: ["SSH (22)"],
        },
        {
            it: "rejects SSH open to one public host, saying public addresses rather than the internet",
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["203.0.113.7/32"] }),
            expect: ["ingress[0] opens SSH (22) to public addresses (203.0.113.7/32)"],
        },
        {
            it: "accepts SSH from a public range listed in allowedCidrs",
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["198.51.100.7/32"] }),
            config: { allowedCidrs: ["198.51.100.0/24"] },
            expect: [],
        },
        {
            it: "accepts SSH from a private range (10.0.0.0/8)",
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.1.0.0/16"] }),
            expect: [],
        },
        {
            it: "accepts HTTPS open to the internet",
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }),
            expect: [],
        },
        {
            it: "accepts UDP 22 (SSH is TCP)",
            type: SG,
            inputs: sg({ protocol: "udp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }),
            expect: [],
        },
        {
            it: "accepts SSH open in egress only",
            type: SG,
            inputs: { egress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] },
            expect: [],
        },
        {
            it: "accepts SSH from another security group",
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: 22, toPort: 22, securityGroups: ["sg-123"] }),
            expect: [],
        },
        {
            it: "rejects WinRM (5986), an extra admin port by default",
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: 5986, toPort: 5986, cidrBlocks: ["0.0.0.0/0"] }),
            expect: ["WinRM over TLS (5986)"],
        },
        {
            it: "accepts WinRM when the team empties extraPorts",
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: 5985, toPort: 5986, cidrBlocks: ["0.0.0.0/0"] }),
            config: { extraPorts: [] },
            expect: [],
        },
        {
            it: "rejects a port the team adds to extraPorts",
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: 9000, toPort: 9000, cidrBlocks: ["0.0.0.0/0"] }),
            config: { extraPorts: [9000] },
            expect: ["opens 9000"],
        },
        // ec2.SecurityGroupRule
        {
            it: "rejects RDP open to the internet through a SecurityGroupRule of type ingress",
            type: SGR,
            inputs: {
                type: "ingress",
                protocol: "tcp",
                fromPort: 3389,
                toPort: 3389,
                cidrBlocks: ["0.0.0.0/0"],
                securityGroupId: "sg-1",
            },
            expect: ["opens RDP (3389)"],
        },
        {
            it: "accepts a SecurityGroupRule of type egress",
            type: SGR,
            inputs: {
                type: "egress",
                protocol: "-1",
                fromPort: 0,
                toPort: 0,
                cidrBlocks: ["0.0.0.0/0"],
                securityGroupId: "sg-1",
            },
            expect: [],
        },
        // vpc.SecurityGroupIngressRule
        {
            it: "rejects SSH open to ::/0 through a vpc.SecurityGroupIngressRule",
            type: VPC_IN,
            inputs: { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv6: "::/0", securityGroupId: "sg-1" },
            expect: ["SSH (22)"],
        },
        {
            it: "rejects ipProtocol -1 (no ports) on a vpc.SecurityGroupIngressRule",
            type: VPC_IN,
            inputs: { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", securityGroupId: "sg-1" },
            expect: ["SSH (22)"],
        },
        {
            it: "accepts a vpc.SecurityGroupIngressRule from a referenced security group",
            type: VPC_IN,
            inputs: {
                ipProtocol: "tcp",
                fromPort: 22,
                toPort: 22,
                referencedSecurityGroupId: "sg-2",
                securityGroupId: "sg-1",
            },
            expect: [],
        },
        // GCP firewall
        {
            it: "rejects a GCP firewall allowing tcp:22 from 0.0.0.0/0",
            type: FW,
            inputs: { network: "default", allows: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["0.0.0.0/0"] },
            expect: ["allows[0] opens SSH (22)"],
        },
        {
            it: "rejects a GCP allow without ports (all ports)",
            type: FW,
            inputs: { network: "default", allows: [{ protocol: "tcp" }], sourceRanges: ["0.0.0.0/0"] },
            expect: ["SSH (22), RDP (3389)"],
        },
        {
            it: "rejects a GCP allow of protocol all",
            type: FW,
            inputs: { network: "default", allows: [{ protocol: "all" }], sourceRanges: ["::/0"] },
            expect: ["SSH (22)"],
        },
        {
            it: "rejects a GCP port range 20-30",
            type: FW,
            inputs: {
                network: "default",
                allows: [{ protocol: "tcp", ports: ["80", "20-30"] }],
                sourceRanges: ["0.0.0.0/0"],
            },
            expect: ["SSH (22)"],
        },
        {
            it: "rejects a GCP ingress firewall with no source at all (applies to 0.0.0.0/0)",
            type: FW,
            inputs: { network: "default", allows: [{ protocol: "tcp", ports: ["22"] }] },
            expect: ["(0.0.0.0/0)"],
        },
        {
            it: "accepts a GCP firewall that denies SSH",
            type: FW,
            inputs: { network: "default", denies: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["0.0.0.0/0"] },
            expect: [],
        },
        {
            it: "accepts a GCP EGRESS firewall",
            type: FW,
            inputs: {
                network: "default",
                direction: "EGRESS",
                allows: [{ protocol: "tcp", ports: ["22"] }],
                destinationRanges: ["0.0.0.0/0"],
            },
            expect: [],
        },
        {
            it: "accepts a disabled GCP firewall",
            type: FW,
            inputs: {
                network: "default",
                disabled: true,
                allows: [{ protocol: "tcp", ports: ["22"] }],
                sourceRanges: ["0.0.0.0/0"],
            },
            expect: [],
        },
        {
            it: "accepts a GCP firewall limited to source tags",
            type: FW,
            inputs: { network: "default", allows: [{ protocol: "tcp", ports: ["22"] }], sourceTags: ["bastion"] },
            expect: [],
        },
        {
            it: "accepts the IAP range on a GCP firewall (35.235.240.0/20 allowed)",
            type: FW,
            inputs: {
                network: "default",
                allows: [{ protocol: "tcp", ports: ["22"] }],
                sourceRanges: ["35.235.240.0/20"],
            },
            config: { allowedCidrs: ["35.235.240.0/20"] },
            expect: [],
        },
        // Azure NSG inline rules and SecurityRule
        {
            it: "rejects an NSG inline rule allowing SSH from *",
            type: NSG,
            inputs: { securityRules: [nsgRule({ name: "ssh", destinationPortRange: "22", sourceAddressPrefix: "*" })] },
            expect: ["securityRules[0] (ssh) opens SSH (22) to the internet (*)"],
        },
        {
            it: "rejects the Internet service tag",
            type: NSG,
            inputs: { securityRules: [nsgRule({ destinationPortRange: "3389", sourceAddressPrefix: "Internet" })] },
            expect: ["RDP (3389)"],
        },
        {
            it: 'rejects "any" in any case',
            type: NSG,
            inputs: { securityRules: [nsgRule({ destinationPortRange: "22", sourceAddressPrefix: "any" })] },
            expect: ["(any)"],
        },
        {
            it: "rejects access and direction in any case (allow / inbound)",
            type: NSG,
            inputs: {
                securityRules: [
                    nsgRule({
                        access: "allow",
                        direction: "inbound",
                        protocol: "tcp",
                        destinationPortRange: "22",
                        sourceAddressPrefix: "0.0.0.0/0",
                    }),
                ],
            },
            expect: ["SSH (22)"],
        },
        {
            it: "rejects protocol * and port * on an NSG rule",
            type: NSG,
            inputs: {
                securityRules: [nsgRule({ protocol: "*", destinationPortRange: "*", sourceAddressPrefix: "*" })],
            },
            expect: ["SSH (22), RDP (3389)"],
        },
        {
            it: "accepts the VirtualNetwork service tag",
            type: NSG,
            inputs: { securityRules: [nsgRule({ destinationPortRange: "22", sourceAddressPrefix: "VirtualNetwork" })] },
            expect: [],
        },
        {
            it: "accepts a Deny rule",
            type: NSG,
            inputs: {
                securityRules: [nsgRule({ access: "Deny", destinationPortRange: "22", sourceAddressPrefix: "*" })],
            },
            expect: [],
        },
        {
            it: "accepts an Outbound rule",
            type: NSG,
            inputs: {
                securityRules: [
                    nsgRule({ direction: "Outbound", destinationPortRange: "22", sourceAddressPrefix: "*" }),
                ],
            },
            expect: [],
        },
        {
            it: "accepts a Udp rule on a port that is not an admin port (53)",
            type: NSG,
            inputs: {
                securityRules: [nsgRule({ protocol: "Udp", destinationPortRange: "53", sourceAddressPrefix: "*" })],
            },
            expect: [],
        },
        {
            it: "rejects RDP over UDP 3389 open to the internet",
            type: NSG,
            inputs: {
                securityRules: [nsgRule({ protocol: "Udp", destinationPortRange: "3389", sourceAddressPrefix: "*" })],
            },
            expect: ["opens RDP over UDP (3389) to the internet (*)"],
        },
        {
            it: "rejects SSH open to ::/0 through a standalone SecurityRule with port ranges",
            type: RULE,
            inputs: nsgRule({
                destinationPortRanges: ["80", "20-30"],
                sourceAddressPrefixes: ["10.0.0.0/8", "::/0"],
                networkSecurityGroupName: "nsg",
                resourceGroupName: "rg",
            }),
            expect: ["opens SSH (22) to the internet (::/0)"],
        },
        {
            it: "accepts a standalone SecurityRule for HTTPS",
            type: RULE,
            inputs: nsgRule({
                destinationPortRange: "443",
                sourceAddressPrefix: "Internet",
                networkSecurityGroupName: "nsg",
                resourceGroupName: "rg",
            }),
            expect: [],
        },
    ]);
});

const GCP_RULE = "gcp:compute/firewallPolicyRule:FirewallPolicyRule";
const GCP_NET_RULES = "gcp:compute/networkFirewallPolicyWithRules:NetworkFirewallPolicyWithRules";
const GCP_REGION_RULE = "gcp:compute/regionNetworkFirewallPolicyRule:RegionNetworkFirewallPolicyRule";
const LIGHTSAIL = "aws:lightsail/instancePublicPorts:InstancePublicPorts";
const ADMIN_RULE = "azure-native:network:AdminRule";
const gcpRule = (match: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    action: "allow",
    direction: "INGRESS",
    priority: 1000,
    firewallPolicy: "p",
    match: { layer4Configs: [{ ipProtocol: "tcp", ports: ["22"] }], ...match },
    ...extra,
});

describe("admin-ingress-forbid: ports, sources and rules as the clouds read them", () => {
    table("admin-ingress-forbid", [
        {
            it: 'reads an Azure comma list "22,24"',
            type: RULE,
            inputs: nsgRule({ destinationPortRange: "22,24", sourceAddressPrefix: "Internet" }),
            expect: ["opens SSH (22) to the internet (Internet)"],
        },
        {
            it: 'reads an Azure list of ranges with spaces "21-24, 230"',
            type: RULE,
            inputs: nsgRule({ destinationPortRange: "21-24, 230", sourceAddressPrefix: "*" }),
            expect: ["SSH (22)"],
        },
        {
            it: 'reads a range written with spaces ("3380 - 3390") in destinationPortRanges',
            type: NSG,
            inputs: {
                securityRules: [nsgRule({ destinationPortRanges: ["80", "3380 - 3390"], sourceAddressPrefix: "*" })],
            },
            expect: ["RDP (3389)"],
        },
        {
            it: 'reads service tags in any case ("INTERNET")',
            type: RULE,
            inputs: nsgRule({ destinationPortRange: "22", sourceAddressPrefix: "INTERNET" }),
            expect: ["to the internet (INTERNET)"],
        },
        {
            it: "rejects the AzureCloud service tag (every Azure public address) as public addresses",
            type: RULE,
            inputs: nsgRule({ destinationPortRange: "22", sourceAddressPrefix: "AzureCloud.WestEurope" }),
            expect: ["to public addresses (AzureCloud.WestEurope)"],
        },
        {
            it: "accepts the AzureLoadBalancer service tag",
            type: RULE,
            inputs: nsgRule({ destinationPortRange: "22", sourceAddressPrefix: "AzureLoadBalancer" }),
            expect: [],
        },
        {
            it: "rejects a public IPv6 range on a GCP firewall as public addresses",
            type: FW,
            inputs: {
                network: "default",
                allows: [{ protocol: "tcp", ports: ["22"] }],
                sourceRanges: ["2001:db8::/32"],
            },
            expect: ["to public addresses (2001:db8::/32)"],
        },
        {
            it: "names both the internet and public addresses when a rule admits both",
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0", "198.51.100.0/24"] }),
            expect: ["to the internet (0.0.0.0/0) and to public addresses (198.51.100.0/24)"],
        },
        {
            it: "accepts SSH from Google's IAP range on a GCP firewall without any config (brokered access)",
            type: FW,
            inputs: {
                network: "default",
                allows: [{ protocol: "tcp", ports: ["22", "3389"] }],
                sourceRanges: ["35.235.240.0/20"],
            },
            expect: [],
        },
        {
            it: "rejects the IAP range on an AWS security group (IAP brokers GCP only)",
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["35.235.240.0/20"] }),
            expect: ["to public addresses (35.235.240.0/20)"],
        },
        {
            it: "rejects a default security group's inline ingress",
            type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
            inputs: sg({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }),
            expect: ["ingress[0] opens SSH (22)"],
        },
        {
            it: "rejects a GCP hierarchical firewall policy rule allowing SSH from anywhere",
            type: GCP_RULE,
            inputs: gcpRule({ srcIpRanges: ["0.0.0.0/0"] }),
            expect: ["match.layer4Configs[0] opens SSH (22) to the internet (0.0.0.0/0)"],
        },
        {
            it: "rejects a network firewall policy's rules list allowing RDP from a country (srcRegionCodes)",
            type: GCP_NET_RULES,
            inputs: {
                rules: [
                    {
                        action: "allow",
                        direction: "INGRESS",
                        priority: 10,
                        match: { srcRegionCodes: ["US"], layer4Configs: [{ ipProtocol: "all" }] },
                    },
                ],
            },
            expect: ["rules[0].match.layer4Configs[0] opens SSH (22), RDP (3389)"],
        },
        {
            it: "accepts a regional network firewall policy rule that denies, and one from IAP",
            type: GCP_REGION_RULE,
            inputs: gcpRule({ srcIpRanges: ["0.0.0.0/0"] }, { action: "deny" }),
            expect: [],
        },
        {
            it: "accepts a firewall policy rule from Google's IAP range",
            type: GCP_RULE,
            inputs: gcpRule({ srcIpRanges: ["35.235.240.0/20"] }),
            expect: [],
        },
        {
            it: "rejects a firewall policy rule whose source is an address group it cannot see (fail closed)",
            type: GCP_RULE,
            inputs: gcpRule({ srcAddressGroups: ["projects/p/locations/global/addressGroups/partners"] }),
            expect: ["cannot read match.srcAddressGroups[0]"],
        },
        {
            it: "rejects Lightsail public ports without cidrs (read as any address)",
            type: LIGHTSAIL,
            inputs: { instanceName: "web", portInfos: [{ protocol: "tcp", fromPort: 22, toPort: 22 }] },
            expect: ["portInfos[0] opens SSH (22) to the internet (0.0.0.0/0)"],
        },
        {
            it: "accepts Lightsail SSH through the lightsail-connect alias (the browser console)",
            type: LIGHTSAIL,
            inputs: {
                instanceName: "web",
                portInfos: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrListAliases: ["lightsail-connect"] }],
            },
            expect: [],
        },
        {
            it: "rejects an Azure Network Manager admin rule that always allows SSH from the internet",
            type: ADMIN_RULE,
            inputs: {
                access: "AlwaysAllow",
                direction: "Inbound",
                protocol: "Tcp",
                kind: "Custom",
                priority: 1,
                destinationPortRanges: ["22"],
                sources: [{ addressPrefix: "Internet", addressPrefixType: "ServiceTag" }],
            },
            expect: ["opens SSH (22) to the internet (Internet)"],
        },
        {
            it: "accepts an admin rule that allows (the NSGs still decide)",
            type: ADMIN_RULE,
            inputs: {
                access: "Allow",
                direction: "Inbound",
                protocol: "Tcp",
                destinationPortRanges: ["22"],
                sources: [],
            },
            expect: [],
        },
    ]);
});

describe("admin-ingress-forbid: unreadable fields are reported, never clean", () => {
    table("admin-ingress-forbid", [
        {
            it: 'reports a port "twenty-two" on a rule open to the internet',
            type: RULE,
            inputs: nsgRule({ destinationPortRange: "twenty-two", sourceAddressPrefix: "*" }),
            expect: ['cannot read destinationPortRange "twenty-two": not a port'],
        },
        {
            it: 'reports a source "/0" on SSH',
            type: RULE,
            inputs: nsgRule({ destinationPortRange: "22", sourceAddressPrefix: "/0" }),
            expect: ['cannot read sourceAddressPrefix "/0"'],
        },
        {
            it: 'reports a source "0.0.0.0/zero" in an AWS cidrBlocks list',
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/zero"] }),
            expect: ['cannot read ingress[0].cidrBlocks[0] "0.0.0.0/zero": not a CIDR or an address'],
        },
        {
            it: "reports a non-decimal IPv4 address (3232235777) the clouds do not accept",
            type: FW,
            inputs: { network: "default", allows: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["3232235777"] },
            expect: ['cannot read sourceRanges[0] "3232235777"'],
        },
        {
            it: "reports an unreadable protocol on a rule open to the internet on port 22",
            type: SG,
            inputs: sg({ protocol: "tcpp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }),
            expect: ['cannot read ingress[0].protocol "tcpp"'],
        },
        {
            it: 'reports an access "maybe" as the worst it could be (an allow)',
            type: RULE,
            inputs: nsgRule({ access: "maybe", destinationPortRange: "22", sourceAddressPrefix: "*" }),
            expect: ["opens SSH (22) to the internet (*)"],
        },
        {
            it: "reports an Azure allow rule without a destination port",
            type: RULE,
            inputs: nsgRule({ sourceAddressPrefix: "*" }),
            expect: ["cannot read destinationPortRange undefined: missing"],
        },
        {
            it: "reports a fromPort that is not a port",
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: "ssh", toPort: 22, cidrBlocks: ["0.0.0.0/0"] }),
            expect: ['cannot read ingress[0].fromPort "ssh"'],
        },
        {
            it: "accepts an unreadable port on a rule that only admits a private range (it cannot reach the internet)",
            type: RULE,
            inputs: nsgRule({ destinationPortRange: "twenty-two", sourceAddressPrefix: "10.0.0.0/8" }),
            expect: [],
        },
    ]);
});
