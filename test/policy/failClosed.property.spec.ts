/**
 * Fail closed, property-based: for every rule and every resource type it judges, a resource that violates the
 * rule stays rejected when its judged fields are mutated into values the pack cannot read (a port
 * "twenty-two", a source "/0", an object where text belongs, a shell script that does not parse...). The rule
 * reports (a violation, or an "unreadable" message), or throws (the evaluator then lists the resource as not
 * judged); it never says "clean".
 */
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { RULES } from "../../policy/catalog";
import type { ResourceRule, StackResource, StackRule } from "../../policy/rule";

const DIGEST = `sha256:${"1".repeat(64)}`;
const DIGEST2 = `sha256:${"2".repeat(64)}`;
const b64 = (s: string) => Buffer.from(s).toString("base64");

/** Kinds of judged fields, each with values the pack cannot read for that kind. */
const objects = fc.constantFrom<unknown>({}, { v: 1 }, [[]], [{ nested: [] }]);
const nonText = fc.oneof(objects, fc.constantFrom<unknown>(true, false));
const KINDS = {
    text: nonText,
    /** An object field (a map, a rule, a profile): values that are not objects (an empty object is readable). */
    object: fc.constantFrom<unknown>([[]], true, "text", 42, [{ v: 1 }]),
    /** Text whose booleans the reader takes as text (metadata values, env values): objects only. */
    value: objects,
    port: fc.oneof(
        nonText,
        fc.constantFrom<unknown>(
            "twenty-two",
            "22-",
            "- 22",
            "65536",
            "99999",
            "22,,24",
            "22;24",
            "1.5",
            "ssh",
            -5,
            70000,
            1.5,
        ),
    ),
    source: fc.oneof(
        nonText,
        fc.constantFrom<unknown>(
            "/0",
            "0.0.0.0/zero",
            "10.0.0.1/33",
            "::/129",
            "1.2.3.4.5",
            "3232235777",
            "0x7f.0.0.1/8",
            "*/0",
            "10.0.0.0/8/8",
        ),
    ),
    protocol: fc.oneof(nonText, fc.constantFrom<unknown>("tcpp", "http", "", "999", "-2")),
    enum: fc.oneof(nonText, fc.constantFrom<unknown>("maybe", "sideways", "", "ALLOWISH")),
    bool: fc.oneof(objects, fc.constantFrom<unknown>("yes", "maybe", "1", "on", 2)),
    metadataBool: fc.oneof(objects, fc.constantFrom<unknown>("maybe", "yes", "on", "2", "enabled")),
    image: fc.oneof(nonText, fc.constant<unknown>(42)),
    ami: fc.oneof(nonText, fc.constantFrom<unknown>("ubuntu-22.04", "latest", "")),
    gcpImage: fc.oneof(nonText, fc.constantFrom<unknown>("my-project/app", "app", "", "projects//x")),
    azureImageId: fc.oneof(nonText, fc.constantFrom<unknown>("/subscriptions/x", "not-an-id", "")),
    script: fc.oneof(
        nonText,
        fc.constantFrom<unknown>("#!/bin/bash\nif then fi (\n", "#!/usr/bin/python3\nprint(1)\n"),
    ),
    script64: fc.oneof(
        nonText,
        fc.constantFrom<unknown>(
            b64("#!/bin/bash\nif then fi (\n"),
            Buffer.from([0, 1, 2, 250, 251, 7, 8, 9]).toString("base64"),
        ),
    ),
    /** Boot script fields as the secret detector reads them (any text is readable there). */
    secretScript: nonText,
    json: fc.constantFrom<unknown>("not json", "[1]", "[[]]", true, [[]], 42),
    slot: fc.oneof(nonText, fc.constantFrom<unknown>("purple", "", "BLUEISH")),
    version: fc.oneof(nonText, fc.constantFrom<unknown>("latest-ish", "v3", "")),
    lifetime: fc.oneof(nonText, fc.constantFrom<unknown>("forever", "1.5h", "")),
    urn: fc.constantFrom<unknown>("not-a-urn", "", "urn:pulumi:"),
};
type Kind = keyof typeof KINDS;

/** One judged field: its path in the inputs (a `JSON` segment: the value there is JSON text), and its kind. */
type Field = [path: Array<string | number>, kind: Kind];
/** A violating resource and its judged fields. */
interface Case {
    props: Record<string, unknown>;
    fields: Field[];
}

const JSON_TEXT = "$json";

/** Sets `value` at `path` in a deep copy of `props` (JSON text segments are parsed, set, and written back). */
function mutate(props: unknown, path: Array<string | number>, value: unknown): unknown {
    if (path.length === 0) {
        return value;
    }
    const [head, ...rest] = path;
    if (head === JSON_TEXT) {
        return JSON.stringify(mutate(JSON.parse(props as string), rest, value));
    }
    const copy: any = Array.isArray(props)
        ? [...props]
        : props === undefined && typeof head === "number"
          ? []
          : { ...(props as object) };
    copy[head] = mutate(copy[head], rest, value);
    return copy;
}

// ---- violating fixtures, by type ----------------------------------------------------------------------------
const T = {
    sg: "aws:ec2/securityGroup:SecurityGroup",
    defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    sgr: "aws:ec2/securityGroupRule:SecurityGroupRule",
    vpcIn: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    lsPorts: "aws:lightsail/instancePublicPorts:InstancePublicPorts",
    fw: "gcp:compute/firewall:Firewall",
    nsg: "azure-native:network:NetworkSecurityGroup",
    rule: "azure-native:network:SecurityRule",
    adminRule: "azure-native:network:AdminRule",
};
const GCP_POLICY_RULES = [
    "gcp:compute/firewallPolicyRule:FirewallPolicyRule",
    "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule",
    "gcp:compute/regionNetworkFirewallPolicyRule:RegionNetworkFirewallPolicyRule",
];
const GCP_POLICIES_WITH_RULES = [
    "gcp:compute/firewallPolicyWithRules:FirewallPolicyWithRules",
    "gcp:compute/networkFirewallPolicyWithRules:NetworkFirewallPolicyWithRules",
    "gcp:compute/regionNetworkFirewallPolicyWithRules:RegionNetworkFirewallPolicyWithRules",
];
const AWS_INSTANCES = ["aws:ec2/instance:Instance", "aws:ec2/spotInstanceRequest:SpotInstanceRequest"];
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const LC = "aws:ec2/launchConfiguration:LaunchConfiguration";
const SPOT_FLEET = "aws:ec2/spotFleetRequest:SpotFleetRequest";
const EC2_FLEET = "aws:ec2/fleet:Fleet";
const ASG = "aws:autoscaling/group:Group";
const GCE = "gcp:compute/instance:Instance";
const FROM_TEMPLATE = "gcp:compute/instanceFromTemplate:InstanceFromTemplate";
const FROM_IMAGE = "gcp:compute/instanceFromMachineImage:InstanceFromMachineImage";
const GCP_TEMPLATES = [
    "gcp:compute/instanceTemplate:InstanceTemplate",
    "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
];
const PER_INSTANCE = [
    "gcp:compute/perInstanceConfig:PerInstanceConfig",
    "gcp:compute/regionPerInstanceConfig:RegionPerInstanceConfig",
];
const ZONE = "gcp:compute/instanceSettings:InstanceSettings";
const PROJECT = "gcp:compute/projectMetadata:ProjectMetadata";
const ITEM = "gcp:compute/projectMetadataItem:ProjectMetadataItem";
const MIGS = [
    "gcp:compute/instanceGroupManager:InstanceGroupManager",
    "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
];
const VM = "azure-native:compute:VirtualMachine";
const VMSS = "azure-native:compute:VirtualMachineScaleSet";
const VMSS_VM = "azure-native:compute:VirtualMachineScaleSetVM";
const EXTENSIONS = [
    "azure-native:compute:VirtualMachineExtension",
    "azure-native:compute:VirtualMachineScaleSetExtension",
    "azure-native:compute:VirtualMachineScaleSetVMExtension",
];
const ECS = "aws:ecs/taskDefinition:TaskDefinition";
const DAEMON = "aws:ecs/daemonTaskDefinition:DaemonTaskDefinition";
const BATCH = "aws:batch/jobDefinition:JobDefinition";
const RUN2 = ["gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/workerPool:WorkerPool"];
const RUN2_JOB = "gcp:cloudrunv2/job:Job";
const RUN1 = "gcp:cloudrun/service:Service";
const APPS = ["azure-native:app:ContainerApp", "azure-native:app:Job"];
const ACI = "azure-native:containerinstance:ContainerGroup";

const INSTALL = "#!/bin/bash\napt-get install -y nginx\n";
const SECRET_SCRIPT = "#!/bin/sh\nexport DB_PASSWORD=hunter2\n";

/** Where each boot-script type keeps one script: [path, kind of the API's encoding]. */
function bootField(type: string): [Array<string | number>, boolean] | undefined {
    if (AWS_INSTANCES.includes(type) || type === LC || type === "aws:lightsail/instance:Instance")
        return [["userData"], false];
    if (type === LT) return [["userData"], true];
    if (type === SPOT_FLEET) return [["launchSpecifications", 0, "userData"], false];
    if ([GCE, FROM_TEMPLATE, FROM_IMAGE, ...GCP_TEMPLATES, PROJECT].includes(type))
        return [["metadata", "startup-script"], false];
    if (PER_INSTANCE.includes(type)) return [["preservedState", "metadata", "startup-script"], false];
    if (type === ZONE) return [["metadata", "items", "startup-script"], false];
    if (type === ITEM) return [["value"], false];
    if (type === VM || type === VMSS_VM) return [["osProfile", "customData"], true];
    if (type === VMSS) return [["virtualMachineProfile", "osProfile", "customData"], true];
    if (EXTENSIONS.includes(type)) return [["settings", "commandToExecute"], false];
    return undefined;
}

function bootCase(type: string, script: string, scriptKind: "boot" | "secret"): Case {
    const [path, base64] = bootField(type)!;
    let props = mutate(type === ITEM ? { key: "startup-script" } : {}, path, base64 ? b64(script) : script) as Record<
        string,
        unknown
    >;
    if (EXTENSIONS.includes(type)) {
        props = { ...props, publisher: "Microsoft.Azure.Extensions", type: "CustomScript" };
    }
    const kind: Kind = scriptKind === "secret" ? "secretScript" : base64 ? "script64" : "script";
    const extra: Field[] =
        type === ITEM
            ? [[["key"], "text"]]
            : EXTENSIONS.includes(type)
              ? [
                    [["type"], "text"],
                    [["settings"], "object"],
                ]
              : path[0] === "metadata" || path[0] === "preservedState"
                ? [[path.slice(0, -1), "object"]]
                : [];
    return { props, fields: [[path, kind], ...extra] };
}

const ecsProps = (c: Record<string, unknown>) => ({
    family: "f",
    containerDefinitions: JSON.stringify([{ name: "app", image: `a/b@${DIGEST}`, readonlyRootFilesystem: true, ...c }]),
});
/** A container case for a platform: `container` merged into its one container; fields relative to it. */
function containerCase(
    type: string,
    container: Record<string, unknown>,
    fields: Array<[Array<string | number>, Kind]>,
): Case {
    const at = (p: Array<string | number>): Array<string | number> => {
        if (type === ECS) return ["containerDefinitions", JSON_TEXT, 0, ...p];
        if (type === DAEMON) return ["containerDefinitions", 0, ...p];
        if (type === BATCH) return ["containerProperties", JSON_TEXT, ...p];
        if (RUN2.includes(type)) return ["template", "containers", 0, ...p];
        if (type === RUN2_JOB) return ["template", "template", "containers", 0, ...p];
        if (type === RUN1) return ["template", "spec", "containers", 0, ...p];
        if (APPS.includes(type)) return ["template", "containers", 0, ...p];
        return ["containers", 0, ...p]; // ACI
    };
    const base = { name: "app", image: `a/b@${DIGEST}`, readonlyRootFilesystem: true, ...container };
    let props: Record<string, unknown> = {};
    if (type === ECS) props = ecsProps(container);
    else if (type === BATCH) props = { type: "container", containerProperties: JSON.stringify(base) };
    else props = mutate({}, at([]), base) as Record<string, unknown>;
    const json: Field[] =
        type === ECS ? [[["containerDefinitions"], "json"]] : type === BATCH ? [[["containerProperties"], "json"]] : [];
    return { props, fields: [...fields.map(([p, k]) => [at(p), k] as Field), ...json] };
}

/** The env field name of a platform. */
function envKey(type: string): string {
    if (type === ECS || type === BATCH) return "environment";
    if (type === DAEMON) return "environments";
    if (APPS.includes(type)) return "env";
    if (type === ACI) return "environmentVariables";
    return "envs";
}

function ingressCase(type: string): Case {
    const tcp22 = { protocol: "tcp", fromPort: 22, toPort: 22 };
    switch (type) {
        case T.sg:
        case T.defaultSg:
            return {
                props: { ingress: [{ ...tcp22, cidrBlocks: ["0.0.0.0/0"] }] },
                fields: [
                    [["ingress", 0], "object"],
                    [["ingress", 0, "protocol"], "protocol"],
                    [["ingress", 0, "fromPort"], "port"],
                    [["ingress", 0, "toPort"], "port"],
                    [["ingress", 0, "cidrBlocks", 0], "source"],
                ],
            };
        case T.sgr:
            return {
                props: { type: "ingress", ...tcp22, cidrBlocks: ["0.0.0.0/0"] },
                fields: [
                    [["type"], "enum"],
                    [["protocol"], "protocol"],
                    [["fromPort"], "port"],
                    [["toPort"], "port"],
                    [["cidrBlocks", 0], "source"],
                ],
            };
        case T.vpcIn:
            return {
                props: { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" },
                fields: [
                    [["ipProtocol"], "protocol"],
                    [["fromPort"], "port"],
                    [["toPort"], "port"],
                    [["cidrIpv4"], "source"],
                ],
            };
        case T.lsPorts:
            return {
                props: { portInfos: [{ ...tcp22, cidrs: ["0.0.0.0/0"] }] },
                fields: [
                    [["portInfos", 0], "object"],
                    [["portInfos", 0, "protocol"], "protocol"],
                    [["portInfos", 0, "fromPort"], "port"],
                    [["portInfos", 0, "cidrs", 0], "source"],
                ],
            };
        case T.fw:
            return {
                props: {
                    direction: "INGRESS",
                    allows: [{ protocol: "tcp", ports: ["22"] }],
                    sourceRanges: ["0.0.0.0/0"],
                },
                fields: [
                    [["direction"], "enum"],
                    [["allows", 0], "object"],
                    [["allows", 0, "protocol"], "protocol"],
                    [["allows", 0, "ports", 0], "port"],
                    [["sourceRanges", 0], "source"],
                ],
            };
        case T.nsg:
        case T.rule: {
            const rule = {
                access: "Allow",
                direction: "Inbound",
                protocol: "Tcp",
                destinationPortRange: "22",
                sourceAddressPrefix: "*",
            };
            const p = type === T.nsg ? ["securityRules", 0] : [];
            return {
                props: type === T.nsg ? { securityRules: [rule] } : rule,
                fields: (
                    ["access", "direction", "protocol", "destinationPortRange", "sourceAddressPrefix"] as const
                ).map(
                    (f) =>
                        [
                            [...p, f],
                            (
                                {
                                    access: "enum",
                                    direction: "enum",
                                    protocol: "protocol",
                                    destinationPortRange: "port",
                                    sourceAddressPrefix: "source",
                                } as const
                            )[f],
                        ] as Field,
                ),
            };
        }
        case T.adminRule:
            return {
                props: {
                    access: "AlwaysAllow",
                    direction: "Inbound",
                    protocol: "Tcp",
                    destinationPortRanges: ["22"],
                    sources: [{ addressPrefix: "Internet", addressPrefixType: "ServiceTag" }],
                },
                fields: [
                    [["access"], "enum"],
                    [["direction"], "enum"],
                    [["protocol"], "protocol"],
                    [["destinationPortRanges", 0], "port"],
                    [["sources", 0, "addressPrefix"], "source"],
                ],
            };
        default: {
            const rule = {
                action: "allow",
                direction: "INGRESS",
                priority: 1,
                match: { srcIpRanges: ["0.0.0.0/0"], layer4Configs: [{ ipProtocol: "tcp", ports: ["22"] }] },
            };
            const p = GCP_POLICIES_WITH_RULES.includes(type) ? ["rules", 0] : [];
            return {
                props: p.length ? { rules: [rule] } : rule,
                fields: [
                    [[...p, "action"], "enum"],
                    [[...p, "direction"], "enum"],
                    [[...p, "match", "srcIpRanges", 0], "source"],
                    [[...p, "match", "layer4Configs", 0, "ipProtocol"], "protocol"],
                    [[...p, "match", "layer4Configs", 0, "ports", 0], "port"],
                ],
            };
        }
    }
}

function metadataCase(type: string, key: string, value: string, kind: Kind, extra: Record<string, string> = {}): Case {
    if (type === ITEM) {
        return {
            props: { key, value },
            fields: [
                [["key"], "text"],
                [["value"], kind],
            ],
        };
    }
    const path =
        type === ZONE
            ? ["metadata", "items"]
            : PER_INSTANCE.includes(type)
              ? ["preservedState", "metadata"]
              : ["metadata"];
    return {
        props: mutate(type === FROM_TEMPLATE ? { sourceInstanceTemplate: "t" } : {}, path, {
            [key]: value,
            ...extra,
        }) as Record<string, unknown>,
        fields: [
            [path, "object"],
            [[...path, key], kind],
        ],
    };
}

const TAG = { "image-version": "42" };

/** The violating case of `rule` for `type`. */
function caseOf(rule: string, type: string): Case | undefined {
    switch (rule) {
        case "admin-ingress-forbid":
            return ingressCase(type);
        case "key-pair-forbid":
            if (type === SPOT_FLEET)
                return {
                    props: { launchSpecifications: [{ keyName: "ops" }] },
                    fields: [[["launchSpecifications", 0, "keyName"], "text"]],
                };
            if (type === "aws:lightsail/instance:Instance")
                return { props: { keyPairName: "ops" }, fields: [[["keyPairName"], "text"]] };
            if (type === "aws:lightsail/keyPair:KeyPair")
                return { props: { name: "ops" }, fields: [[["name"], "text"]] };
            return { props: { keyName: "ops" }, fields: [[["keyName"], "text"]] };
        case "imdsv2-require":
            if (type === SPOT_FLEET)
                return {
                    props: { launchSpecifications: [{ ami: "ami-1" }] },
                    fields: [[["launchSpecifications"], "text"]],
                };
            return {
                props: { metadataOptions: { httpTokens: "optional" } },
                fields: [
                    [["metadataOptions"], "object"],
                    [["metadataOptions", "httpTokens"], "enum"],
                    [["metadataOptions", "httpEndpoint"], "enum"],
                ],
            };
        case "metadata-ssh-keys-forbid":
            return metadataCase(type, "ssh-keys", "ops:ssh-ed25519 AAAA", "value", {
                "block-project-ssh-keys": "true",
            });
        case "project-ssh-keys-forbid": {
            const c = metadataCase(type, "block-project-ssh-keys", "false", "metadataBool");
            return { ...c, fields: [...c.fields, [["metadata", "enable-oslogin"], "metadataBool"]] };
        }
        case "serial-port-forbid":
            return metadataCase(type, "serial-port-enable", "true", "metadataBool");
        case "password-auth-forbid": {
            const p = type === VMSS ? ["virtualMachineProfile", "osProfile"] : ["osProfile"];
            return {
                props: mutate({}, p, {
                    adminUsername: "a",
                    linuxConfiguration: { disablePasswordAuthentication: false },
                }) as Record<string, unknown>,
                fields: [
                    [p, "object"],
                    [[...p, "linuxConfiguration", "disablePasswordAuthentication"], "bool"],
                ],
            };
        }
        case "ecs-exec-forbid":
            return { props: { enableExecuteCommand: true }, fields: [[["enableExecuteCommand"], "bool"]] };
        case "in-place-change-forbid":
            if (type === "command:remote:Command")
                return {
                    props: { connection: { host: "h" }, create: "apt-get install -y x" },
                    fields: [[["create"], "text"]],
                };
            if (type === "command:local:Command")
                return { props: { create: "ansible-playbook site.yml" }, fields: [[["create"], "script"]] };
            if (type === "aws:ssm/association:Association")
                return { props: { name: "AWS-RunShellScript" }, fields: [[["name"], "text"]] };
            if (type === "gcp:osconfig/osPolicyAssignment:OsPolicyAssignment")
                return {
                    props: { osPolicies: [{ mode: "ENFORCEMENT" }] },
                    fields: [[["osPolicies", 0, "mode"], "enum"]],
                };
            if (type.endsWith("RunCommand") || type.endsWith("RunCommandByVirtualMachine"))
                return {
                    props: { source: { script: "apt-get install -y x" } },
                    fields: [[["source", "script"], "text"]],
                };
            return {
                props: { connection: { host: "h" }, localPath: "a", remotePath: "/b" },
                fields: [[["localPath"], "text"]],
            };
        case "image-digest-require":
            return containerCase(type, { image: "nginx:latest" }, [[["image"], "image"]]);
        case "registry-tag-immutability-require":
            if (type === "aws:ecr/repository:Repository")
                return { props: { imageTagMutability: "MUTABLE" }, fields: [[["imageTagMutability"], "enum"]] };
            return {
                props: { format: "DOCKER", dockerConfig: { immutableTags: false } },
                fields: [
                    [["format"], "enum"],
                    [["mode"], "enum"],
                    [["dockerConfig", "immutableTags"], "bool"],
                ],
            };
        case "golden-image-require":
            if (AWS_INSTANCES.includes(type))
                return { props: { ami: "resolve:ssm:/x", tags: TAG }, fields: [[["ami"], "ami"]] };
            if (type === LT || type === LC)
                return { props: { imageId: "resolve:ssm:/x", tags: TAG }, fields: [[["imageId"], "ami"]] };
            if (type === SPOT_FLEET)
                return {
                    props: { launchSpecifications: [{ ami: "resolve:ssm:/x", tags: TAG }] },
                    fields: [[["launchSpecifications", 0, "ami"], "ami"]],
                };
            if (type === GCE || type === FROM_TEMPLATE)
                return {
                    props: { bootDisk: { initializeParams: { image: "family/app" } }, labels: TAG },
                    fields: [[["bootDisk", "initializeParams", "image"], "gcpImage"]],
                };
            if (type === FROM_IMAGE) return { props: { sourceMachineImage: "m" }, fields: [[["labels"], "text"]] };
            if (GCP_TEMPLATES.includes(type))
                return {
                    props: { disks: [{ boot: true, sourceImage: "family/app" }], labels: TAG },
                    fields: [[["disks", 0, "sourceImage"], "gcpImage"]],
                };
            {
                const p = type === VMSS ? ["virtualMachineProfile", "storageProfile"] : ["storageProfile"];
                const id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/app";
                return {
                    props: { ...(mutate({}, p, { imageReference: { id } }) as object), tags: TAG },
                    fields: [[[...p, "imageReference", "id"], "azureImageId"]],
                };
            }
        case "boot-install-forbid":
            return bootCase(type, INSTALL, "boot");
        case "plaintext-secret-forbid":
            if (bootField(type)) return bootCase(type, SECRET_SCRIPT, "secret");
            return containerCase(type, { [envKey(type)]: [{ name: "DB_PASSWORD", value: "hunter2" }] }, [
                [[envKey(type), 0], "object"],
                [[envKey(type), 0, "value"], "value"],
            ]);
        case "container-readonly-root-require":
            return containerCase(type, { readonlyRootFilesystem: false }, [[["readonlyRootFilesystem"], "bool"]]);
        case "container-privileged-forbid":
            return containerCase(type, { privileged: true }, [[["privileged"], "bool"]]);
        case "container-root-user-forbid":
            return containerCase(type, { user: "root" }, [[["user"], "text"]]);
        case "instance-lifetime-require":
            return {
                props: { launchTemplate: { id: "lt", version: "3" } },
                fields: [[["maxInstanceLifetime"], "lifetime"]],
            };
        case "rolling-replacement-require":
            if (type === ASG) return { props: {}, fields: [[["instanceRefresh"], "text"]] };
            if (MIGS.includes(type))
                return {
                    props: { updatePolicy: { type: "OPPORTUNISTIC" } },
                    fields: [
                        [["updatePolicy"], "object"],
                        [["updatePolicy", "type"], "enum"],
                    ],
                };
            return { props: { upgradePolicy: { mode: "Manual" } }, fields: [[["upgradePolicy", "mode"], "enum"]] };
        case "floating-launch-template-forbid":
            if (type === ASG)
                return {
                    props: { launchTemplate: { id: "lt", version: "$Latest" } },
                    fields: [[["launchTemplate", "version"], "version"]],
                };
            return {
                props: { launchTemplateConfigs: [{ launchTemplateSpecification: { id: "lt", version: "$Latest" } }] },
                fields: [[["launchTemplateConfigs", 0, "launchTemplateSpecification", "version"], "version"]],
            };
        case "instance-state-forbid":
            if (type === LT)
                return {
                    props: { blockDeviceMappings: [{ deviceName: "/dev/sdf", ebs: { volumeSize: 10 } }] },
                    fields: [
                        [["blockDeviceMappings", 0], "object"],
                        [["blockDeviceMappings", 0, "ebs"], "object"],
                        [["blockDeviceMappings", 0, "deviceName"], "text"],
                    ],
                };
            if (MIGS.includes(type))
                return { props: { statefulDisks: [{ deviceName: "d" }] }, fields: [[["statefulDisks"], "text"]] };
            if (PER_INSTANCE.includes(type))
                return {
                    props: { preservedState: { disks: [{ deviceName: "d" }] } },
                    fields: [[["preservedState", "disks"], "text"]],
                };
            return {
                props: { virtualMachineProfile: { storageProfile: { dataDisks: [{ lun: 0 }] } } },
                fields: [[["virtualMachineProfile", "storageProfile", "dataDisks"], "text"]],
            };
        default:
            return undefined;
    }
}

/** Judges one resource with a resource rule: true when it reports or throws (never clean). */
function rejected(rule: ResourceRule<any>, type: string, props: Record<string, unknown>): boolean {
    let reported = false;
    try {
        rule.validate(type, JSON.parse(JSON.stringify(props)), rule.defaults, () => (reported = true));
    } catch {
        return true; // the evaluator lists the resource as not judged
    }
    return reported;
}

/** Some judged fields with unreadable values, deepest first (so a parent set to a non-object stays one). */
function fieldsArb(fields: Field[]) {
    return fc
        .subarray(fields, { minLength: 1 })
        .chain((chosen) => fc.tuple(...chosen.map(([path, kind]) => KINDS[kind].map((v) => [path, v] as const))))
        .map((sets) => [...sets].sort((a, b) => b[0].length - a[0].length));
}

describe("fail closed (property-based): unreadable judged fields never make a violating resource clean", () => {
    const resourceRules = RULES.filter((r): r is ResourceRule<any> => r.kind === "resource");
    for (const rule of resourceRules) {
        for (const type of rule.resourceTypes) {
            it(`${rule.name} on ${type}`, () => {
                const c = caseOf(rule.name, type);
                assert.ok(
                    c,
                    `test/policy/failClosed.property.spec.ts has no violating case of ${rule.name} for ${type}`,
                );
                assert.ok(
                    rejected(rule, type, c.props),
                    `the case of ${rule.name} for ${type} must violate: ${JSON.stringify(c.props)}`,
                );
                fc.assert(
                    fc.property(fieldsArb(c.fields), (sets) => {
                        let props = c.props as unknown;
                        for (const [path, value] of sets) {
                            props = mutate(props, path, value);
                        }
                        assert.ok(
                            rejected(rule, type, props as Record<string, unknown>),
                            `clean after ${JSON.stringify(sets)}`,
                        );
                    }),
                    { numRuns: 40 },
                );
            });
        }
    }

    // Stack rules: the drift rule reads slot labels and images; the build rule reads the stack name in the URN.
    const stackResource = (type: string, props: Record<string, unknown>, urn: string): StackResource => ({
        urn,
        type,
        name: urn.split("::").pop()!,
        props,
        dependencies: [],
        propertyDependencies: {},
    });
    const stackRejected = (rule: StackRule<any>, resources: StackResource[]) => {
        let reported = false;
        try {
            rule.validateStack(resources, rule.defaults, () => (reported = true));
        } catch {
            return true;
        }
        return reported;
    };
    const drift = RULES.find((r) => r.name === "image-digest-drift-forbid") as StackRule<any>;
    it(`image-digest-drift-forbid on every container service type (${drift.resourceTypes.length})`, () => {
        for (const type of drift.resourceTypes) {
            const green = (digest: string): Record<string, unknown> => {
                const c = containerCase(type, { image: `1.dkr.ecr.us-east-1.amazonaws.com/api@${digest}` }, []);
                const labels = type === ECS ? { tags: { "immutable:slot": "green" } } : {};
                const tmpl = type.startsWith("gcp:cloudrunv2")
                    ? { template: { ...(c.props.template as object), labels: { "immutable-slot": "green" } } }
                    : {};
                const run1 =
                    type === RUN1
                        ? {
                              template: {
                                  ...(c.props.template as object),
                                  metadata: { labels: { "immutable-slot": "green" } },
                              },
                          }
                        : {};
                const azure = APPS.includes(type) ? { tags: { "immutable-slot": "green" } } : {};
                return { ...c.props, ...labels, ...tmpl, ...run1, ...azure };
            };
            const base = green(DIGEST2);
            const other = stackResource(ECS, green(DIGEST) as never, "urn:pulumi:dev::p::t::other");
            // The other resource is an ECS green slot on DIGEST; `base` runs DIGEST2 in the same slot: a violation.
            Object.assign(
                other.props,
                { tags: { "immutable:slot": "green" } },
                ecsProps({ image: `1.dkr.ecr.us-east-1.amazonaws.com/api@${DIGEST}` }),
            );
            const slotPath =
                type === ECS
                    ? ["tags", "immutable:slot"]
                    : type === RUN1
                      ? ["template", "metadata", "labels", "immutable-slot"]
                      : type.startsWith("gcp:")
                        ? ["template", "labels", "immutable-slot"]
                        : ["tags", "immutable-slot"];
            const imagePath = containerCase(type, {}, [[["image"], "image"]]).fields[0][0];
            assert.ok(
                stackRejected(drift, [other, stackResource(type, base, "urn:pulumi:dev::p::t::r")]),
                `${type} case must violate`,
            );
            fc.assert(
                fc.property(
                    fieldsArb([
                        [slotPath, "slot"],
                        [imagePath, "image"],
                    ]),
                    (sets) => {
                        let props = base as unknown;
                        for (const [path, value] of sets) {
                            props = mutate(props, path, value);
                        }
                        assert.ok(
                            stackRejected(drift, [
                                other,
                                stackResource(type, props as never, "urn:pulumi:dev::p::t::r"),
                            ]),
                            `${type}: clean after ${JSON.stringify(sets)}`,
                        );
                    },
                ),
                { numRuns: 30 },
            );
        }
    });
    const build = RULES.find((r) => r.name === "environment-image-build-forbid") as StackRule<any>;
    it(`environment-image-build-forbid on every image build type (${build.resourceTypes.length})`, () => {
        for (const type of build.resourceTypes) {
            fc.assert(
                fc.property(KINDS.urn, (urn) => {
                    assert.ok(
                        stackRejected(build, [stackResource(type, {}, String(urn))]),
                        `${type}: clean with urn ${JSON.stringify(urn)}`,
                    );
                }),
            );
        }
    });
});
