/**
 * The resource type tokens the pack reads, in one place: normalizers, rules, the coverage table
 * (docs/policies.md) and the coverage spec (test/policy/coverage.spec.ts) use these names.
 */
export const RESOURCE_TYPE = {
    awsSecurityGroup: "aws:ec2/securityGroup:SecurityGroup",
    awsDefaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    awsSecurityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    awsVpcIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    awsInstance: "aws:ec2/instance:Instance",
    awsSpotInstanceRequest: "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
    awsSpotFleetRequest: "aws:ec2/spotFleetRequest:SpotFleetRequest",
    awsEc2Fleet: "aws:ec2/fleet:Fleet",
    awsLaunchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    awsLaunchConfiguration: "aws:ec2/launchConfiguration:LaunchConfiguration",
    awsKeyPair: "aws:ec2/keyPair:KeyPair",
    awsLightsailInstance: "aws:lightsail/instance:Instance",
    awsLightsailPublicPorts: "aws:lightsail/instancePublicPorts:InstancePublicPorts",
    awsLightsailKeyPair: "aws:lightsail/keyPair:KeyPair",
    awsAutoscalingGroup: "aws:autoscaling/group:Group",
    awsEcsTaskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    awsEcsDaemonTaskDefinition: "aws:ecs/daemonTaskDefinition:DaemonTaskDefinition",
    awsEcsService: "aws:ecs/service:Service",
    awsBatchJobDefinition: "aws:batch/jobDefinition:JobDefinition",
    awsEcrRepository: "aws:ecr/repository:Repository",
    awsSsmAssociation: "aws:ssm/association:Association",
    gcpFirewall: "gcp:compute/firewall:Firewall",
    gcpFirewallPolicyRule: "gcp:compute/firewallPolicyRule:FirewallPolicyRule",
    gcpFirewallPolicyWithRules: "gcp:compute/firewallPolicyWithRules:FirewallPolicyWithRules",
    gcpNetworkFirewallPolicyRule: "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule",
    gcpNetworkFirewallPolicyWithRules: "gcp:compute/networkFirewallPolicyWithRules:NetworkFirewallPolicyWithRules",
    gcpRegionNetworkFirewallPolicyRule: "gcp:compute/regionNetworkFirewallPolicyRule:RegionNetworkFirewallPolicyRule",
    gcpRegionNetworkFirewallPolicyWithRules:
        "gcp:compute/regionNetworkFirewallPolicyWithRules:RegionNetworkFirewallPolicyWithRules",
    gcpInstance: "gcp:compute/instance:Instance",
    gcpInstanceFromTemplate: "gcp:compute/instanceFromTemplate:InstanceFromTemplate",
    gcpInstanceFromMachineImage: "gcp:compute/instanceFromMachineImage:InstanceFromMachineImage",
    gcpInstanceTemplate: "gcp:compute/instanceTemplate:InstanceTemplate",
    gcpRegionInstanceTemplate: "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
    gcpInstanceSettings: "gcp:compute/instanceSettings:InstanceSettings",
    gcpProjectMetadata: "gcp:compute/projectMetadata:ProjectMetadata",
    gcpProjectMetadataItem: "gcp:compute/projectMetadataItem:ProjectMetadataItem",
    gcpInstanceGroupManager: "gcp:compute/instanceGroupManager:InstanceGroupManager",
    gcpRegionInstanceGroupManager: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
    gcpPerInstanceConfig: "gcp:compute/perInstanceConfig:PerInstanceConfig",
    gcpRegionPerInstanceConfig: "gcp:compute/regionPerInstanceConfig:RegionPerInstanceConfig",
    gcpCloudRunV2Service: "gcp:cloudrunv2/service:Service",
    gcpCloudRunV2Job: "gcp:cloudrunv2/job:Job",
    gcpCloudRunV2WorkerPool: "gcp:cloudrunv2/workerPool:WorkerPool",
    gcpCloudRunService: "gcp:cloudrun/service:Service",
    gcpArtifactRepository: "gcp:artifactregistry/repository:Repository",
    gcpOsPolicyAssignment: "gcp:osconfig/osPolicyAssignment:OsPolicyAssignment",
    gcpPatchDeployment: "gcp:osconfig/patchDeployment:PatchDeployment",
    azureNsg: "azure-native:network:NetworkSecurityGroup",
    azureSecurityRule: "azure-native:network:SecurityRule",
    azureAdminRule: "azure-native:network:AdminRule",
    azureVm: "azure-native:compute:VirtualMachine",
    azureVmss: "azure-native:compute:VirtualMachineScaleSet",
    azureVmssVm: "azure-native:compute:VirtualMachineScaleSetVM",
    azureVmExtension: "azure-native:compute:VirtualMachineExtension",
    azureVmssExtension: "azure-native:compute:VirtualMachineScaleSetExtension",
    azureVmssVmExtension: "azure-native:compute:VirtualMachineScaleSetVMExtension",
    azureVmRunCommand: "azure-native:compute:VirtualMachineRunCommandByVirtualMachine",
    azureVmssVmRunCommand: "azure-native:compute:VirtualMachineScaleSetVMRunCommand",
    azureContainerApp: "azure-native:app:ContainerApp",
    azureContainerAppJob: "azure-native:app:Job",
    azureContainerGroup: "azure-native:containerinstance:ContainerGroup",
    commandRemote: "command:remote:Command",
    commandCopyFile: "command:remote:CopyFile",
    commandCopyToRemote: "command:remote:CopyToRemote",
    commandLocal: "command:local:Command",
    dockerBuildImage: "docker-build:index:Image",
    dockerImage: "docker:index/image:Image",
} as const;

/** The AWS resource types that launch instances from their own instance settings (AMI, key, user data, IMDS). */
export const AWS_INSTANCE_TYPES: readonly string[] = [RESOURCE_TYPE.awsInstance, RESOURCE_TYPE.awsSpotInstanceRequest];

/** GCP instances (standalone, from a template, from a machine image). */
export const GCP_INSTANCE_TYPES: readonly string[] = [
    RESOURCE_TYPE.gcpInstance,
    RESOURCE_TYPE.gcpInstanceFromTemplate,
    RESOURCE_TYPE.gcpInstanceFromMachineImage,
];

/** GCP instance templates (global and regional). */
export const GCP_TEMPLATE_TYPES: readonly string[] = [
    RESOURCE_TYPE.gcpInstanceTemplate,
    RESOURCE_TYPE.gcpRegionInstanceTemplate,
];

/** GCP resources that carry instance metadata but are no instance or template: per-instance configs, zone settings, project metadata. */
export const GCP_METADATA_ONLY_TYPES: readonly string[] = [
    RESOURCE_TYPE.gcpPerInstanceConfig,
    RESOURCE_TYPE.gcpRegionPerInstanceConfig,
    RESOURCE_TYPE.gcpInstanceSettings,
    RESOURCE_TYPE.gcpProjectMetadata,
    RESOURCE_TYPE.gcpProjectMetadataItem,
];

/** Every GCP resource whose metadata reaches instances: instances, templates and {@link GCP_METADATA_ONLY_TYPES}. */
export const GCP_METADATA_TYPES: readonly string[] = [
    ...GCP_INSTANCE_TYPES,
    ...GCP_TEMPLATE_TYPES,
    ...GCP_METADATA_ONLY_TYPES,
];

/** Azure VMs and scale sets (one VM profile each). */
export const AZURE_VM_TYPES: readonly string[] = [
    RESOURCE_TYPE.azureVm,
    RESOURCE_TYPE.azureVmss,
    RESOURCE_TYPE.azureVmssVm,
];

/**
 * The VM types: instances, launch/instance templates, spot requests and scale sets (boot scripts and boot
 * images). Lightsail instances have boot scripts but no image of ours: see BOOT_TYPES.
 */
export const VM_TYPES: readonly string[] = [
    ...AWS_INSTANCE_TYPES,
    RESOURCE_TYPE.awsLaunchTemplate,
    RESOURCE_TYPE.awsLaunchConfiguration,
    RESOURCE_TYPE.awsSpotFleetRequest,
    ...GCP_INSTANCE_TYPES,
    ...GCP_TEMPLATE_TYPES,
    ...AZURE_VM_TYPES,
];
