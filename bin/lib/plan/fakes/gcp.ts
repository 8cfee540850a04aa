/**
 * Google Cloud (@pulumi/gcp): resource ids (`projects/{project}/...`), self links, URLs, emails and the data
 * sources programs commonly call. Formats follow the REST resource names of each API
 * (https://cloud.google.com/apis/design/resource_names, https://cloud.google.com/compute/docs/reference/rest/v1).
 */
import { lowerFirst, parseToken } from "./common";
import type { CallFake, FakeContext, OutputPattern, ResourceFake } from "./common";
import { FAKE_TIME, autoName, privateIp, publicIp, secret, stableBase64, stableHash, stableUuid } from "./stable";

const COMPUTE = "https://www.googleapis.com/compute/v1/";

/** The resource's name: its `name` input, else Pulumi's auto-name (lower case, as GCP names are). */
function nameOf(name: string, inputs: Record<string, any>): string {
    return typeof inputs.name === "string" ? inputs.name : autoName(name).toLowerCase();
}

/** `gcp:compute/instance:Instance` → `projects/p/zones/z/instances/name` (zonal, regional or global). */
export function gcpId(type: string, name: string, inputs: Record<string, any>, ctx: FakeContext): string {
    const { module: mod, resource } = parseToken(type);
    const project = inputs.project ?? ctx.gcp.project;
    const collection = `${lowerFirst(resource)}s`;
    const scope =
        typeof inputs.zone === "string"
            ? `zones/${inputs.zone}`
            : typeof inputs.region === "string"
              ? `regions/${inputs.region}`
              : mod === "compute"
                ? "global"
                : `locations/${inputs.location ?? ctx.gcp.region}`;
    return `projects/${project}/${scope}/${collection}/${nameOf(name, inputs)}`;
}

/** Computed outputs per resource type. */
export const GCP_RESOURCES: Record<string, ResourceFake> = {
    "gcp:artifactregistry/repository:Repository": (name, inputs, ctx) => {
        const location = inputs.location ?? ctx.gcp.region;
        const project = inputs.project ?? ctx.gcp.project;
        const repositoryId = inputs.repositoryId ?? name;
        return {
            project,
            location,
            name: `projects/${project}/locations/${location}/repositories/${repositoryId}`,
            registryUri: `${location}-docker.pkg.dev/${project}/${repositoryId}`,
        };
    },
    "gcp:serviceaccount/account:Account": (name, inputs, ctx) => {
        const project = inputs.project ?? ctx.gcp.project;
        const email = `${inputs.accountId ?? name}@${project}.iam.gserviceaccount.com`;
        return {
            email,
            member: `serviceAccount:${email}`,
            project,
            name: `projects/${project}/serviceAccounts/${email}`,
            uniqueId: String(BigInt(`0x${stableHash(email, 15)}`)),
        };
    },
    "gcp:serviceaccount/key:Key": (name) => ({
        privateKey: secret(stableBase64(`sa-key:${name}`, 96)),
        publicKey: stableBase64(`sa-pub:${name}`, 64),
        name: `keys/${stableHash(name, 40)}`,
    }),
    "gcp:cloudrunv2/service:Service": (name, inputs, ctx) => {
        const service = inputs.name ?? name;
        const host = `${service}-${stableHash(service, 10)}-uc.a.run.app`;
        const traffics: any[] = Array.isArray(inputs.traffics) ? inputs.traffics : [];
        return {
            name: service,
            project: inputs.project ?? ctx.gcp.project,
            uri: `https://${host}`,
            urls: [`https://${host}`],
            trafficStatuses: traffics.map((t) => ({ ...t, uri: t.tag ? `https://${t.tag}---${host}` : "" })),
        };
    },
    "gcp:cloudrun/service:Service": (name, inputs) => ({
        statuses: [{ url: `https://${inputs.name ?? name}-${stableHash(name, 10)}-uc.a.run.app`, conditions: [] }],
    }),
    "gcp:cloudfunctionsv2/function:Function": (name, inputs, ctx) => ({
        url: `https://${inputs.location ?? ctx.gcp.region}-${ctx.gcp.project}.cloudfunctions.net/${inputs.name ?? name}`,
        state: "ACTIVE",
    }),
    "gcp:cloudfunctions/function:Function": (name, inputs, ctx) => ({
        httpsTriggerUrl: `https://${inputs.region ?? ctx.gcp.region}-${ctx.gcp.project}.cloudfunctions.net/${inputs.name ?? name}`,
    }),
    "gcp:storage/bucket:Bucket": (name, inputs) => {
        const bucket = nameOf(name, inputs);
        return { name: bucket, url: `gs://${bucket}`, selfLink: `https://www.googleapis.com/storage/v1/b/${bucket}` };
    },
    "gcp:compute/instance:Instance": (name, inputs, ctx) => {
        const zone = inputs.zone ?? ctx.gcp.zone;
        const nics: any[] = Array.isArray(inputs.networkInterfaces) ? inputs.networkInterfaces : [];
        return {
            zone,
            instanceId: String(BigInt(`0x${stableHash(name, 15)}`)),
            networkInterfaces: nics.map((nic, i) => ({
                ...nic,
                name: `nic${i}`,
                networkIp: nic.networkIp ?? privateIp(["gce", name, i]),
                accessConfigs: Array.isArray(nic.accessConfigs)
                    ? nic.accessConfigs.map((a: any) => ({ ...a, natIp: a.natIp ?? publicIp(["gce", name, i]) }))
                    : nic.accessConfigs,
            })),
            currentStatus: "RUNNING",
        };
    },
    "gcp:compute/address:Address": (name, inputs) => ({
        address:
            inputs.address ??
            (inputs.addressType === "INTERNAL" ? privateIp(["addr", name]) : publicIp(["addr", name])),
    }),
    "gcp:compute/globalAddress:GlobalAddress": (name, inputs) => ({
        address: inputs.address ?? publicIp(["gaddr", name]),
    }),
    // Instance groups (components/gcp/instanceGroup.ts): the MIG's instance group (what a backend service names)
    // and the global forwarding rule's address.
    "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": (name, inputs, ctx) => ({
        instanceGroup: `${COMPUTE}projects/${inputs.project ?? ctx.gcp.project}/regions/${inputs.region ?? ctx.gcp.region}/instanceGroups/${nameOf(name, inputs)}`,
    }),
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": (name, inputs) => ({
        ipAddress: inputs.ipAddress ?? publicIp(["gfr", name]),
    }),
    "gcp:compute/instanceTemplate:InstanceTemplate": (name, inputs, ctx) => {
        const tmpl =
            inputs.name ?? (inputs.namePrefix ? `${inputs.namePrefix}${stableHash(name, 20)}` : autoName(name));
        return {
            name: tmpl,
            selfLink: `${COMPUTE}projects/${inputs.project ?? ctx.gcp.project}/global/instanceTemplates/${tmpl}`,
            selfLinkUnique: `${COMPUTE}projects/${inputs.project ?? ctx.gcp.project}/global/instanceTemplates/${tmpl}?uniqueId=${stableHash(name, 19)}`,
        };
    },
    "gcp:sql/databaseInstance:DatabaseInstance": (name, inputs, ctx) => {
        const inst = nameOf(name, inputs);
        return {
            name: inst,
            connectionName: `${inputs.project ?? ctx.gcp.project}:${inputs.region ?? ctx.gcp.region}:${inst}`,
            publicIpAddress: publicIp(["sql", name]),
            privateIpAddress: privateIp(["sql", name]),
            firstIpAddress: publicIp(["sql", name]),
            serviceAccountEmailAddress: `p${ctx.gcp.projectNumber}-abc123@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
        };
    },
    "gcp:container/cluster:Cluster": (name, inputs) => ({
        endpoint: publicIp(["gke", name]),
        masterAuth: { ...(inputs.masterAuth ?? {}), clusterCaCertificate: stableBase64(`ca:${name}`, 48) },
        masterVersion: inputs.minMasterVersion ?? "1.31.1-gke.1000000",
    }),
    "gcp:secretmanager/secret:Secret": (name, inputs, ctx) => ({
        name: `projects/${ctx.gcp.projectNumber}/secrets/${inputs.secretId ?? name}`,
    }),
    "gcp:secretmanager/secretVersion:SecretVersion": (name, inputs) => ({
        name: `${inputs.secret ?? `projects/mock/secrets/${name}`}/versions/1`,
        version: "1",
    }),
    "gcp:pubsub/topic:Topic": (name, inputs, ctx) => ({
        name: nameOf(name, inputs),
        id: `projects/${ctx.gcp.project}/topics/${nameOf(name, inputs)}`,
    }),
    "gcp:organizations/project:Project": (name, inputs) => ({
        number: String(BigInt(`0x${stableHash(name, 10)}`)),
        projectId: inputs.projectId ?? nameOf(name, inputs),
    }),
};

/** Output-only properties by name pattern, for any GCP type without a table entry for them. */
export const gcpPattern: OutputPattern = (type, name, prop, inputs, ctx) => {
    if (prop === "selfLink") return `${COMPUTE}${gcpId(type, name, inputs, ctx)}`;
    if (prop === "project") return inputs.project ?? ctx.gcp.project;
    if (prop === "effectiveLabels" || prop === "pulumiLabels" || prop === "terraformLabels") return inputs.labels ?? {};
    if (prop === "email" || /Email$/.test(prop))
        return `${name}@${inputs.project ?? ctx.gcp.project}.iam.gserviceaccount.com`;
    if (/([fF]ingerprint|etag|Etag)$/.test(prop)) return stableBase64([type, name, prop], 8);
    if (prop === "name") return gcpId(type, name, inputs, ctx);
    if (prop === "uid") return stableUuid([type, name]);
    if (prop === "state") return "ACTIVE";
    if (prop === "pscConnectionStatus") return "";
    if (prop === "type" && /HealthCheck$/.test(type)) {
        const kind = Object.keys(inputs).find((k) => /HealthCheck$/.test(k));
        return kind ? kind.replace(/HealthCheck$/, "").toUpperCase() : "TCP";
    }
    if (prop === "effectiveAnnotations") return inputs.annotations ?? {};
    if (prop === "generation" || prop === "observedGeneration") return "1";
    if (prop === "creator" || prop === "lastModifier")
        return `deployer@${inputs.project ?? ctx.gcp.project}.iam.gserviceaccount.com`;
    if (/^latest\w*Revision$/.test(prop)) return `${inputs.name ?? name}-00001-${stableHash([type, name], 3)}`;
    if (/(Id|^revisionId)$/.test(prop)) return String(BigInt(`0x${stableHash([type, name, prop], 12)}`));
    if (/^(instanceGroup|baseForwardingRule)$/.test(prop)) return `${COMPUTE}${gcpId(type, name, inputs, ctx)}`;
    if (/(Timestamp|Time)$/.test(prop)) return FAKE_TIME;
    if (/(Url|Uri|^url|^uri)$/.test(prop))
        return `https://${name}-${stableHash([type, name], 10)}.${parseToken(type).module}.googleapis.com`;
    if (/(^endpoint|Endpoint)$/.test(prop)) return `${parseToken(type).module}.googleapis.com`;
    if (/(^number|Number|NumericId|^numericId)$/.test(prop)) return String(BigInt(`0x${stableHash([type, name], 12)}`));
    if (prop === "networkIp" || /InternalIp$/.test(prop)) return privateIp([type, name, prop]);
    return undefined;
};

/** Results of GCP provider functions by token. */
export const GCP_CALLS: Record<string, CallFake> = {
    "gcp:organizations/getClientConfig:getClientConfig": (_i, ctx) => ({
        accessToken: "mock-gcp-access-token",
        project: ctx.gcp.project,
        region: ctx.gcp.region,
        zone: ctx.gcp.zone,
        defaultLabels: {},
        id: "mock",
    }),
    "gcp:organizations/getProject:getProject": (inputs, ctx) => {
        const project = inputs.projectId ?? ctx.gcp.project;
        return {
            projectId: project,
            name: project,
            number: ctx.gcp.projectNumber,
            id: `projects/${project}`,
            labels: {},
        };
    },
    "gcp:compute/getZones:getZones": (inputs, ctx) => {
        const region = inputs.region ?? ctx.gcp.region;
        return {
            names: ["a", "b", "c"].map((z) => `${region}-${z}`),
            project: inputs.project ?? ctx.gcp.project,
            id: region,
        };
    },
    "gcp:compute/getRegions:getRegions": (inputs, ctx) => ({
        names: ["us-central1", "us-east1", "europe-west1"],
        project: inputs.project ?? ctx.gcp.project,
        id: "regions",
    }),
    "gcp:compute/getImage:getImage": (inputs) => {
        const project = inputs.project ?? "debian-cloud";
        const family = inputs.family ?? "debian-12";
        const imageName = inputs.name ?? `${family}-v20260101`;
        return {
            name: imageName,
            family,
            project,
            selfLink: `${COMPUTE}projects/${project}/global/images/${imageName}`,
            id: `projects/${project}/global/images/${imageName}`,
            imageId: String(BigInt(`0x${stableHash(imageName, 15)}`)),
            status: "READY",
            diskSizeGb: 10,
            labels: {},
            licenses: [],
        };
    },
    "gcp:compute/getNetwork:getNetwork": (inputs, ctx) => {
        const project = inputs.project ?? ctx.gcp.project;
        const id = `projects/${project}/global/networks/${inputs.name}`;
        return { name: inputs.name, project, id, selfLink: `${COMPUTE}${id}`, subnetworksSelfLinks: [] };
    },
    "gcp:compute/getSubnetwork:getSubnetwork": (inputs, ctx) => {
        const project = inputs.project ?? ctx.gcp.project;
        const region = inputs.region ?? ctx.gcp.region;
        const id = `projects/${project}/regions/${region}/subnetworks/${inputs.name ?? "default"}`;
        return {
            name: inputs.name ?? "default",
            project,
            region,
            id,
            selfLink: `${COMPUTE}${id}`,
            ipCidrRange: "10.128.0.0/20",
            gatewayAddress: "10.128.0.1",
            network: `${COMPUTE}projects/${project}/global/networks/default`,
            privateIpGoogleAccess: false,
            secondaryIpRanges: [],
        };
    },
    "gcp:compute/getDefaultServiceAccount:getDefaultServiceAccount": (inputs, ctx) => {
        const email = `${ctx.gcp.projectNumber}-compute@developer.gserviceaccount.com`;
        const project = inputs.project ?? ctx.gcp.project;
        return {
            email,
            member: `serviceAccount:${email}`,
            project,
            name: `projects/${project}/serviceAccounts/${email}`,
            id: email,
        };
    },
    "gcp:secretmanager/getSecretVersion:getSecretVersion": (inputs, ctx) => ({
        secretData: `mock-secret-${stableHash(inputs.secret, 8)}`,
        version: inputs.version ?? "1",
        name: `projects/${ctx.gcp.projectNumber}/secrets/${inputs.secret}/versions/${inputs.version ?? "1"}`,
        enabled: true,
        createTime: FAKE_TIME,
        id: `projects/${ctx.gcp.projectNumber}/secrets/${inputs.secret}/versions/${inputs.version ?? "1"}`,
    }),
    "gcp:organizations/getIAMPolicy:getIAMPolicy": (inputs) => {
        const policy = {
            bindings: (inputs.bindings ?? []).map((b: any) => ({
                role: b.role,
                members: b.members ?? [],
                ...(b.condition ? { condition: b.condition } : {}),
            })),
            ...(inputs.auditConfigs ? { auditConfigs: inputs.auditConfigs } : {}),
        };
        return { policyData: JSON.stringify(policy), id: stableHash(policy, 10) };
    },
    "gcp:container/getEngineVersions:getEngineVersions": () => ({
        latestMasterVersion: "1.31.1-gke.1000000",
        latestNodeVersion: "1.31.1-gke.1000000",
        defaultClusterVersion: "1.30.5-gke.1000000",
        validMasterVersions: ["1.31.1-gke.1000000", "1.30.5-gke.1000000"],
        validNodeVersions: ["1.31.1-gke.1000000", "1.30.5-gke.1000000"],
        releaseChannelDefaultVersion: { REGULAR: "1.30.5-gke.1000000", STABLE: "1.30.5-gke.1000000" },
        releaseChannelLatestVersion: { REGULAR: "1.31.1-gke.1000000", STABLE: "1.30.5-gke.1000000" },
        id: "engine-versions",
    }),
};
