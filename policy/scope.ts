/**
 * What the pack covers, by resource type: the kinds of resources that create instances, templates and
 * fleets, firewall rules and containers (the patterns the coverage spec scans the pinned SDKs with), and
 * every such type that no rule judges, with the reason. test/policy/coverage.spec.ts fails when a type in
 * node_modules/@pulumi/{aws,gcp,azure-native} matches a kind and is neither judged by a rule nor listed here;
 * docs/policies.md shows both tables (scripts/docs.ts).
 */

/** A kind of resource the coverage is reported by. */
export interface ResourceKind {
    name: string;
    /** The SDK type tokens of this kind (scanned). */
    pattern: RegExp;
}

/** The kinds the coverage spec scans for, in the order the docs list them. */
export const SCANNED_KINDS: readonly ResourceKind[] = [
    {
        name: "instances",
        pattern:
            /^aws:(ec2|lightsail)\/\w+:(Instance|SpotInstanceRequest)$|^gcp:compute\/\w+:Instance(FromTemplate|FromMachineImage)?$|^azure-native:compute:VirtualMachine(ScaleSetVM)?$/,
    },
    {
        name: "templates, fleets and groups",
        pattern:
            /^aws:(ec2|autoscaling)\/\w+:(SpotFleetRequest|Fleet|LaunchConfiguration|LaunchTemplate|Group)$|^gcp:compute\/\w+:(Instance(Group\w*|Settings|Template)|RegionInstance\w+|MachineImage|\w*PerInstanceConfig)$|^azure-native:compute:VirtualMachineScaleSet$/,
    },
    {
        name: "scripts and commands on instances",
        pattern: /^azure-native:compute:VirtualMachine\w*(Extension|RunCommand(ByVirtualMachine)?)$/,
    },
    {
        name: "firewall rules",
        pattern:
            /^aws:(ec2|vpc|lightsail)\/\w+:(\w*SecurityGroup\w*|\w*NetworkAcl\w*|InstancePublicPorts)$|^gcp:compute\/\w+:\w*Firewall\w*$|^azure-native:network:(\w*SecurityGroup|SecurityRule|\w*AdminRule\w*|\w*Firewall\w*)$/,
    },
    {
        name: "containers",
        pattern:
            /^aws:(ecs|batch|apprunner|lightsail|lambda)\/\w+:(TaskDefinition|DaemonTaskDefinition|JobDefinition|Service|ContainerServiceDeploymentVersion|Function)$|^gcp:(cloudrun|cloudrunv2)\/\w+:(Service|Job|WorkerPool)$|^gcp:appengine\/\w+:FlexibleAppVersion$|^azure-native:(app|containerinstance|web):(ContainerApp|Job|ContainerGroup|NGroup|WebApp|WebAppSlot)$/,
    },
];

/** Types that are IAM bindings of a scanned resource, never in scope (access control, not configuration). */
export const SCAN_EXCLUDED = /iam(Binding|Member|Policy)$/i;

/** Kinds of the judged types the scan does not cover (metadata, registries, image builds, remote changes). */
const OTHER_KINDS: ReadonlyArray<[string, RegExp]> = [
    ["key pairs and metadata", /KeyPair$|ProjectMetadata/],
    ["registries", /Repository$/],
    ["image builds", /Image$|^immutable/],
    ["changes to running servers", /^command:|ssm\/association|osconfig\//],
];

/** The kind of a type token, for the coverage table. */
export function kindOf(type: string): string {
    return (
        SCANNED_KINDS.find((k) => k.pattern.test(type))?.name ??
        OTHER_KINDS.find(([, re]) => re.test(type))?.[0] ??
        "other"
    );
}

/**
 * Judged types whose SDK is not a dependency of this repository (so the coverage spec cannot find them in
 * node_modules), by package prefix. This package's own component types are judged too (image builds).
 */
export const NOT_IN_PINNED_SDKS: Readonly<Record<string, string>> = {
    "command:": "@pulumi/command (remote and local commands)",
    "docker:": "@pulumi/docker",
};

/** One type (or a family of types) no rule judges, and why. */
export interface OutOfScope {
    /** A type token, or a pattern over type tokens. */
    types: string | RegExp;
    reason: string;
}

/** Every scanned type no rule judges, with the reason. */
export const OUT_OF_SCOPE: readonly OutOfScope[] = [
    {
        types: /^aws:ec2\/(defaultNetworkAcl:DefaultNetworkAcl|networkAcl:NetworkAcl|networkAclRule:NetworkAclRule|networkAclAssociation:NetworkAclAssociation)$/,
        reason: "Network ACLs are stateless subnet filters in front of security groups: an ACL allow opens no port unless a security group rule does, and admin-ingress-forbid judges those.",
    },
    {
        types: /^aws:(ec2\/(securityGroupAssociation:SecurityGroupAssociation|networkInterfaceSecurityGroupAttachment:NetworkInterfaceSecurityGroupAttachment|vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive)|vpc\/securityGroupVpcAssociation:SecurityGroupVpcAssociation)$/,
        reason: "Attaches a security group (or lists its rule ids): the group's rules are judged where they are written.",
    },
    {
        types: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        reason: "An egress rule opens no inbound port.",
    },
    {
        types: "aws:apprunner/service:Service",
        reason: "Not judged yet: App Runner deploys an image identifier and can redeploy on every push (autoDeploymentsEnabled); it needs its own image rule. Use ECS for blue-green services.",
    },
    {
        types: "aws:lambda/function:Function",
        reason: "Lambda resolves an image tag to its digest when the function is created or updated, so what runs is pinned; its environment is not a container spec of this pack.",
    },
    {
        types: "aws:lightsail/containerServiceDeploymentVersion:ContainerServiceDeploymentVersion",
        reason: "Not judged yet: Lightsail container deployments run images pushed to the service (:service.label.N, immutable per push) or public images; no component of ours targets Lightsail.",
    },
    {
        types: "azure-native:containerinstance:NGroup",
        reason: "An NGroup deploys container group profiles by reference: the containers are not in its inputs (ContainerGroup, which holds them, is judged).",
    },
    {
        types: /^azure-native:network:(AdminRuleCollection|ApplicationSecurityGroup)$/,
        reason: "Holds no rule itself: an admin rule collection groups AdminRules (judged), an application security group names VMs for NSG rules (judged).",
    },
    {
        types: "azure-native:network:DefaultAdminRule",
        reason: "Microsoft's default security admin rules (kind Default) deny high-risk ports; their content is not chosen in the program.",
    },
    {
        types: /^azure-native:network:(AzureFirewall|FirewallPolicy|FirewallPolicyDraft|FirewallPolicyRuleCollectionGroup|FirewallPolicyRuleCollectionGroupDraft|FirewallPolicyRuleGroup)$/,
        reason: "Not judged yet: Azure Firewall DNAT rules translate to private addresses; the VM's NSG must still admit the translated traffic, and admin-ingress-forbid judges that NSG.",
    },
    {
        types: "azure-native:network:WebApplicationFirewallPolicy",
        reason: "A layer-7 filter in front of web applications: it opens no port.",
    },
    {
        types: /^azure-native:web:(WebApp|WebAppSlot)$/,
        reason: "Not judged yet: App Service runs code, or an image from siteConfig.linuxFxVersion (DOCKER|image:tag) that needs its own image rule.",
    },
    {
        types: "gcp:appengine/flexibleAppVersion:FlexibleAppVersion",
        reason: "Not judged yet: App Engine flexible builds from source or deploys deployment.container.image; no component of ours targets App Engine.",
    },
    {
        types: /^gcp:compute\/(firewallPolicy:FirewallPolicy|networkFirewallPolicy:NetworkFirewallPolicy|regionNetworkFirewallPolicy:RegionNetworkFirewallPolicy|firewallPolicyAssociation:FirewallPolicyAssociation|networkFirewallPolicyAssociation:NetworkFirewallPolicyAssociation|regionNetworkFirewallPolicyAssociation:RegionNetworkFirewallPolicyAssociation)$/,
        reason: "A firewall policy without rules, or its attachment to a network or folder: the rules (FirewallPolicyRule, *WithRules) are judged.",
    },
    {
        types: "gcp:compute/networkFirewallPolicyPacketMirroringRule:NetworkFirewallPolicyPacketMirroringRule",
        reason: "Mirrors packets to a collector: it opens no port.",
    },
    {
        types: /^gcp:compute\/(instanceGroup:InstanceGroup|instanceGroupMembership:InstanceGroupMembership|instanceGroupNamedPort:InstanceGroupNamedPort)$/,
        reason: "An unmanaged group of existing instances (or its members and named ports): it creates no instance; the instances are judged.",
    },
    {
        types: "gcp:compute/bulkPerInstanceConfig:BulkPerInstanceConfig",
        reason: "Waits for a managed group's per-instance configs to apply: the configs (PerInstanceConfig) are judged.",
    },
    {
        types: "gcp:compute/machineImage:MachineImage",
        reason: "Captures an existing instance: the instance it captures and the instances booted from it (InstanceFromMachineImage) are judged.",
    },
];

/** The out-of-scope entry of a type, if any. */
export function outOfScope(type: string): OutOfScope | undefined {
    return OUT_OF_SCOPE.find((o) => (typeof o.types === "string" ? o.types === type : o.types.test(type)));
}
