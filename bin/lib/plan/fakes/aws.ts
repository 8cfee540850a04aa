/**
 * AWS (@pulumi/aws): ids, ARNs, names, URLs and DNS names a real provider computes, and the data sources
 * programs commonly call. Id prefixes and ARN formats follow the AWS documentation
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html, and each service's "Resource types"
 * page of https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 */
import { parseToken } from "./common";
import type { CallFake, FakeContext, OutputPattern, Outputs, ResourceFake } from "./common";
import { FAKE_TIME, autoName, privateIp, publicIp, secret, stableBase64, stableHash, stableUuid } from "./stable";

/** A data source's name when it is looked up by ARN: the ARN's last `separator`-separated part ("mock" without one). */
function lastPart(arn: unknown, separator: string): string | undefined {
    return String(arn ?? "mock")
        .split(separator)
        .pop();
}

/** Physical id prefixes of EC2-style resources (`vpc-0123...`). */
const ID_PREFIX: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "sgrule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
    "aws:ec2/instance:Instance": "i",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": "eigw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
    "aws:ec2/networkInterface:NetworkInterface": "eni",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/volume:Volume": "vol",
    "aws:ebs/volume:Volume": "vol",
    "aws:ec2/networkAcl:NetworkAcl": "acl",
    "aws:ec2transitgateway/transitGateway:TransitGateway": "tgw",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/ami:Ami": "ami",
    "aws:ec2/amiCopy:AmiCopy": "ami",
    "aws:ec2/amiFromInstance:AmiFromInstance": "ami",
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": "pcx",
    "aws:ec2/keyPair:KeyPair": "key",
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": "sir",
    "aws:ec2/vpnGateway:VpnGateway": "vgw",
    "aws:ec2/customerGateway:CustomerGateway": "cgw",
    "aws:ec2/vpcDhcpOptions:VpcDhcpOptions": "dopt",
    "aws:efs/fileSystem:FileSystem": "fs",
    "aws:efs/mountTarget:MountTarget": "fsmt",
    "aws:ebs/snapshot:Snapshot": "snap",
};

/** The ARN service of a module when it is not the module's name. */
const ARN_SERVICE: Record<string, string> = {
    lb: "elasticloadbalancing",
    alb: "elasticloadbalancing",
    elb: "elasticloadbalancing",
    cloudwatch: "logs",
    cognito: "cognito-idp",
    vpc: "ec2",
    ebs: "ec2",
    ec2transitgateway: "ec2",
    apigateway: "apigateway",
    sfn: "states",
    cfg: "config",
    appautoscaling: "application-autoscaling",
    elasticsearch: "es",
    opensearch: "es",
    msk: "kafka",
    cloudfront: "cloudfront",
};

/** Services whose ARNs carry no region (global) or no account. */
const GLOBAL = new Set(["iam", "cloudfront", "route53", "organizations", "waf", "s3"]);

/** `aws:ec2/launchTemplate:LaunchTemplate` → `launch-template`. */
function kebab(resource: string): string {
    return resource.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/** The resource's name: its `name` input, else Pulumi's auto-name. */
function nameOf(name: string, inputs: Record<string, any>): string {
    return typeof inputs.name === "string" ? inputs.name : autoName(name);
}

/** A plausible ARN for any AWS resource type. */
export function awsArn(type: string, name: string, inputs: Record<string, any>, ctx: FakeContext): string {
    const { module: mod, resource } = parseToken(type);
    const service = ARN_SERVICE[mod] ?? mod;
    const region = GLOBAL.has(service) ? "" : ctx.aws.region;
    const account = service === "s3" ? "" : ctx.aws.accountId;
    const prefix = ID_PREFIX[type];
    const id = prefix ? `${prefix}-${stableHash([type, name], 17)}` : nameOf(name, inputs);
    return `arn:${ctx.aws.partition}:${service}:${region}:${account}:${kebab(resource)}/${id}`;
}

/** The physical id a provider returns for a type (EC2-style prefixed ids, else the resource's name). */
export function awsId(type: string, name: string, inputs: Record<string, any>, ctx: FakeContext): string {
    const prefix = ID_PREFIX[type];
    if (prefix) return `${prefix}-${stableHash([type, name], 17)}`;
    if (/^aws:(lb|alb)\//.test(type)) return awsArn(type, name, inputs, ctx);
    if (/^aws:s3\/bucket(V2)?:/.test(type) && typeof inputs.bucket === "string") return inputs.bucket;
    return nameOf(name, inputs);
}

const elbArn =
    (kind: string): ResourceFake =>
    (name, inputs, ctx) => {
        const lbName = nameOf(name, inputs);
        return {
            name: lbName,
            arn: `arn:${ctx.aws.partition}:elasticloadbalancing:${ctx.aws.region}:${ctx.aws.accountId}:${kind}/${lbName}/${stableHash(name, 16)}`,
        };
    };

/** Computed outputs per resource type. */
export const AWS_RESOURCES: Record<string, ResourceFake> = {
    "aws:s3/bucket:Bucket": (name, inputs, ctx) => {
        const bucket =
            inputs.bucket ?? (inputs.bucketPrefix ? `${inputs.bucketPrefix}${stableHash(name, 12)}` : autoName(name));
        return {
            bucket,
            arn: `arn:${ctx.aws.partition}:s3:::${bucket}`,
            bucketDomainName: `${bucket}.s3.amazonaws.com`,
            bucketRegionalDomainName: `${bucket}.s3.${ctx.aws.region}.amazonaws.com`,
            bucketRegion: ctx.aws.region,
            region: ctx.aws.region,
            hostedZoneId: "Z3AQBSTGFYJSTF",
            websiteEndpoint: `${bucket}.s3-website-${ctx.aws.region}.amazonaws.com`,
            websiteDomain: `s3-website-${ctx.aws.region}.amazonaws.com`,
        };
    },
    "aws:s3/bucketV2:BucketV2": (name, inputs, ctx) => AWS_RESOURCES["aws:s3/bucket:Bucket"](name, inputs, ctx),
    "aws:ecr/repository:Repository": (name, inputs, ctx) => {
        const repo = nameOf(name, inputs);
        return {
            name: repo,
            arn: `arn:${ctx.aws.partition}:ecr:${ctx.aws.region}:${ctx.aws.accountId}:repository/${repo}`,
            registryId: ctx.aws.accountId,
            repositoryUrl: `${ctx.aws.accountId}.dkr.ecr.${ctx.aws.region}.amazonaws.com/${repo}`,
        };
    },
    "aws:lb/loadBalancer:LoadBalancer": (name, inputs, ctx) => {
        const lb = elbArn(`loadbalancer/${inputs.loadBalancerType === "network" ? "net" : "app"}`)(name, inputs, ctx);
        return {
            ...lb,
            arnSuffix: String(lb.arn).split(":loadbalancer/")[1],
            dnsName: `${lb.name}-${stableHash(name, 8)}.${ctx.aws.region}.elb.amazonaws.com`,
            zoneId: "Z35SXDOTRQ7X7K",
        };
    },
    "aws:lb/targetGroup:TargetGroup": (name, inputs, ctx) => {
        const tg = elbArn("targetgroup")(name, inputs, ctx);
        return { ...tg, arnSuffix: String(tg.arn).split(":")[5] };
    },
    "aws:lb/listener:Listener": (name, inputs, ctx) => ({ arn: elbArn(`listener/app/${name}`)(name, inputs, ctx).arn }),
    "aws:lb/listenerRule:ListenerRule": (name, inputs, ctx) => ({
        arn: elbArn(`listener-rule/app/${name}`)(name, inputs, ctx).arn,
    }),
    "aws:ecs/cluster:Cluster": (name, inputs, ctx) => ({
        name: nameOf(name, inputs),
        arn: `arn:${ctx.aws.partition}:ecs:${ctx.aws.region}:${ctx.aws.accountId}:cluster/${nameOf(name, inputs)}`,
    }),
    "aws:ecs/taskDefinition:TaskDefinition": (name, inputs, ctx) => {
        const base = `arn:${ctx.aws.partition}:ecs:${ctx.aws.region}:${ctx.aws.accountId}:task-definition/${inputs.family ?? name}`;
        return { revision: 1, arn: `${base}:1`, arnWithoutRevision: base };
    },
    "aws:ecs/service:Service": (name, inputs) => ({ name: nameOf(name, inputs) }),
    "aws:iam/role:Role": (name, inputs, ctx) => ({
        name: nameOf(name, inputs),
        arn: `arn:${ctx.aws.partition}:iam::${ctx.aws.accountId}:role${inputs.path ?? "/"}${nameOf(name, inputs)}`,
        uniqueId: `AROA${stableHash(name, 17).toUpperCase()}`,
        createDate: FAKE_TIME,
    }),
    "aws:iam/policy:Policy": (name, inputs, ctx) => ({
        name: nameOf(name, inputs),
        arn: `arn:${ctx.aws.partition}:iam::${ctx.aws.accountId}:policy${inputs.path ?? "/"}${nameOf(name, inputs)}`,
        policyId: `ANPA${stableHash(name, 17).toUpperCase()}`,
    }),
    "aws:iam/user:User": (name, inputs, ctx) => ({
        arn: `arn:${ctx.aws.partition}:iam::${ctx.aws.accountId}:user${inputs.path ?? "/"}${nameOf(name, inputs)}`,
        uniqueId: `AIDA${stableHash(name, 17).toUpperCase()}`,
    }),
    "aws:iam/instanceProfile:InstanceProfile": (name, inputs, ctx) => ({
        name: nameOf(name, inputs),
        arn: `arn:${ctx.aws.partition}:iam::${ctx.aws.accountId}:instance-profile${inputs.path ?? "/"}${nameOf(name, inputs)}`,
        uniqueId: `AIPA${stableHash(name, 17).toUpperCase()}`,
    }),
    "aws:iam/accessKey:AccessKey": (name) => ({
        id: `AKIA${stableHash(name, 16).toUpperCase()}`,
        secret: secret(stableBase64(`secret:${name}`, 30)),
    }),
    "aws:cloudwatch/logGroup:LogGroup": (name, inputs, ctx) => ({
        name: nameOf(name, inputs),
        arn: `arn:${ctx.aws.partition}:logs:${ctx.aws.region}:${ctx.aws.accountId}:log-group:${nameOf(name, inputs)}`,
    }),
    "aws:ec2/vpc:Vpc": (name, inputs, ctx) => ({
        mainRouteTableId: `rtb-${stableHash([name, "main"], 17)}`,
        defaultSecurityGroupId: `sg-${stableHash([name, "default"], 17)}`,
        defaultNetworkAclId: `acl-${stableHash([name, "default"], 17)}`,
        defaultRouteTableId: `rtb-${stableHash([name, "main"], 17)}`,
        dhcpOptionsId: `dopt-${stableHash([name, "dhcp"], 17)}`,
        ownerId: ctx.aws.accountId,
        cidrBlock: inputs.cidrBlock ?? "10.0.0.0/16",
    }),
    "aws:ec2/subnet:Subnet": (name, inputs, ctx) => ({
        availabilityZone: inputs.availabilityZone ?? `${ctx.aws.region}a`,
        availabilityZoneId: `use1-az${(parseInt(stableHash(name, 2), 16) % 6) + 1}`,
        ownerId: ctx.aws.accountId,
    }),
    "aws:ec2/instance:Instance": (name, inputs, ctx) => {
        const ip = privateIp(["instance", name]);
        const hasPublic = inputs.associatePublicIpAddress === true;
        return {
            privateIp: inputs.privateIp ?? ip,
            privateDns: `ip-${ip.replace(/\./g, "-")}.ec2.internal`,
            publicIp: hasPublic ? publicIp(["instance", name]) : "",
            publicDns: hasPublic
                ? `ec2-${publicIp(["instance", name]).replace(/\./g, "-")}.compute-1.amazonaws.com`
                : "",
            availabilityZone: inputs.availabilityZone ?? `${ctx.aws.region}a`,
            instanceState: "running",
            primaryNetworkInterfaceId: `eni-${stableHash([name, "eni"], 17)}`,
        };
    },
    "aws:ec2/eip:Eip": (name) => ({
        publicIp: publicIp(["eip", name]),
        allocationId: `eipalloc-${stableHash(["aws:ec2/eip:Eip", name], 17)}`,
        publicDns: `ec2-${publicIp(["eip", name]).replace(/\./g, "-")}.compute-1.amazonaws.com`,
        domain: "vpc",
    }),
    "aws:ec2/natGateway:NatGateway": (name) => ({
        publicIp: publicIp(["nat", name]),
        privateIp: privateIp(["nat", name]),
    }),
    "aws:ec2/launchTemplate:LaunchTemplate": (name, inputs) => ({
        name: nameOf(name, inputs),
        latestVersion: 1,
        defaultVersion: 1,
    }),
    "aws:ec2/keyPair:KeyPair": (name, inputs) => ({
        keyName: inputs.keyName ?? autoName(name),
        keyPairId: `key-${stableHash(name, 17)}`,
        fingerprint: stableHash(["fp", name], 32).replace(/(..)(?!$)/g, "$1:"),
    }),
    "aws:autoscaling/group:Group": (name, inputs) => ({ name: nameOf(name, inputs) }),
    "aws:ec2/ami:Ami": (name, _inputs, ctx) => ({
        ownerId: ctx.aws.accountId,
        imageOwnerAlias: "",
        imageType: "machine",
        hypervisor: "xen",
        platform: "",
        platformDetails: "Linux/UNIX",
        usageOperation: "RunInstances",
    }),
    "aws:ebs/snapshotImport:SnapshotImport": (name, _inputs, ctx) => ({
        ownerId: ctx.aws.accountId,
        ownerAlias: "",
        volumeId: `vol-${stableHash([name, "import"], 17)}`,
    }),
    "aws:lambda/function:Function": (name, inputs, ctx) => {
        const fn = nameOf(name, inputs);
        const arn = `arn:${ctx.aws.partition}:lambda:${ctx.aws.region}:${ctx.aws.accountId}:function:${fn}`;
        return {
            name: fn,
            arn,
            qualifiedArn: `${arn}:1`,
            invokeArn: `arn:${ctx.aws.partition}:apigateway:${ctx.aws.region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
            version: "1",
        };
    },
    "aws:lambda/functionUrl:FunctionUrl": (name, _inputs, ctx) => ({
        functionUrl: `https://${stableHash(name, 32)}.lambda-url.${ctx.aws.region}.on.aws/`,
        urlId: stableHash(name, 32),
    }),
    "aws:sqs/queue:Queue": (name, inputs, ctx) => {
        const q = nameOf(name, inputs);
        return {
            name: q,
            arn: `arn:${ctx.aws.partition}:sqs:${ctx.aws.region}:${ctx.aws.accountId}:${q}`,
            url: `https://sqs.${ctx.aws.region}.amazonaws.com/${ctx.aws.accountId}/${q}`,
        };
    },
    "aws:sns/topic:Topic": (name, inputs, ctx) => ({
        name: nameOf(name, inputs),
        arn: `arn:${ctx.aws.partition}:sns:${ctx.aws.region}:${ctx.aws.accountId}:${nameOf(name, inputs)}`,
    }),
    "aws:dynamodb/table:Table": (name, inputs, ctx) => ({
        name: nameOf(name, inputs),
        arn: `arn:${ctx.aws.partition}:dynamodb:${ctx.aws.region}:${ctx.aws.accountId}:table/${nameOf(name, inputs)}`,
        streamArn: inputs.streamEnabled
            ? `arn:${ctx.aws.partition}:dynamodb:${ctx.aws.region}:${ctx.aws.accountId}:table/${nameOf(name, inputs)}/stream/${FAKE_TIME}`
            : "",
    }),
    "aws:rds/instance:Instance": (name, inputs, ctx) => {
        const id = inputs.identifier ?? autoName(name);
        const address = `${id}.${stableHash(name, 12)}.${ctx.aws.region}.rds.amazonaws.com`;
        const port = inputs.port ?? (/postgres/.test(String(inputs.engine)) ? 5432 : 3306);
        return {
            identifier: id,
            arn: `arn:${ctx.aws.partition}:rds:${ctx.aws.region}:${ctx.aws.accountId}:db:${id}`,
            address,
            endpoint: `${address}:${port}`,
            port,
            hostedZoneId: "Z2R2ITUGPM61AM",
            resourceId: `db-${stableHash(name, 26).toUpperCase()}`,
        };
    },
    "aws:rds/cluster:Cluster": (name, inputs, ctx) => {
        const id = inputs.clusterIdentifier ?? autoName(name);
        return {
            clusterIdentifier: id,
            arn: `arn:${ctx.aws.partition}:rds:${ctx.aws.region}:${ctx.aws.accountId}:cluster:${id}`,
            endpoint: `${id}.cluster-${stableHash(name, 12)}.${ctx.aws.region}.rds.amazonaws.com`,
            readerEndpoint: `${id}.cluster-ro-${stableHash(name, 12)}.${ctx.aws.region}.rds.amazonaws.com`,
            port: inputs.port ?? 5432,
        };
    },
    "aws:elasticache/cluster:Cluster": (name, inputs, ctx) => ({
        clusterAddress: `${inputs.clusterId ?? name}.${stableHash(name, 6)}.cfg.${ctx.aws.region}.cache.amazonaws.com`,
        cacheNodes: [
            { address: `${inputs.clusterId ?? name}.${stableHash(name, 6)}.0001.cache.amazonaws.com`, port: 6379 },
        ],
    }),
    "aws:eks/cluster:Cluster": (name, inputs, ctx) => ({
        name: nameOf(name, inputs),
        arn: `arn:${ctx.aws.partition}:eks:${ctx.aws.region}:${ctx.aws.accountId}:cluster/${nameOf(name, inputs)}`,
        endpoint: `https://${stableHash(name, 32).toUpperCase()}.gr7.${ctx.aws.region}.eks.amazonaws.com`,
        certificateAuthority: { data: stableBase64(`ca:${name}`, 48) },
        version: inputs.version ?? "1.31",
    }),
    "aws:route53/zone:Zone": (name, inputs) => ({
        zoneId: `Z${stableHash(name, 20).toUpperCase()}`,
        nameServers: [1, 2, 3, 4].map((n) => `ns-${n}${stableHash([name, n], 2)}.awsdns-0${n}.com`),
        name: inputs.name ?? name,
    }),
    "aws:route53/record:Record": (name, inputs) => ({
        fqdn: String(inputs.name ?? name),
    }),
    "aws:acm/certificate:Certificate": (name, inputs, ctx) => ({
        arn: `arn:${ctx.aws.partition}:acm:${ctx.aws.region}:${ctx.aws.accountId}:certificate/${stableUuid(name)}`,
        domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])]
            .filter((d) => typeof d === "string")
            .map((d: string) => ({
                domainName: d,
                resourceRecordName: `_${stableHash(d, 32)}.${d}.`,
                resourceRecordType: "CNAME",
                resourceRecordValue: `_${stableHash([d, "v"], 32)}.acm-validations.aws.`,
            })),
        status: "ISSUED",
    }),
    "aws:kms/key:Key": (name, _inputs, ctx) => ({
        keyId: stableUuid(["kms", name]),
        arn: `arn:${ctx.aws.partition}:kms:${ctx.aws.region}:${ctx.aws.accountId}:key/${stableUuid(["kms", name])}`,
    }),
    "aws:secretsmanager/secret:Secret": (name, inputs, ctx) => ({
        name: nameOf(name, inputs),
        arn: `arn:${ctx.aws.partition}:secretsmanager:${ctx.aws.region}:${ctx.aws.accountId}:secret:${nameOf(name, inputs)}-${stableHash(name, 6)}`,
    }),
    "aws:ssm/parameter:Parameter": (name, inputs, ctx) => ({
        name: nameOf(name, inputs),
        arn: `arn:${ctx.aws.partition}:ssm:${ctx.aws.region}:${ctx.aws.accountId}:parameter/${String(nameOf(name, inputs)).replace(/^\//, "")}`,
        version: 1,
    }),
    "aws:apigatewayv2/api:Api": (name, _inputs, ctx) => {
        const id = stableHash(name, 10);
        return {
            apiEndpoint: `https://${id}.execute-api.${ctx.aws.region}.amazonaws.com`,
            executionArn: `arn:${ctx.aws.partition}:execute-api:${ctx.aws.region}:${ctx.aws.accountId}:${id}`,
        };
    },
    "aws:cloudfront/distribution:Distribution": (name) => ({
        domainName: `d${stableHash(name, 13)}.cloudfront.net`,
        hostedZoneId: "Z2FDTNDATAQYW2",
        status: "Deployed",
    }),
};

/** Output-only properties by name pattern, for any AWS type without a table entry for them. */
export const awsPattern: OutputPattern = (type, name, prop, inputs, ctx) => {
    if (prop === "arn") return awsArn(type, name, inputs, ctx);
    if (prop === "tagsAll") return inputs.tags ?? {};
    if (prop === "ownerId" || prop === "accountId") return ctx.aws.accountId;
    if (prop === "region") return ctx.aws.region;
    if (prop === "arnSuffix") return awsArn(type, name, inputs, ctx).split(":").pop();
    if (/^ipv6/.test(prop)) return ""; // assigned only when IPv6 is asked for
    if (/Id$/.test(prop) && prop !== "id")
        return `${kebab(prop.replace(/Id$/, "")).replace(/^\w+-/, "")}-${stableHash([type, name, prop], 17)}`;
    if (/Arn$/.test(prop))
        return `arn:${ctx.aws.partition}:${ARN_SERVICE[parseToken(type).module] ?? parseToken(type).module}:${ctx.aws.region}:${ctx.aws.accountId}:${kebab(prop.replace(/Arn$/, ""))}/${stableHash([name, prop], 12)}`;
    if (prop === "privateIp" || /PrivateIp$/.test(prop)) return privateIp([type, name, prop]);
    if (/(DnsName|DomainName|^dnsName|^fqdn)$/.test(prop))
        return `${name}-${stableHash([type, name], 8)}.${ctx.aws.region}.amazonaws.com`;
    if (/(Endpoint|^endpoint)$/.test(prop))
        return `${name}-${stableHash([type, name, prop], 8)}.${parseToken(type).module}.${ctx.aws.region}.amazonaws.com`;
    if (/(Url|^url)$/.test(prop))
        return `https://${name}-${stableHash([type, name, prop], 8)}.${ctx.aws.region}.amazonaws.com`;
    if (/(ZoneId)$/.test(prop)) return `Z${stableHash([type, prop], 13).toUpperCase()}`;
    if (/(Date|Time)$/.test(prop)) return FAKE_TIME;
    return undefined;
};

/** The statement of a policy document as `aws.iam.getPolicyDocument` renders it. */
function statementJson(s: Record<string, any>): Outputs {
    const out: Outputs = {};
    if (s.sid) out.Sid = s.sid;
    out.Effect = s.effect ?? "Allow";
    const one = (list: unknown) => (Array.isArray(list) && list.length === 1 ? list[0] : list);
    if (s.actions) out.Action = one(s.actions);
    if (s.notActions) out.NotAction = one(s.notActions);
    if (s.resources) out.Resource = one(s.resources);
    if (s.notResources) out.NotResource = one(s.notResources);
    const principals = (list: any[] | undefined) => {
        if (!Array.isArray(list)) return undefined;
        const byType: Record<string, unknown> = {};
        for (const p of list) {
            if (p?.type === "*") return "*";
            byType[p.type] = one(p.identifiers);
        }
        return byType;
    };
    if (s.principals) out.Principal = principals(s.principals);
    if (s.notPrincipals) out.NotPrincipal = principals(s.notPrincipals);
    if (Array.isArray(s.conditions)) {
        const cond: Record<string, Record<string, unknown>> = {};
        for (const c of s.conditions) (cond[c.test] ??= {})[c.variable] = one(c.values);
        out.Condition = cond;
    }
    return out;
}

/** Results of AWS provider functions by token. */
export const AWS_CALLS: Record<string, CallFake> = {
    "aws:index/getCallerIdentity:getCallerIdentity": (_i, ctx) => ({
        accountId: ctx.aws.accountId,
        arn: `arn:${ctx.aws.partition}:iam::${ctx.aws.accountId}:user/mock`,
        userId: "AIDAMOCK",
        id: ctx.aws.accountId,
    }),
    "aws:index/getRegion:getRegion": (inputs, ctx) => {
        const region = inputs.region ?? inputs.name ?? ctx.aws.region;
        return { name: region, region, id: region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
    },
    "aws:index/getPartition:getPartition": (_i, ctx) => ({
        partition: ctx.aws.partition,
        dnsSuffix: "amazonaws.com",
        reverseDnsPrefix: "com.amazonaws",
        id: ctx.aws.partition,
    }),
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_i, ctx) => ({
        names: ["a", "b", "c"].map((z) => `${ctx.aws.region}${z}`),
        zoneIds: [1, 2, 3].map((n) => `${ctx.aws.region.replace(/^(\w\w)-(\w)\w*-(\d)$/, "$1$2$3")}-az${n}`),
        groupNames: [ctx.aws.region],
        id: ctx.aws.region,
        region: ctx.aws.region,
    }),
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": (_i, ctx) => ({
        userName: "AWS",
        password: "mock-ecr-token",
        proxyEndpoint: `https://${ctx.aws.accountId}.dkr.ecr.${ctx.aws.region}.amazonaws.com`,
        authorizationToken: "QVdTOm1vY2s=",
        expiresAt: "2099-01-01T00:00:00Z",
        id: ctx.aws.region,
    }),
    "aws:ecr/getRepository:getRepository": (inputs, ctx) => ({
        ...AWS_RESOURCES["aws:ecr/repository:Repository"](String(inputs.name), inputs, ctx),
        id: inputs.name,
        imageTagMutability: "IMMUTABLE",
        mostRecentImageTags: [],
    }),
    "aws:ec2/getVpc:getVpc": (inputs, ctx) => {
        const id = inputs.id ?? "vpc-0mock0default0000";
        return {
            id,
            cidrBlock: "172.31.0.0/16",
            default: inputs.default ?? true,
            arn: `arn:${ctx.aws.partition}:ec2:${ctx.aws.region}:${ctx.aws.accountId}:vpc/${id}`,
            ownerId: ctx.aws.accountId,
            state: "available",
            enableDnsHostnames: true,
            enableDnsSupport: true,
            mainRouteTableId: "rtb-0mock0main000000",
            tags: {},
        };
    },
    "aws:ec2/getSubnets:getSubnets": (_i, ctx) => ({
        ids: ["subnet-0mock0000000000a", "subnet-0mock0000000000b", "subnet-0mock0000000000c"],
        id: ctx.aws.region,
    }),
    "aws:ec2/getSubnet:getSubnet": (inputs, ctx) => {
        const id = inputs.id ?? "subnet-0mock0000000000a";
        return {
            id,
            arn: `arn:${ctx.aws.partition}:ec2:${ctx.aws.region}:${ctx.aws.accountId}:subnet/${id}`,
            vpcId: inputs.vpcId ?? "vpc-0mock0default0000",
            cidrBlock: "172.31.0.0/20",
            availabilityZone: inputs.availabilityZone ?? `${ctx.aws.region}a`,
            mapPublicIpOnLaunch: inputs.defaultForAz ?? true,
            defaultForAz: inputs.defaultForAz ?? true,
            state: "available",
            ownerId: ctx.aws.accountId,
            tags: {},
        };
    },
    "aws:ec2/getSecurityGroup:getSecurityGroup": (inputs, ctx) => {
        const id = inputs.id ?? `sg-${stableHash(inputs, 17)}`;
        return {
            id,
            name: inputs.name ?? "default",
            arn: `arn:${ctx.aws.partition}:ec2:${ctx.aws.region}:${ctx.aws.accountId}:security-group/${id}`,
            vpcId: inputs.vpcId ?? "vpc-0mock0default0000",
            description: "mock security group",
            tags: {},
        };
    },
    "aws:ec2/getAmi:getAmi": (inputs, ctx) => {
        const nameFilter = (inputs.filters ?? []).find((f: any) => f?.name === "name")?.values?.[0];
        const imageName = String(nameFilter ?? inputs.nameRegex ?? "mock-image").replace(/[*?]/g, "20260101");
        const id = `ami-${stableHash(inputs, 17)}`;
        return {
            id,
            imageId: id,
            name: imageName,
            arn: `arn:${ctx.aws.partition}:ec2:${ctx.aws.region}::image/${id}`,
            architecture: /arm64|aarch64/.test(imageName) ? "arm64" : "x86_64",
            ownerId: inputs.owners?.[0] && /^\d+$/.test(inputs.owners[0]) ? inputs.owners[0] : "137112412989",
            rootDeviceName: "/dev/xvda",
            rootDeviceType: "ebs",
            virtualizationType: "hvm",
            state: "available",
            creationDate: FAKE_TIME,
            public: true,
            blockDeviceMappings: [],
            tags: {},
        };
    },
    "aws:ec2/getAmiIds:getAmiIds": (inputs) => ({ ids: [`ami-${stableHash(inputs, 17)}`], id: stableHash(inputs, 8) }),
    "aws:ec2/getLaunchTemplate:getLaunchTemplate": (inputs, ctx) => ({
        id: inputs.id ?? `lt-${stableHash(inputs, 17)}`,
        name: inputs.name ?? "mock",
        arn: `arn:${ctx.aws.partition}:ec2:${ctx.aws.region}:${ctx.aws.accountId}:launch-template/lt-${stableHash(inputs, 17)}`,
        latestVersion: 1,
        defaultVersion: 1,
    }),
    "aws:ssm/getParameter:getParameter": (inputs, ctx) => ({
        name: inputs.name,
        id: inputs.name,
        arn: `arn:${ctx.aws.partition}:ssm:${ctx.aws.region}:${ctx.aws.accountId}:parameter/${String(inputs.name).replace(/^\//, "")}`,
        type: "String",
        // The public AMI parameters (/aws/service/...) hold image ids; others a placeholder value.
        value: /\/ami/.test(String(inputs.name))
            ? `ami-${stableHash(inputs.name, 17)}`
            : `mock-${stableHash(inputs.name, 8)}`,
        insecureValue: /\/ami/.test(String(inputs.name))
            ? `ami-${stableHash(inputs.name, 17)}`
            : `mock-${stableHash(inputs.name, 8)}`,
        version: 1,
    }),
    "aws:secretsmanager/getSecret:getSecret": (inputs, ctx) => {
        const name = inputs.name ?? lastPart(inputs.arn, ":");
        return {
            name,
            id: inputs.arn ?? name,
            arn:
                inputs.arn ??
                `arn:${ctx.aws.partition}:secretsmanager:${ctx.aws.region}:${ctx.aws.accountId}:secret:${name}-${stableHash(name, 6)}`,
            tags: {},
        };
    },
    "aws:secretsmanager/getSecretVersion:getSecretVersion": (inputs, ctx) => ({
        secretId: inputs.secretId,
        arn: String(inputs.secretId).startsWith("arn:")
            ? inputs.secretId
            : `arn:${ctx.aws.partition}:secretsmanager:${ctx.aws.region}:${ctx.aws.accountId}:secret:${inputs.secretId}`,
        secretString: `mock-secret-${stableHash(inputs.secretId, 8)}`,
        versionId: stableUuid(inputs),
        versionStages: ["AWSCURRENT"],
        createdDate: FAKE_TIME,
    }),
    "aws:iam/getPolicyDocument:getPolicyDocument": (inputs) => {
        const doc = {
            Version: inputs.version ?? "2012-10-17",
            ...(inputs.policyId ? { Id: inputs.policyId } : {}),
            Statement: (inputs.statements ?? []).map(statementJson),
        };
        return { json: JSON.stringify(doc, null, 2), minifiedJson: JSON.stringify(doc), id: stableHash(doc, 10) };
    },
    "aws:iam/getRole:getRole": (inputs, ctx) => ({
        name: inputs.name,
        id: inputs.name,
        arn: `arn:${ctx.aws.partition}:iam::${ctx.aws.accountId}:role/${inputs.name}`,
        uniqueId: `AROA${stableHash(inputs.name, 17).toUpperCase()}`,
        path: "/",
        tags: {},
    }),
    "aws:iam/getPolicy:getPolicy": (inputs, ctx) => {
        const name = inputs.name ?? lastPart(inputs.arn, "/");
        return {
            name,
            arn: inputs.arn ?? `arn:${ctx.aws.partition}:iam::${ctx.aws.accountId}:policy/${name}`,
            id: inputs.arn ?? name,
            path: "/",
            policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
            tags: {},
        };
    },
    "aws:route53/getZone:getZone": (inputs) => {
        const zoneName = String(inputs.name ?? "example.com").replace(/\.?$/, ".");
        const id = inputs.zoneId ?? `Z${stableHash(zoneName, 20).toUpperCase()}`;
        return {
            id,
            zoneId: id,
            name: zoneName,
            nameServers: ["ns-1.awsdns-01.com"],
            privateZone: inputs.privateZone ?? false,
        };
    },
    "aws:acm/getCertificate:getCertificate": (inputs, ctx) => ({
        arn: `arn:${ctx.aws.partition}:acm:${ctx.aws.region}:${ctx.aws.accountId}:certificate/${stableUuid(inputs.domain)}`,
        domain: inputs.domain,
        id: stableUuid(inputs.domain),
        status: "ISSUED",
    }),
    "aws:s3/getBucket:getBucket": (inputs, ctx) => ({
        ...AWS_RESOURCES["aws:s3/bucket:Bucket"](String(inputs.bucket), inputs, ctx),
        id: inputs.bucket,
    }),
    "aws:kms/getKey:getKey": (inputs, ctx) => ({
        id: stableUuid(inputs.keyId),
        keyId: stableUuid(inputs.keyId),
        arn: `arn:${ctx.aws.partition}:kms:${ctx.aws.region}:${ctx.aws.accountId}:key/${stableUuid(inputs.keyId)}`,
        enabled: true,
        keyState: "Enabled",
    }),
    "aws:eks/getCluster:getCluster": (inputs, ctx) => ({
        ...AWS_RESOURCES["aws:eks/cluster:Cluster"](String(inputs.name), inputs, ctx),
        id: inputs.name,
        status: "ACTIVE",
    }),
    "aws:elb/getServiceAccount:getServiceAccount": (_i, ctx) => ({
        id: "127311923021",
        arn: `arn:${ctx.aws.partition}:iam::127311923021:root`,
    }),
    "aws:index/getDefaultTags:getDefaultTags": () => ({ tags: {}, id: "default-tags" }),
};
