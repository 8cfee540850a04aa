/**
 * What every instance group does, on every cloud: one table of behaviours run against AwsInstanceGroup,
 * GcpInstanceGroup and AzureInstanceGroup through the adapters, each checked on the registered inputs.
 */
import * as assert from "node:assert/strict";
import type { Synthesis } from "../../bin/lib/synthesize";
import { APP_UNIT, BOOT_ENV_FILE } from "../../components/core/bootScript";
import { Cloud } from "../../components/core/clouds";
import { sha256OfTags } from "../../components/core/machineImageRelease";
import { Slot } from "../../components/core/slots";
import { findInstalls } from "../../policy/model/boot";
import { evaluatePack } from "../../policy/evaluate";
import { commitOf, diskSha256, release, synthGroup, twoSlots, VM_CLOUDS } from "./instanceGroup.adapters";
import { byType, one, plain } from "./support/clouds";

/** The shared fixture: two slots, a secret, and chaos when asked. */
function fixture(a: (typeof VM_CLOUDS)[number], chaos = false): Promise<Synthesis> {
    return synthGroup(a, twoSlots(a, Slot.Blue, chaos ? { chaos: { hourUtc: 9 } } : {}));
}

describe("instance groups: one behaviour, three clouds", function () {
    this.timeout(60_000);
    for (const a of VM_CLOUDS) {
        describe(a.component, () => {
            it("boots each slot from exactly its pinned image, its instances tagged with the version, commit and disk sha256", async () => {
                const s = await fixture(a);
                for (const [slot, version] of [
                    [Slot.Blue, "v42"],
                    [Slot.Green, "v43"],
                ] as const) {
                    const t = a.template(s, slot);
                    assert.equal(a.templateImage(t), a.image(version));
                    const tags = a.templateTags(t);
                    assert.equal(sha256OfTags(a.cloud, tags), diskSha256(version));
                    assert.equal(tags["image-git-sha"], commitOf(version));
                    assert.equal(tags["image-version"], version);
                    assert.equal(tags["image-provenance"], "artifact");
                }
            });

            it("passes the whole pack: every resource judged, no violation", async () => {
                const s = await fixture(a, true);
                const verdict = await evaluatePack(s.resources);
                assert.deepEqual(verdict.violations, []);
                assert.deepEqual(verdict.notJudged, []);
            });

            it("hands instances a boot script that only writes the environment, fetches the secret by reference and starts the app", async () => {
                const script = a.bootScript(a.template(await fixture(a), Slot.Green));
                assert.match(script, /^#!\/bin\/sh\n/);
                assert.deepEqual(findInstalls(script), [], "no package install or remote script (boot-install-forbid)");
                assert.ok(script.includes(`LOG_LEVEL="info"`));
                assert.ok(script.includes(`RELEASE_SLOT="green"`) && script.includes(`RELEASE_VERSION="v43"`));
                assert.ok(script.includes(`PORT="8080"`));
                assert.ok(script.includes(`value=$(${a.fetchedBy}`), `fetches DB_PASSWORD with: ${a.fetchedBy}`);
                assert.ok(script.includes(`printf '%s' "$value" | secret DB_PASSWORD`));
                assert.ok(script.includes(`mv "$env_file" ${BOOT_ENV_FILE}`));
                assert.ok(script.trimEnd().endsWith(`systemctl --no-block restart ${APP_UNIT}`));
            });

            it("splits the traffic by the slot model: live 100, the idle slot warm at 0", async () => {
                assert.deepEqual(a.weights(await fixture(a)), { blue: 100, green: 0 });
                const flipped = await synthGroup(a, twoSlots(a, Slot.Green));
                assert.deepEqual(a.weights(flipped), { blue: 0, green: 100 });
            });

            it("deploys one slot alone: one template, carrying its own release's provenance", async () => {
                const s = await synthGroup(a, { blue: release(a, "v50"), live: Slot.Blue });
                assert.equal(byType(s, a.templateType).length, 1);
                assert.equal(sha256OfTags(a.cloud, a.templateTags(a.template(s, Slot.Blue))), diskSha256("v50"));
            });

            it("marks an image without a disk sha256 (a Packer build) as per-cloud provenance", async () => {
                const s = await synthGroup(a, { blue: { version: "v7", image: a.image("v7") }, live: Slot.Blue });
                const tags = a.templateTags(a.template(s, Slot.Blue));
                assert.equal(tags["image-provenance"], "per-cloud");
                assert.equal(sha256OfTags(a.cloud, tags), undefined);
            });
        });
    }
});

describe("AwsInstanceGroup: phoenix on EC2", function () {
    this.timeout(60_000);
    const aws = VM_CLOUDS[0];

    it("pins each group to its launch template's latest version (a number), never $Latest or $Default", async () => {
        const s = await fixture(aws);
        for (const group of byType(s, "aws:autoscaling/group:Group")) {
            const lt = byType(s, "aws:ec2/launchTemplate:LaunchTemplate").find(
                (t) => t.outputs.id === plain(group.inputs).launchTemplate.id,
            )!;
            assert.equal(plain(group.inputs).launchTemplate.version, String(plain(lt.outputs).latestVersion));
            assert.match(plain(group.inputs).launchTemplate.version, /^\d+$/);
        }
    });

    it("replaces instances on a release by a rolling instance refresh with checkpoints, launch before terminate and rollback", async () => {
        const group = plain(byType(await fixture(aws), "aws:autoscaling/group:Group")[0].inputs);
        assert.equal(group.instanceRefresh.strategy, "Rolling");
        assert.deepEqual(group.instanceRefresh.preferences.checkpointPercentages, [50, 100]);
        assert.equal(group.instanceRefresh.preferences.autoRollback, true);
        assert.equal(group.instanceRefresh.preferences.minHealthyPercentage, 100);
        assert.equal(group.instanceRefresh.preferences.maxHealthyPercentage, 200);
        assert.deepEqual(group.instanceMaintenancePolicy, { minHealthyPercentage: 100, maxHealthyPercentage: 200 });
    });

    it("replaces every instance within 36 hours by default, and takes the ALB's health checks", async () => {
        const group = plain(byType(await fixture(aws), "aws:autoscaling/group:Group")[0].inputs);
        assert.equal(group.maxInstanceLifetime, 36 * 3600);
        assert.equal(group.healthCheckType, "ELB");
        assert.equal(group.targetGroupArns.length, 1);
        const s = await synthGroup(aws, { ...twoSlots(aws), maxInstanceLifetimeHours: 24 });
        assert.equal(plain(byType(s, "aws:autoscaling/group:Group")[0].inputs).maxInstanceLifetime, 86400);
    });

    it("launches instances with IMDSv2 only, no key pair and no public IP, the port open to the load balancer only", async () => {
        const s = await fixture(aws);
        for (const lt of byType(s, "aws:ec2/launchTemplate:LaunchTemplate").map((r) => plain(r.inputs))) {
            assert.equal(lt.metadataOptions.httpTokens, "required");
            assert.equal(lt.metadataOptions.httpPutResponseHopLimit, 1);
            assert.equal(lt.keyName, undefined);
            assert.equal(lt.networkInterfaces[0].associatePublicIpAddress, "false");
        }
        const groups = byType(s, "aws:ec2/securityGroup:SecurityGroup").map((r) => plain(r.inputs));
        const instances = groups.find((g) => g.description.includes("from the load balancer only"))!;
        assert.deepEqual(
            instances.ingress.map((i: any) => [i.fromPort, i.toPort, i.cidrBlocks, i.securityGroups.length]),
            [[8080, 8080, undefined, 1]],
        );
    });

    it("lets the instance role read exactly the referenced secret, before any instance can boot", async () => {
        const s = await fixture(aws);
        const policy = one(s, "aws:iam/rolePolicy:RolePolicy");
        assert.deepEqual(JSON.parse(plain(policy.inputs).policy).Statement, [
            {
                Effect: "Allow",
                Action: ["secretsmanager:GetSecretValue"],
                Resource: ["arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api/db-AbCdEf"],
            },
        ]);
        const profile = one(s, "aws:iam/instanceProfile:InstanceProfile");
        assert.ok(profile.dependencies.includes(policy.urn), "the profile waits for the permission");
    });

    it("with chaos: an FIS experiment terminates one running instance of the group on weekdays, stopped by a 5xx alarm", async () => {
        const s = await fixture(aws, true);
        const experiment = plain(one(s, "aws:fis/experimentTemplate:ExperimentTemplate").inputs);
        assert.equal(experiment.actions[0].actionId, "aws:ec2:terminate-instances");
        assert.equal(experiment.targets[0].selectionMode, "COUNT(1)");
        assert.deepEqual(experiment.targets[0].resourceTags, [{ key: "immutable:group", value: "api" }]);
        assert.equal(experiment.stopConditions[0].source, "aws:cloudwatch:alarm");
        const schedule = plain(one(s, "aws:scheduler/schedule:Schedule").inputs);
        assert.equal(schedule.scheduleExpression, "cron(30 9 ? * MON-FRI *)");
        assert.equal(schedule.target.arn, "arn:aws:scheduler:::aws-sdk:fis:startExperiment");
        assert.deepEqual(Object.keys(JSON.parse(schedule.target.input)), ["ExperimentTemplateId", "ClientToken"]);
        assert.equal(
            byType(await fixture(aws), "aws:fis/experimentTemplate:ExperimentTemplate").length,
            0,
            "no chaos unless asked",
        );
    });
});

describe("GcpInstanceGroup: phoenix on Compute Engine", function () {
    this.timeout(60_000);
    const gcp = VM_CLOUDS[1];

    it("locks the instances down: no SSH keys, project keys blocked, OS Login on, serial port off, Shielded VM, no external IP", async () => {
        for (const t of byType(await fixture(gcp), "gcp:compute/instanceTemplate:InstanceTemplate").map((r) =>
            plain(r.inputs),
        )) {
            assert.equal(t.metadata["ssh-keys"], undefined);
            assert.equal(t.metadata["block-project-ssh-keys"], "true");
            assert.equal(t.metadata["enable-oslogin"], "TRUE");
            assert.equal(t.metadata["serial-port-enable"], "FALSE");
            assert.deepEqual(t.shieldedInstanceConfig, {
                enableSecureBoot: true,
                enableVtpm: true,
                enableIntegrityMonitoring: true,
            });
            assert.equal(t.networkInterfaces[0].accessConfigs, undefined);
        }
    });

    it("rolls every instance proactively on a new template (replace, surge first) and auto-heals on the health check", async () => {
        const s = await fixture(gcp);
        const health = one(s, "gcp:compute/healthCheck:HealthCheck");
        for (const mig of byType(s, "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager").map((r) =>
            plain(r.inputs),
        )) {
            assert.equal(mig.updatePolicy.type, "PROACTIVE");
            assert.equal(mig.updatePolicy.minimalAction, "REPLACE");
            assert.equal(mig.updatePolicy.maxSurgeFixed, 3);
            assert.equal(mig.updatePolicy.maxUnavailableFixed, 0);
            assert.equal(mig.autoHealingPolicies.healthCheck, health.outputs.id);
        }
    });

    it("rotates every instance daily: Cloud Scheduler runs a workflow that rolls each slot's MIG", async () => {
        const s = await fixture(gcp);
        const job = plain(byType(s, "gcp:cloudscheduler/job:Job").find((j) => j.name === "api-rotate")!.inputs);
        assert.equal(job.schedule, "0 4 * * *");
        assert.equal(job.timeZone, "Etc/UTC");
        assert.deepEqual(JSON.parse(JSON.parse(Buffer.from(job.httpTarget.body, "base64").toString()).argument).migs, [
            "api-blue",
            "api-green",
        ]);
        const workflow = plain(
            byType(s, "gcp:workflows/workflow:Workflow").find((w) => w.name === "api-rotate")!.inputs,
        );
        assert.match(workflow.sourceContents, /regionInstanceGroupManagers\.patch/);
        assert.match(job.httpTarget.uri, /\/workflows\/api-rotate\/executions$/);
        const role = plain(one(s, "gcp:projects/iAMCustomRole:IAMCustomRole").inputs);
        assert.ok(role.permissions.includes("compute.instanceGroupManagers.update"));
    });

    it("with chaos: a second workflow deletes one managed instance on weekdays", async () => {
        const s = await fixture(gcp, true);
        const job = plain(byType(s, "gcp:cloudscheduler/job:Job").find((j) => j.name === "api-chaos")!.inputs);
        assert.equal(job.schedule, "30 9 * * 1-5");
        const workflow = plain(
            byType(s, "gcp:workflows/workflow:Workflow").find((w) => w.name === "api-chaos")!.inputs,
        );
        assert.match(workflow.sourceContents, /http\.delete/);
        assert.ok(
            plain(one(s, "gcp:projects/iAMCustomRole:IAMCustomRole").inputs).permissions.includes(
                "compute.instances.delete",
            ),
        );
    });

    it("names each instance template after its content and boots the exact image, never its family", async () => {
        const s = await fixture(gcp);
        for (const slot of [Slot.Blue, Slot.Green]) {
            const t = plain(gcp.template(s, slot).inputs);
            assert.match(t.name, new RegExp(`^api-${slot}-[0-9a-f]{10}$`));
            assert.doesNotMatch(t.disks[0].sourceImage, /family/);
        }
    });
});

describe("AzureInstanceGroup: phoenix on scale sets", function () {
    this.timeout(60_000);
    const azure = VM_CLOUDS[2];

    it("runs Uniform scale sets with rolling upgrades (MaxSurge, rollback), repairs, and automatic OS upgrades off", async () => {
        for (const vmss of byType(await fixture(azure), "azure-native:compute:VirtualMachineScaleSet").map((r) =>
            plain(r.inputs),
        )) {
            assert.equal(vmss.orchestrationMode, "Uniform");
            assert.equal(vmss.upgradePolicy.mode, "Rolling");
            assert.equal(vmss.upgradePolicy.rollingUpgradePolicy.maxSurge, true);
            assert.equal(vmss.upgradePolicy.rollingUpgradePolicy.rollbackFailedInstancesOnPolicyBreach, true);
            assert.equal(vmss.upgradePolicy.automaticOSUpgradePolicy.enableAutomaticOSUpgrade, false);
            assert.equal(vmss.automaticRepairsPolicy.enabled, true);
            assert.match(vmss.virtualMachineProfile.networkProfile.healthProbe.id, /\/probes\/health$/);
        }
    });

    it("turns password authentication off, with the one SSH key Azure insists on that nobody holds, and no public IP", async () => {
        for (const vmss of byType(await fixture(azure), "azure-native:compute:VirtualMachineScaleSet").map((r) =>
            plain(r.inputs),
        )) {
            const linux = vmss.virtualMachineProfile.osProfile.linuxConfiguration;
            assert.equal(linux.disablePasswordAuthentication, true);
            assert.equal(vmss.virtualMachineProfile.osProfile.adminPassword, undefined);
            assert.equal(linux.ssh.publicKeys.length, 1);
            assert.match(linux.ssh.publicKeys[0].keyData, / no-one-holds-this-key$/);
            const ip = vmss.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[0].ipConfigurations[0];
            assert.equal(ip.publicIPAddressConfiguration, undefined);
            assert.equal(vmss.virtualMachineProfile.securityProfile.securityType, "TrustedLaunch");
        }
    });

    it("rotates every instance daily: a Logic App changes each scale set's model, with Virtual Machine Contributor on exactly those", async () => {
        const s = await fixture(azure);
        const app = plain(byType(s, "azure-native:logic:Workflow").find((w) => w.name === "api-rotate")!.inputs);
        assert.deepEqual(app.definition.triggers.daily.recurrence.schedule, { hours: [4], minutes: [0] });
        const actions = Object.values(app.definition.actions) as any[];
        assert.equal(actions.length, 2);
        for (const action of actions) {
            assert.equal(action.inputs.method, "PATCH");
            assert.match(action.inputs.body.properties.virtualMachineProfile.userData, /utcNow\(\)/);
        }
        const scopes = byType(s, "azure-native:authorization:RoleAssignment")
            .map((r) => plain(r.inputs).scope)
            .sort();
        const vmss = byType(s, "azure-native:compute:VirtualMachineScaleSet")
            .map((r) => r.outputs.id)
            .sort();
        assert.deepEqual(scopes, vmss);
    });

    it("sends port 80 to the live slot's pool and 8081 to the idle slot's, one rule per pool", async () => {
        const rules = plain(one(await fixture(azure), "azure-native:network:LoadBalancer").inputs).loadBalancingRules;
        assert.deepEqual(
            rules.map((r: any) => [r.name, r.frontendPort, r.backendAddressPool.id.split("/").pop()]),
            [
                ["traffic", 80, "blue"],
                ["smoke-idle", 8081, "green"],
            ],
        );
    });

    it("with chaos: a Logic App powers off one instance on weekdays (the probe fails, repairs replace it)", async () => {
        const s = await fixture(azure, true);
        const app = plain(byType(s, "azure-native:logic:Workflow").find((w) => w.name === "api-chaos")!.inputs);
        assert.deepEqual(app.definition.triggers.weekdays.recurrence.schedule.hours, [9]);
        assert.match(app.definition.actions.power_off.inputs.uri, /\/poweroff\?/);
    });
});

describe("instance groups without a weighted load balancer", () => {
    it("Azure refuses a canary weight: its load balancer sends a slot all the traffic or none", () => {
        const azure = VM_CLOUDS[2];
        assert.throws(
            () => azure.create("api", { ...twoSlots(azure), canaryWeight: 10 }),
            /AzureInstanceGroup "api": canaryWeight is 10, but Azure's load balancer has no weights/,
        );
    });

    for (const a of VM_CLOUDS.filter((c) => c.cloud !== Cloud.Azure)) {
        it(`${a.component} sends a canary share to the idle slot`, async () => {
            const s = await synthGroup(a, { ...twoSlots(a), canaryWeight: 10 });
            assert.deepEqual(a.weights(s), { blue: 90, green: 10 });
        });
    }
});
