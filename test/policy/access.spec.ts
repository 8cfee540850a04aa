import { table } from "./support";

const INSTANCE = "aws:ec2/instance:Instance";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const GCE = "gcp:compute/instance:Instance";
const GCE_TEMPLATE = "gcp:compute/instanceTemplate:InstanceTemplate";
const GCE_REGION_TEMPLATE = "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate";
const PROJECT_MD = "gcp:compute/projectMetadata:ProjectMetadata";
const PROJECT_MD_ITEM = "gcp:compute/projectMetadataItem:ProjectMetadataItem";
const VM = "azure-native:compute:VirtualMachine";
const VMSS = "azure-native:compute:VirtualMachineScaleSet";
const IMDS = { httpTokens: "required", httpEndpoint: "enabled" };

describe("key-pair-forbid", () => {
    table("key-pair-forbid", [
        {
            it: "rejects an instance with a key pair",
            type: INSTANCE,
            inputs: { ami: "ami-1", instanceType: "t3.micro", keyName: "ops" },
            expect: ['keyName "ops"'],
        },
        {
            it: "rejects a launch template with a key pair",
            type: LT,
            inputs: { imageId: "ami-1", keyName: "ops" },
            expect: ['keyName "ops"'],
        },
        {
            it: "rejects a KeyPair resource",
            type: "aws:ec2/keyPair:KeyPair",
            inputs: { keyName: "ops", publicKey: "ssh-ed25519 AAAA" },
            expect: ['key pair "ops"'],
        },
        {
            it: "accepts an instance without a key pair",
            type: INSTANCE,
            inputs: { ami: "ami-1", instanceType: "t3.micro" },
            expect: [],
        },
        { it: "accepts an empty keyName", type: LT, inputs: { imageId: "ami-1", keyName: "" }, expect: [] },
    ]);
});

describe("imdsv2-require", () => {
    table("imdsv2-require", [
        {
            it: "rejects an instance without metadataOptions (IMDSv1 reachable)",
            type: INSTANCE,
            inputs: { ami: "ami-1" },
            expect: ['httpTokens is not "required"'],
        },
        {
            it: "rejects httpTokens optional on a launch template",
            type: LT,
            inputs: { imageId: "ami-1", metadataOptions: { httpTokens: "optional" } },
            expect: ["IMDSv1"],
        },
        {
            it: "accepts httpTokens required",
            type: LT,
            inputs: { imageId: "ami-1", metadataOptions: IMDS },
            expect: [],
        },
        {
            it: "accepts a disabled metadata endpoint",
            type: INSTANCE,
            inputs: { ami: "ami-1", metadataOptions: { httpEndpoint: "disabled" } },
            expect: [],
        },
        {
            it: "does not judge an instance that inherits metadataOptions from its launch template",
            type: INSTANCE,
            inputs: { launchTemplate: { id: "lt-1", version: "3" } },
            expect: [],
        },
        {
            it: "judges an instance that overrides its launch template's metadataOptions",
            type: INSTANCE,
            inputs: { launchTemplate: { id: "lt-1", version: "3" }, metadataOptions: { httpTokens: "optional" } },
            expect: ["IMDSv1"],
        },
    ]);
});

describe("metadata-ssh-keys-forbid", () => {
    table("metadata-ssh-keys-forbid", [
        {
            it: "rejects ssh-keys in an instance's metadata",
            type: GCE,
            inputs: { metadata: { "ssh-keys": "ops:ssh-ed25519 AAAA ops" } },
            expect: ['metadata "ssh-keys"'],
        },
        {
            it: "rejects the legacy sshKeys key in a template's metadata",
            type: GCE_TEMPLATE,
            inputs: { metadata: { sshKeys: "ops:ssh-rsa AAAA" } },
            expect: ['"sshKeys"'],
        },
        {
            it: "rejects ssh-keys in a regional template",
            type: GCE_REGION_TEMPLATE,
            inputs: { metadata: { "ssh-keys": "ops:ssh-rsa AAAA" } },
            expect: ["ssh-keys"],
        },
        {
            it: "rejects ssh-keys in project metadata (every instance of the project)",
            type: PROJECT_MD,
            inputs: { metadata: { "ssh-keys": "ops:ssh-rsa AAAA" } },
            expect: ["on every instance of the project"],
        },
        {
            it: "rejects an ssh-keys project metadata item",
            type: PROJECT_MD_ITEM,
            inputs: { key: "ssh-keys", value: "ops:ssh-rsa AAAA" },
            expect: ["on every instance of the project"],
        },
        {
            it: "accepts an empty ssh-keys value",
            type: GCE,
            inputs: { metadata: { "ssh-keys": "", "block-project-ssh-keys": "true" } },
            expect: [],
        },
        {
            it: "accepts another project metadata item",
            type: PROJECT_MD_ITEM,
            inputs: { key: "enable-oslogin", value: "TRUE" },
            expect: [],
        },
    ]);
});

describe("project-ssh-keys-forbid", () => {
    table("project-ssh-keys-forbid", [
        {
            it: "rejects an instance that does not block project-wide keys",
            type: GCE,
            inputs: { metadata: {} },
            expect: ["block-project-ssh-keys"],
        },
        {
            it: 'rejects block-project-ssh-keys "false" on a template',
            type: GCE_TEMPLATE,
            inputs: { metadata: { "block-project-ssh-keys": "false" } },
            expect: ["project-wide SSH keys"],
        },
        {
            it: 'accepts block-project-ssh-keys "TRUE" (any case)',
            type: GCE_REGION_TEMPLATE,
            inputs: { metadata: { "block-project-ssh-keys": "TRUE" } },
            expect: [],
        },
        {
            it: "accepts block-project-ssh-keys true on an instance",
            type: GCE,
            inputs: { metadata: { "block-project-ssh-keys": "true" } },
            expect: [],
        },
        {
            it: "accepts OS Login (enable-oslogin TRUE ignores metadata keys)",
            type: GCE_TEMPLATE,
            inputs: { metadata: { "enable-oslogin": "TRUE" } },
            expect: [],
        },
    ]);
});

describe("serial-port-forbid", () => {
    table("serial-port-forbid", [
        {
            it: "rejects serial-port-enable true on an instance",
            type: GCE,
            inputs: { metadata: { "serial-port-enable": "true" } },
            expect: ['"serial-port-enable" is "true"'],
        },
        {
            it: "rejects serial-port-enable 1 on a template",
            type: GCE_TEMPLATE,
            inputs: { metadata: { "serial-port-enable": "1" } },
            expect: ['is "1"'],
        },
        {
            it: "rejects serial-port-enable TRUE in project metadata",
            type: PROJECT_MD,
            inputs: { metadata: { "serial-port-enable": "TRUE" } },
            expect: ["for every instance of the project"],
        },
        {
            it: "rejects a serial-port-enable project metadata item",
            type: PROJECT_MD_ITEM,
            inputs: { key: "serial-port-enable", value: "true" },
            expect: ["serial-port-enable"],
        },
        {
            it: "accepts serial-port-enable false",
            type: GCE,
            inputs: { metadata: { "serial-port-enable": "false" } },
            expect: [],
        },
        {
            it: "accepts a regional template without it",
            type: GCE_REGION_TEMPLATE,
            inputs: { metadata: {} },
            expect: [],
        },
    ]);
});

describe("password-auth-forbid", () => {
    const linux = (disable: boolean | undefined, password?: string) => ({
        adminUsername: "azure",
        adminPassword: password,
        linuxConfiguration: disable === undefined ? undefined : { disablePasswordAuthentication: disable },
    });
    table("password-auth-forbid", [
        {
            it: "rejects a Linux VM with disablePasswordAuthentication false",
            type: VM,
            inputs: { osProfile: linux(false, "P@ss") },
            expect: ["password authentication is enabled"],
        },
        {
            it: "rejects a Linux VM with a password and no linuxConfiguration",
            type: VM,
            inputs: { osProfile: { adminUsername: "azure", adminPassword: "P@ss" } },
            expect: ["password"],
        },
        {
            it: "rejects a scale set whose Linux profile leaves password auth on",
            type: VMSS,
            inputs: { virtualMachineProfile: { osProfile: linux(false) } },
            expect: ["password"],
        },
        {
            it: "accepts a Linux VM with disablePasswordAuthentication true",
            type: VM,
            inputs: { osProfile: linux(true) },
            expect: [],
        },
        {
            it: "accepts a scale set with disablePasswordAuthentication true",
            type: VMSS,
            inputs: { virtualMachineProfile: { osProfile: linux(true) } },
            expect: [],
        },
        {
            it: "does not judge a Windows VM (a password is mandatory there; RDP is admin-ingress-forbid's)",
            type: VM,
            inputs: { osProfile: { adminUsername: "a", adminPassword: "P@ss", windowsConfiguration: {} } },
            expect: [],
        },
        {
            it: "accepts a VM without osProfile (specialized disk)",
            type: VM,
            inputs: { storageProfile: {} },
            expect: [],
        },
    ]);
});

describe("ecs-exec-forbid", () => {
    table("ecs-exec-forbid", [
        {
            it: "rejects an ECS service with ECS Exec enabled",
            type: "aws:ecs/service:Service",
            inputs: { enableExecuteCommand: true },
            expect: ["ECS Exec"],
        },
        {
            it: "accepts an ECS service with ECS Exec disabled",
            type: "aws:ecs/service:Service",
            inputs: { enableExecuteCommand: false },
            expect: [],
        },
        {
            it: "accepts an ECS service that does not set it",
            type: "aws:ecs/service:Service",
            inputs: { desiredCount: 2 },
            expect: [],
        },
    ]);
});
