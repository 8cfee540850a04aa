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

const LC = "aws:ec2/launchConfiguration:LaunchConfiguration";
const SPOT = "aws:ec2/spotInstanceRequest:SpotInstanceRequest";
const SPOT_FLEET = "aws:ec2/spotFleetRequest:SpotFleetRequest";
const FROM_TEMPLATE = "gcp:compute/instanceFromTemplate:InstanceFromTemplate";
const FROM_IMAGE = "gcp:compute/instanceFromMachineImage:InstanceFromMachineImage";
const ZONE_SETTINGS = "gcp:compute/instanceSettings:InstanceSettings";
const PER_INSTANCE = "gcp:compute/perInstanceConfig:PerInstanceConfig";
const VMSS_VM = "azure-native:compute:VirtualMachineScaleSetVM";

describe("access rules on the other ways to launch an instance", () => {
    describe("key-pair-forbid", () => {
        table("key-pair-forbid", [
            {
                it: "rejects a spot instance request with a key pair",
                type: SPOT,
                inputs: { ami: "ami-0123456789abcdef0", keyName: "ops" },
                expect: ['keyName "ops"'],
            },
            {
                it: "rejects a launch configuration with a key pair",
                type: LC,
                inputs: { imageId: "ami-0123456789abcdef0", keyName: "ops" },
                expect: ['keyName "ops"'],
            },
            {
                it: "rejects a spot fleet whose launch specification installs a key pair",
                type: SPOT_FLEET,
                inputs: { launchSpecifications: [{ ami: "ami-0123456789abcdef0", keyName: "ops" }] },
                expect: ['launchSpecifications[0].keyName "ops"'],
            },
            {
                it: "rejects a Lightsail instance without keyPairName (Lightsail installs the default key pair)",
                type: "aws:lightsail/instance:Instance",
                inputs: { blueprintId: "ubuntu_22_04", bundleId: "nano_3_0" },
                expect: ['keyPairName "(the region\'s default key pair)"'],
            },
            {
                it: "rejects a Lightsail key pair resource",
                type: "aws:lightsail/keyPair:KeyPair",
                inputs: { name: "ops" },
                expect: ['key pair "ops"'],
            },
            {
                it: "reports a keyName it cannot read",
                type: LC,
                inputs: { imageId: "ami-0123456789abcdef0", keyName: { name: "ops" } },
                expect: ['cannot read keyName {"name":"ops"}'],
            },
        ]);
    });

    describe("imdsv2-require", () => {
        table("imdsv2-require", [
            {
                it: "rejects a launch configuration without metadataOptions",
                type: LC,
                inputs: { imageId: "ami-0123456789abcdef0" },
                expect: ["IMDSv1 is reachable"],
            },
            {
                it: "accepts a launch configuration requiring tokens",
                type: LC,
                inputs: { imageId: "ami-0123456789abcdef0", metadataOptions: { httpTokens: "required" } },
                expect: [],
            },
            {
                it: "rejects a spot fleet on launch specifications (they cannot require session tokens)",
                type: SPOT_FLEET,
                inputs: { launchSpecifications: [{ ami: "ami-0123456789abcdef0" }] },
                expect: ["launchSpecifications cannot require IMDSv2 session tokens"],
            },
            {
                it: "does not judge a spot fleet on launch templates (the template is judged)",
                type: SPOT_FLEET,
                inputs: { launchTemplateConfigs: [{ launchTemplateSpecification: { id: "lt-1", version: "3" } }] },
                expect: [],
            },
            {
                it: 'reports httpTokens "mandatory" (not a value AWS knows)',
                type: SPOT,
                inputs: { ami: "ami-0123456789abcdef0", metadataOptions: { httpTokens: "mandatory" } },
                expect: ['cannot read metadataOptions.httpTokens "mandatory"'],
            },
        ]);
    });

    describe("metadata-ssh-keys-forbid: OS Login turned off and other metadata", () => {
        table("metadata-ssh-keys-forbid", [
            {
                it: 'rejects enable-oslogin "FALSE" on an instance',
                type: GCE,
                inputs: { metadata: { "enable-oslogin": "FALSE", "block-project-ssh-keys": "true" } },
                expect: ['metadata "enable-oslogin" is "FALSE": OS Login is off'],
            },
            {
                it: "rejects enable-oslogin false in project metadata, for every instance",
                type: PROJECT_MD,
                inputs: { metadata: { "enable-oslogin": "false" } },
                expect: ["on every instance of the project: OS Login is off"],
            },
            {
                it: "rejects an enable-oslogin project metadata item set to 0",
                type: PROJECT_MD_ITEM,
                inputs: { key: "enable-oslogin", value: "0" },
                expect: ["OS Login is off"],
            },
            {
                it: 'reports enable-oslogin "maybe" (not a boolean the guest reads)',
                type: GCE_TEMPLATE,
                inputs: { metadata: { "enable-oslogin": "maybe", "block-project-ssh-keys": "true" } },
                expect: ['cannot read metadata.enable-oslogin "maybe"'],
            },
            {
                it: "rejects ssh-keys on an instance created from a template",
                type: FROM_TEMPLATE,
                inputs: { sourceInstanceTemplate: "t", metadata: { "ssh-keys": "ops:ssh-ed25519 AAAA" } },
                expect: ['metadata "ssh-keys" installs SSH keys'],
            },
            {
                it: "rejects ssh-keys in a zone's instance settings, for every instance of the zone",
                type: ZONE_SETTINGS,
                inputs: { zone: "us-central1-a", metadata: { items: { "ssh-keys": "ops:ssh-ed25519 AAAA" } } },
                expect: ["on every instance of the zone"],
            },
            {
                it: "rejects ssh-keys preserved in a per-instance config",
                type: PER_INSTANCE,
                inputs: { instanceGroupManager: "m", preservedState: { metadata: { "ssh-keys": "ops:ssh-rsa AAAA" } } },
                expect: ["ssh-keys"],
            },
            {
                it: "reports ssh-keys that are not text",
                type: GCE,
                inputs: { metadata: { "ssh-keys": ["ops:ssh-rsa AAAA"], "block-project-ssh-keys": "true" } },
                expect: ["cannot read metadata.ssh-keys"],
            },
        ]);
    });

    describe("project-ssh-keys-forbid on instances from templates and machine images", () => {
        table("project-ssh-keys-forbid", [
            {
                it: "rejects an instance from a template whose own metadata does not block project keys",
                type: FROM_TEMPLATE,
                inputs: { sourceInstanceTemplate: "t", metadata: { env: "prod" } },
                expect: ["project-wide SSH keys are accepted"],
            },
            {
                it: "does not judge an instance from a template without its own metadata (the template is judged)",
                type: FROM_TEMPLATE,
                inputs: { sourceInstanceTemplate: "t" },
                expect: [],
            },
            {
                it: "rejects an instance from a machine image that turns OS Login off without blocking project keys",
                type: FROM_IMAGE,
                inputs: { sourceMachineImage: "m", metadata: { "enable-oslogin": "FALSE" } },
                expect: ["project-wide SSH keys are accepted"],
            },
            {
                it: 'reports block-project-ssh-keys "yes" (the guest reads TRUE/FALSE, 1/0)',
                type: GCE,
                inputs: { metadata: { "block-project-ssh-keys": "yes" } },
                expect: ['cannot read metadata.block-project-ssh-keys "yes"'],
            },
        ]);
    });

    describe("serial-port-forbid", () => {
        table("serial-port-forbid", [
            {
                it: "rejects the serial port on an instance from a machine image",
                type: FROM_IMAGE,
                inputs: { sourceMachineImage: "m", metadata: { "serial-port-enable": "TRUE" } },
                expect: ['"serial-port-enable" is "TRUE"'],
            },
            {
                it: "rejects the serial port in a zone's instance settings",
                type: ZONE_SETTINGS,
                inputs: { zone: "z", metadata: { items: { "serial-port-enable": "1" } } },
                expect: ["for every instance of the zone"],
            },
            {
                it: 'reports serial-port-enable "on" (not a boolean the guest reads)',
                type: GCE,
                inputs: { metadata: { "serial-port-enable": "on" } },
                expect: ['cannot read metadata.serial-port-enable "on"'],
            },
        ]);
    });

    describe("password-auth-forbid by operating system", () => {
        table("password-auth-forbid", [
            {
                it: "rejects a Linux VM (by osType) without linuxConfiguration: password authentication is on by default",
                type: VM,
                inputs: {
                    osProfile: { adminUsername: "azure", adminPassword: "P@ss" },
                    storageProfile: { osDisk: { osType: "Linux", createOption: "FromImage" } },
                },
                expect: ["osProfile.linuxConfiguration is not set: password authentication is on by default"],
            },
            {
                it: "rejects a profile that says neither Linux nor Windows, naming what to set",
                type: VM,
                inputs: { osProfile: { adminUsername: "azure" } },
                expect: ["sets neither linuxConfiguration nor windowsConfiguration"],
            },
            {
                it: "does not ask a Windows VM (known by its image) to disable passwords",
                type: VM,
                inputs: {
                    osProfile: { adminUsername: "a", adminPassword: "P@ss" },
                    storageProfile: { imageReference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer" } },
                },
                expect: [],
            },
            {
                it: "rejects WinRM listeners on a Windows VM",
                type: VM,
                inputs: {
                    osProfile: {
                        adminUsername: "a",
                        adminPassword: "P@ss",
                        windowsConfiguration: { winRM: { listeners: [{ protocol: "Http" }] } },
                    },
                },
                expect: ["Windows VM opens WinRM listeners (Http)"],
            },
            {
                it: "rejects password authentication on a scale-set VM",
                type: VMSS_VM,
                inputs: {
                    osProfile: { adminUsername: "a", linuxConfiguration: { disablePasswordAuthentication: false } },
                },
                expect: ["password authentication is enabled"],
            },
            {
                it: 'reports disablePasswordAuthentication "yes"',
                type: VM,
                inputs: {
                    osProfile: { adminUsername: "a", linuxConfiguration: { disablePasswordAuthentication: "yes" } },
                },
                expect: ['cannot read osProfile.linuxConfiguration.disablePasswordAuthentication "yes"'],
            },
        ]);
    });

    describe("ecs-exec-forbid", () => {
        table("ecs-exec-forbid", [
            {
                it: 'reports enableExecuteCommand "sometimes"',
                type: "aws:ecs/service:Service",
                inputs: { enableExecuteCommand: "sometimes" },
                expect: ['cannot read enableExecuteCommand "sometimes"'],
            },
        ]);
    });
});
