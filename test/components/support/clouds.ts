/**
 * One adapter per cloud, so every behavioural spec is written once and run against AWS, GCP and Azure:
 * how to create the cloud's container service from the shared args, and where each behaviour shows in the
 * registered inputs (traffic weights, runtime images, env, secret wiring, hardening).
 */
import * as assert from "node:assert/strict";
import { AwsContainerService } from "../../../components/aws/containerService";
import { AzureContainerService } from "../../../components/azure/containerService";
import { GcpContainerService } from "../../../components/gcp/containerService";
import { Cloud } from "../../../components/core/clouds";
import type { ContainerServiceArgs, SecretRefArgs } from "../../../components/core/serviceArgs";
import { Slot } from "../../../components/core/slots";
import type { SynthesizedResource, Synthesis } from "../../../bin/lib/synthesize";
import { AWS_NETWORK, AZURE_PLACE } from "./places";

export { AWS_NETWORK, AZURE_PLACE } from "./places";

/** A property map in the engine's wire format, with secrets unwrapped. */
export function plain(value: any): any {
    if (Array.isArray(value)) {
        return value.map(plain);
    }
    if (value && typeof value === "object") {
        if (value["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") {
            return plain(value.value);
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    }
    return value;
}

/** The outputs every cloud's component exposes. */
export interface ServiceOutputs {
    url: unknown;
    smokeTestUrls: unknown;
    liveSlot: unknown;
    trafficWeights: unknown;
}

/** What the shared specs need to know about one cloud. */
export interface CloudAdapter {
    cloud: Cloud;
    component: string;
    /** Creates the component with the shared args (plus the cloud's required specifics). */
    create(name: string, args: ContainerServiceArgs): ServiceOutputs;
    /** The type of the one resource whose inputs hold the traffic split. */
    trafficType: string;
    /** Leaf input paths of the traffic resource that carry the weights (all a flip may change). */
    trafficPath: RegExp;
    /**
     * Top-level inputs of the traffic resource whose change replaces it (from the provider docs: CloudFormation
     * / Terraform `aws_lb_listener` load_balancer_arn is immutable, default actions mutable; Terraform
     * `google_cloud_run_v2_service` name, location, project are ForceNew, traffic in place; azure-native
     * ContainerApp name, resource group, location, environment and kind cannot change in place).
     */
    replaceKeys: string[];
    /** Traffic percent per slot, read from the traffic resource's inputs. */
    weights(s: Synthesis): Record<string, number>;
    /** Images in the runtime specs (task definitions / the service template). */
    runtimeImages(s: Synthesis): string[];
    /** Plain env values the runtime receives. */
    plainEnv(s: Synthesis): Record<string, string>;
    /** Env name to the secret reference as wired into the runtime. */
    secretWiring(s: Synthesis): Record<string, string>;
    /** Resources that belong to one slot only (slot-scoped resources). */
    ownedBy(r: SynthesizedResource, slot: Slot): boolean;
    /** The traffic entry of one slot (revision / target group, weight, tag or label), for the traffic resource. */
    trafficEntry(s: Synthesis, slot: Slot): unknown;
    /** Asserts the runtime hardening of this cloud. */
    assertHardened(s: Synthesis): void;
    /** A secret reference of this cloud (what a team passes in `secrets`). */
    secretRef: SecretRefArgs;
    /** The reference as the runtime must receive it. */
    wiredRef: string;
    /** How the smoke-test URL of a slot looks. */
    smokeUrl: (slot: Slot) => RegExp;
}

export function byType(s: Synthesis, type: string): SynthesizedResource[] {
    return s.resources.filter((r) => r.type === type);
}

export function one(s: Synthesis, type: string): SynthesizedResource {
    const all = byType(s, type);
    assert.equal(all.length, 1, `expected one ${type}, got ${all.length}`);
    return all[0];
}

function awsListener(s: Synthesis): SynthesizedResource {
    const forwarding = byType(s, "aws:lb/listener:Listener").filter(
        (r) => plain(r.inputs).defaultActions?.[0]?.type === "forward",
    );
    assert.equal(forwarding.length, 1, "expected one forwarding listener");
    return forwarding[0];
}

function awsContainers(s: Synthesis): any[] {
    return byType(s, "aws:ecs/taskDefinition:TaskDefinition").flatMap((r) =>
        JSON.parse(plain(r.inputs).containerDefinitions),
    );
}

function slotOfTargetGroup(s: Synthesis, arn: string): string {
    const tg = byType(s, "aws:lb/targetGroup:TargetGroup").find((r) => r.outputs.arn === arn);
    assert.ok(tg, `no target group with arn ${arn}`);
    return /-(blue|green)$/.exec(tg.name)![1];
}

const aws: CloudAdapter = {
    cloud: Cloud.Aws,
    component: "AwsContainerService",
    create: (name, args) => new AwsContainerService(name, { ...AWS_NETWORK, ...args }),
    trafficType: "aws:lb/listener:Listener",
    trafficPath: /^defaultActions\[0\]\.forward\.targetGroups\[\d+\]\.weight$/,
    replaceKeys: ["loadBalancerArn"],
    weights: (s) =>
        Object.fromEntries(
            plain(awsListener(s).inputs).defaultActions[0].forward.targetGroups.map((t: any) => [
                slotOfTargetGroup(s, t.arn),
                t.weight,
            ]),
        ),
    runtimeImages: (s) => awsContainers(s).map((c) => c.image),
    plainEnv: (s) =>
        Object.fromEntries(awsContainers(s).flatMap((c) => c.environment.map((e: any) => [e.name, e.value]))),
    secretWiring: (s) =>
        Object.fromEntries(awsContainers(s).flatMap((c) => c.secrets.map((e: any) => [e.name, e.valueFrom]))),
    ownedBy: (r, slot) => new RegExp(`-${slot}(-|$)`).test(r.name),
    trafficEntry: (s, slot) =>
        plain(awsListener(s).inputs).defaultActions[0].forward.targetGroups.find(
            (t: any) => slotOfTargetGroup(s, t.arn) === slot,
        ),
    assertHardened: (s) => {
        const containers = awsContainers(s);
        assert.ok(containers.length > 0);
        for (const c of containers) {
            assert.equal(c.readonlyRootFilesystem, true);
            assert.equal(c.privileged, false);
            assert.match(c.user, /^[1-9][0-9]*(:[0-9]+)?$/, "non-root numeric user");
            assert.deepEqual(c.linuxParameters.capabilities.drop, ["ALL"]);
            assert.ok(
                c.mountPoints.some((m: any) => m.containerPath === "/tmp" && m.readOnly === false),
                "writable /tmp",
            );
            assert.equal(c.logConfiguration.logDriver, "awslogs");
        }
        for (const svc of byType(s, "aws:ecs/service:Service")) {
            const i = plain(svc.inputs);
            assert.equal(i.enableExecuteCommand, false);
            assert.deepEqual(i.deploymentCircuitBreaker, { enable: true, rollback: true });
        }
        const [alb, tasks] = ["-alb", "-tasks"].map((suffix) =>
            byType(s, "aws:ec2/securityGroup:SecurityGroup").find((r) => r.name.endsWith(suffix))!,
        );
        assert.deepEqual(
            plain(alb.inputs).ingress.map((r: any) => [r.fromPort, r.toPort]),
            [[80, 80]],
            "the ALB takes HTTP only (HTTPS with a certificate)",
        );
        const taskIngress = plain(tasks.inputs).ingress;
        assert.equal(taskIngress.length, 1);
        assert.deepEqual(taskIngress[0].securityGroups, [alb.outputs.id ?? `${alb.name}-id`]);
        assert.equal(taskIngress[0].cidrBlocks, undefined, "tasks take no traffic from CIDRs");
    },
    secretRef: { ref: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api/db-AbCdEf" },
    wiredRef: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api/db-AbCdEf",
    smokeUrl: (slot) => new RegExp(`^http://[^/]+\\.elb\\.amazonaws\\.com/\\?immutable-slot=${slot}$`),
};

function cloudRun(s: Synthesis): any {
    return plain(one(s, "gcp:cloudrunv2/service:Service").inputs);
}

const gcp: CloudAdapter = {
    cloud: Cloud.Gcp,
    component: "GcpContainerService",
    create: (name, args) =>
        new GcpContainerService(name, { ...args, region: "us-central1", deletionProtection: false }),
    trafficType: "gcp:cloudrunv2/service:Service",
    trafficPath: /^traffics\[\d+\]\.percent$/,
    replaceKeys: ["name", "location", "project"],
    weights: (s) => Object.fromEntries(cloudRun(s).traffics.map((t: any) => [t.tag, t.percent])),
    runtimeImages: (s) => cloudRun(s).template.containers.map((c: any) => c.image),
    plainEnv: (s) =>
        Object.fromEntries(
            cloudRun(s)
                .template.containers[0].envs.filter((e: any) => "value" in e)
                .map((e: any) => [e.name, e.value]),
        ),
    secretWiring: (s) =>
        Object.fromEntries(
            cloudRun(s)
                .template.containers[0].envs.filter((e: any) => e.valueSource)
                .map((e: any) => [
                    e.name,
                    `${e.valueSource.secretKeyRef.secret}@${e.valueSource.secretKeyRef.version}`,
                ]),
        ),
    ownedBy: () => false,
    trafficEntry: (s, slot) => cloudRun(s).traffics.find((t: any) => t.tag === slot),
    assertHardened: (s) => {
        const svc = cloudRun(s);
        const account = one(s, "gcp:serviceaccount/account:Account");
        assert.equal(svc.template.serviceAccount, account.outputs.email, "runs as its own service account");
        assert.ok(svc.template.revision.startsWith(`${svc.name}-`), "revision named after the service");
        for (const t of svc.traffics) {
            assert.equal(t.type, "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", "traffic names revisions, never LATEST");
        }
        assert.ok(
            svc.template.containers[0].volumeMounts.some((m: any) => m.mountPath === "/tmp"),
            "scratch /tmp volume",
        );
    },
    secretRef: { ref: "api-db-password", version: "3" },
    wiredRef: "api-db-password@3",
    smokeUrl: (slot) => new RegExp(`^https://${slot}---[a-z0-9-]+\\.a\\.run\\.app$`),
};

function containerApp(s: Synthesis): any {
    return plain(one(s, "azure-native:app:ContainerApp").inputs);
}

const azure: CloudAdapter = {
    cloud: Cloud.Azure,
    component: "AzureContainerService",
    create: (name, args) => new AzureContainerService(name, { ...AZURE_PLACE, ...args }),
    trafficType: "azure-native:app:ContainerApp",
    trafficPath: /^configuration\.ingress\.traffic\[\d+\]\.weight$/,
    replaceKeys: [
        "containerAppName",
        "resourceGroupName",
        "location",
        "managedEnvironmentId",
        "environmentId",
        "kind",
        "extendedLocation",
    ],
    weights: (s) =>
        Object.fromEntries(containerApp(s).configuration.ingress.traffic.map((t: any) => [t.label, t.weight])),
    runtimeImages: (s) => containerApp(s).template.containers.map((c: any) => c.image),
    plainEnv: (s) =>
        Object.fromEntries(
            containerApp(s)
                .template.containers[0].env.filter((e: any) => "value" in e)
                .map((e: any) => [e.name, e.value]),
        ),
    secretWiring: (s) => {
        const app = containerApp(s);
        const urls = Object.fromEntries(app.configuration.secrets.map((x: any) => [x.name, x.keyVaultUrl]));
        return Object.fromEntries(
            app.template.containers[0].env.filter((e: any) => e.secretRef).map((e: any) => [e.name, urls[e.secretRef]]),
        );
    },
    ownedBy: () => false,
    trafficEntry: (s, slot) => containerApp(s).configuration.ingress.traffic.find((t: any) => t.label === slot),
    assertHardened: (s) => {
        const app = containerApp(s);
        assert.equal(app.configuration.activeRevisionsMode, "Labels", "only labelled (slot) revisions stay active");
        assert.equal(app.patchingConfiguration.patchingMode, "Disabled", "no in-place image patching");
        assert.equal(app.identity.type, "UserAssigned");
        for (const secret of app.configuration.secrets) {
            assert.equal(secret.value, undefined, "secrets are Key Vault references, never values");
            assert.ok(secret.identity, "read through the managed identity");
        }
        assert.equal(app.configuration.ingress.allowInsecure, false);
        assert.ok(
            app.template.containers[0].volumeMounts.some((m: any) => m.mountPath === "/tmp"),
            "scratch /tmp volume",
        );
    },
    secretRef: {
        ref: "https://kv-immutable.vault.azure.net/secrets/db-password",
        version: "0123456789abcdef0123456789abcdef",
    },
    wiredRef: "https://kv-immutable.vault.azure.net/secrets/db-password/0123456789abcdef0123456789abcdef",
    smokeUrl: (slot) => new RegExp(`^https://[a-z0-9-]+---${slot}\\.[a-z0-9]+\\.eastus\\.azurecontainerapps\\.io$`),
};

/** The three clouds, in the order the specs run them. */
export const CLOUDS: CloudAdapter[] = [aws, gcp, azure];
