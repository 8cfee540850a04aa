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
            it: "rejects SSH open to a public /32 that is not in allowedCidrs",
            type: SG,
            inputs: sg({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["8.8.8.8/32"] }),
            expect: ["(8.8.8.8/32)"],
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
            it: "accepts UDP 22 (not TCP)",
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
            it: "accepts a Udp rule",
            type: NSG,
            inputs: {
                securityRules: [nsgRule({ protocol: "Udp", destinationPortRange: "3389", sourceAddressPrefix: "*" })],
            },
            expect: [],
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
