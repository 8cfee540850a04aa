/**
 * Synthetic `pulumi stack export` documents of any size, of mixed resource types across the three clouds
 * (compliant and non-compliant shapes alike), for the audit benchmark.
 */
const SECRET = {
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    ciphertext: "v1:c2FsdA==:v1:bm9uY2U=:Y2lwaGVydGV4dA==",
};
const DIGEST = `sha256:${"4e".repeat(32)}`;

type Template = (
    i: number,
    parent: string,
    provider: Record<string, string>,
) => { type: string; name: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> };

const TEMPLATES: Template[] = [
    (i) => ({
        type: "aws:ec2/securityGroup:SecurityGroup",
        name: `sg-${i}`,
        inputs: {
            description: "web",
            ingress: [
                {
                    protocol: "tcp",
                    fromPort: i % 7 === 0 ? 22 : 443,
                    toPort: i % 7 === 0 ? 22 : 443,
                    cidrBlocks: ["0.0.0.0/0"],
                },
            ],
            egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        },
        outputs: { id: `sg-${i}`, arn: `arn:aws:ec2:us-east-1:123456789012:security-group/sg-${i}` },
    }),
    (i) => ({
        type: "aws:ecs/taskDefinition:TaskDefinition",
        name: `task-${i}`,
        inputs: {
            family: `task-${i}`,
            cpu: "256",
            memory: "512",
            networkMode: "awsvpc",
            requiresCompatibilities: ["FARGATE"],
            containerDefinitions: JSON.stringify([
                {
                    name: "app",
                    image: i % 5 === 0 ? "nginx:latest" : `123456789012.dkr.ecr.us-east-1.amazonaws.com/app@${DIGEST}`,
                    readonlyRootFilesystem: true,
                    user: "1000",
                    essential: true,
                    portMappings: [{ containerPort: 8080 }],
                },
            ]),
        },
        outputs: { arn: `arn:aws:ecs:us-east-1:123456789012:task-definition/task-${i}:1`, revision: 1 },
    }),
    (i) => ({
        type: "aws:s3/bucket:Bucket",
        name: `bucket-${i}`,
        inputs: { bucket: `bucket-${i}`, tags: { team: "web" } },
        outputs: { arn: `arn:aws:s3:::bucket-${i}` },
    }),
    (i) => ({
        type: "aws:ec2/instance:Instance",
        name: `vm-${i}`,
        inputs: {
            ami: "ami-0123456789abcdef0",
            instanceType: "t3.micro",
            keyName: i % 3 === 0 ? "ops" : undefined,
            userData: i % 4 === 0 ? "#!/bin/bash\napt-get update && apt-get install -y nginx\n" : undefined,
            metadataOptions: { httpTokens: "required" },
        },
        outputs: { id: `i-${i}` },
    }),
    (i) => ({
        type: "aws:ssm/parameter:Parameter",
        name: `param-${i}`,
        inputs: { name: `/app/${i}`, type: "SecureString", value: SECRET },
        outputs: { value: SECRET },
    }),
    (i) => ({
        type: "gcp:compute/firewall:Firewall",
        name: `fw-${i}`,
        inputs: {
            network: "default",
            direction: "INGRESS",
            sourceRanges: ["0.0.0.0/0"],
            allows: [{ protocol: "tcp", ports: [i % 6 === 0 ? "22" : "443"] }],
        },
        outputs: { selfLink: `https://www.googleapis.com/compute/v1/projects/p/global/firewalls/fw-${i}` },
    }),
    (i) => ({
        type: "gcp:cloudrunv2/service:Service",
        name: `run-${i}`,
        inputs: {
            location: "us-central1",
            template: { containers: [{ image: `us-central1-docker.pkg.dev/p/r/app@${DIGEST}` }] },
            traffics: [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }],
        },
        outputs: { uri: `https://run-${i}-uc.a.run.app` },
    }),
    (i) => ({
        type: "gcp:compute/instance:Instance",
        name: `gce-${i}`,
        inputs: {
            machineType: "e2-small",
            zone: "us-central1-a",
            bootDisk: { initializeParams: { image: "debian-cloud/debian-12" } },
            networkInterfaces: [{ network: "default" }],
            metadata: i % 5 === 0 ? { "ssh-keys": "ops:ssh-ed25519 AAAA ops" } : {},
        },
        outputs: { id: `gce-${i}` },
    }),
    (i) => ({
        type: "azure-native:network:NetworkSecurityGroup",
        name: `nsg-${i}`,
        inputs: {
            resourceGroupName: "rg",
            securityRules: [
                {
                    name: "rdp",
                    priority: 100,
                    direction: "Inbound",
                    access: "Allow",
                    protocol: "Tcp",
                    sourceAddressPrefix: i % 4 === 0 ? "Internet" : "10.0.0.0/8",
                    sourcePortRange: "*",
                    destinationAddressPrefix: "*",
                    destinationPortRange: "3389",
                },
            ],
        },
        outputs: {
            id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-${i}`,
        },
    }),
    (i) => ({
        type: "azure-native:app:ContainerApp",
        name: `app-${i}`,
        inputs: {
            resourceGroupName: "rg",
            template: { containers: [{ name: "app", image: `acr.azurecr.io/app@${DIGEST}` }] },
            configuration: {
                activeRevisionsMode: "Multiple",
                ingress: { external: true, targetPort: 8080, traffic: [{ latestRevision: true, weight: 100 }] },
            },
        },
        outputs: { latestRevisionFqdn: `app-${i}.example.azurecontainerapps.io` },
    }),
];

/** A `pulumi stack export` (checkpoint version 3) with `count` resources: stack, providers, components and a mix. */
export function syntheticExport(count: number, stack = "bench"): unknown {
    const urn = (type: string, name: string, parentType?: string) =>
        `urn:pulumi:${stack}::legacy::${parentType ? `${parentType}$` : ""}${type}::${name}`;
    const stackUrn = urn("pulumi:pulumi:Stack", `legacy-${stack}`);
    const providers: Record<string, string> = {};
    const resources: unknown[] = [{ urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: {} }];
    for (const pkg of ["aws", "gcp", "azure-native"]) {
        const purn = urn(`pulumi:providers:${pkg}`, "default");
        providers[pkg] = `${purn}::${pkg}-provider-id`;
        resources.push({
            urn: purn,
            custom: true,
            id: `${pkg}-provider-id`,
            type: `pulumi:providers:${pkg}`,
            inputs: { version: "1.0.0" },
            outputs: { version: "1.0.0" },
            parent: stackUrn,
        });
    }
    let component = stackUrn;
    for (let i = 0; resources.length < count; i++) {
        if (i % 20 === 0) {
            component = urn("acme:index:Service", `svc-${i}`);
            resources.push({
                urn: component,
                custom: false,
                type: "acme:index:Service",
                parent: stackUrn,
                outputs: {},
            });
            continue;
        }
        const r = TEMPLATES[i % TEMPLATES.length](i, component, providers);
        const pkg = r.type.split(":")[0];
        resources.push({
            urn: urn(r.type, r.name, "acme:index:Service"),
            custom: true,
            id: `${r.name}-id`,
            type: r.type,
            inputs: JSON.parse(JSON.stringify(r.inputs)),
            outputs: { ...JSON.parse(JSON.stringify(r.inputs)), ...r.outputs },
            parent: component,
            provider: providers[pkg],
            dependencies: [component],
            propertyDependencies: {},
            created: "2026-01-01T00:00:00.000Z",
            modified: "2026-01-01T00:00:00.000Z",
        });
    }
    return {
        version: 3,
        deployment: {
            manifest: { time: "2026-01-01T00:00:00Z", magic: "bench", version: "v3.207.0" },
            secrets_providers: { type: "passphrase", state: {} },
            resources,
        },
    };
}
