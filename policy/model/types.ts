/** Resource type tokens the pack reads, in one place (normalizers and rule catalog use these). */
export const T = {
    awsSecurityGroup: "aws:ec2/securityGroup:SecurityGroup",
    awsSecurityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    awsVpcIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    awsInstance: "aws:ec2/instance:Instance",
    awsLaunchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    awsKeyPair: "aws:ec2/keyPair:KeyPair",
    awsAutoscalingGroup: "aws:autoscaling/group:Group",
    awsEcsTaskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    awsEcsService: "aws:ecs/service:Service",
    awsEcrRepository: "aws:ecr/repository:Repository",
    gcpFirewall: "gcp:compute/firewall:Firewall",
    gcpInstance: "gcp:compute/instance:Instance",
    gcpInstanceTemplate: "gcp:compute/instanceTemplate:InstanceTemplate",
    gcpRegionInstanceTemplate: "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
    gcpProjectMetadata: "gcp:compute/projectMetadata:ProjectMetadata",
    gcpProjectMetadataItem: "gcp:compute/projectMetadataItem:ProjectMetadataItem",
    gcpInstanceGroupManager: "gcp:compute/instanceGroupManager:InstanceGroupManager",
    gcpRegionInstanceGroupManager: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
    gcpCloudRunV2Service: "gcp:cloudrunv2/service:Service",
    gcpCloudRunV2Job: "gcp:cloudrunv2/job:Job",
    gcpCloudRunService: "gcp:cloudrun/service:Service",
    gcpArtifactRepository: "gcp:artifactregistry/repository:Repository",
    azureNsg: "azure-native:network:NetworkSecurityGroup",
    azureSecurityRule: "azure-native:network:SecurityRule",
    azureVm: "azure-native:compute:VirtualMachine",
    azureVmss: "azure-native:compute:VirtualMachineScaleSet",
    azureContainerApp: "azure-native:app:ContainerApp",
    azureContainerAppJob: "azure-native:app:Job",
    dockerBuildImage: "docker-build:index:Image",
    dockerImage: "docker:index/image:Image",
} as const;

/** The VM types: instances, launch/instance templates and scale sets (boot scripts and boot images). */
export const VM_TYPES: readonly string[] = [
    T.awsInstance,
    T.awsLaunchTemplate,
    T.gcpInstance,
    T.gcpInstanceTemplate,
    T.gcpRegionInstanceTemplate,
    T.azureVm,
    T.azureVmss,
];

/** The cloud a resource type belongs to (from its package), or undefined. */
export function cloudOf(type: string): "aws" | "gcp" | "azure" | undefined {
    if (type.startsWith("aws:")) {
        return "aws";
    }
    if (type.startsWith("gcp:")) {
        return "gcp";
    }
    return type.startsWith("azure-native:") ? "azure" : undefined;
}
