/**
 * GCP has no maximum instance lifetime for managed instance groups, so the phoenix rotation is built from the
 * cloud's own scheduler: a Cloud Scheduler job starts a Workflows execution every day, and the workflow does what
 * `gcloud compute instance-groups managed rolling-action replace` does: it patches each slot's regional MIG with
 * the same instance template under a new version name, and the MIG's PROACTIVE / REPLACE update policy replaces
 * every instance (surge first, none unavailable)
 * (https://cloud.google.com/compute/docs/instance-groups/rolling-out-updates-to-managed-instance-groups#performing_a_rolling_replace_or_restart).
 * Chaos (optional) is a second workflow on a weekday schedule that deletes one managed instance; the MIG recreates
 * it (its target size is unchanged) and auto-healing proves the health check.
 *
 * The workflows run as a service account of their own with a custom role of exactly the permissions they use,
 * and may act as the instances' service account (a MIG update re-specifies the template, which names it).
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { chaosCron, rotationCron } from "../core/instanceGroupArgs";
import { accountId } from "./limits";

/** The daily rolling replacement of every instance of the listed MIGs (Workflows syntax). */
export function rotationWorkflowSource(): string {
    return `# immutable-infra: the daily phoenix rotation (a rolling replace of every instance of each MIG).
main:
  params: [args]
  steps:
    - init:
        assign:
          - stamp: \${"rotation-" + string(int(sys.now()))}
    - rotate:
        for:
          value: mig
          in: \${args.migs}
          steps:
            - read:
                call: googleapis.compute.v1.regionInstanceGroupManagers.get
                args:
                  project: \${args.project}
                  region: \${args.region}
                  instanceGroupManager: \${mig}
                result: current
            - replace:
                call: googleapis.compute.v1.regionInstanceGroupManagers.patch
                args:
                  project: \${args.project}
                  region: \${args.region}
                  instanceGroupManager: \${mig}
                  body:
                    versions:
                      - instanceTemplate: \${current.versions[0].instanceTemplate}
                        name: \${stamp}
    - done:
        return: \${stamp}
`;
}

/** Chaos: deletes the first managed instance of the first listed MIG that has one (Workflows syntax). */
export function chaosWorkflowSource(): string {
    return `# immutable-infra: weekday chaos (one managed instance deleted; the MIG recreates it).
main:
  params: [args]
  steps:
    - pick:
        for:
          value: mig
          in: \${args.migs}
          steps:
            - list:
                call: googleapis.compute.v1.regionInstanceGroupManagers.listManagedInstances
                args:
                  project: \${args.project}
                  region: \${args.region}
                  instanceGroupManager: \${mig}
                result: managed
            - some:
                switch:
                  - condition: \${"managedInstances" in managed and len(managed.managedInstances) > 0}
                    steps:
                      - terminate:
                          call: http.delete
                          args:
                            url: \${managed.managedInstances[0].instance}
                            auth:
                              type: OAuth2
                      - done:
                          return: \${managed.managedInstances[0].instance}
    - none:
        return: "no instance"
`;
}

/** The permissions the workflows use (https://cloud.google.com/compute/docs/access/iam-permissions). */
export function rotationPermissions(chaos: boolean): string[] {
    const permissions = [
        "compute.instanceGroupManagers.get",
        "compute.instanceGroupManagers.update",
        "compute.instanceTemplates.useReadOnly",
        "compute.regionOperations.get",
    ];
    return chaos ? [...permissions, "compute.instances.delete"] : permissions;
}

/** A custom role id (3-64 of letters, digits, `_` and `.`) unique to the group. */
export function rotationRoleId(group: string): string {
    return `immutableRotate_${group.replace(/[^A-Za-z0-9]/g, "_")}`.slice(0, 64);
}

/** What the scheduled workflows act on. */
export interface ScheduledWorkflowsContext {
    name: string;
    parent: pulumi.Resource;
    project: pulumi.Input<string>;
    region: pulumi.Input<string>;
    /** The MIG names of the slots. */
    migs: pulumi.Input<string>[];
    /** The instances' service account (the workflows act as it). */
    instanceServiceAccount: gcp.serviceaccount.Account;
    rotationHourUtc: pulumi.Input<number>;
    chaosHourUtc?: pulumi.Input<number>;
    labels: Record<string, pulumi.Input<string>>;
    /** What the jobs wait for (the MIGs). */
    dependsOn: pulumi.Resource[];
}

/** The rotation (and chaos) workflows and their Cloud Scheduler jobs; returns the rotation job. */
export function scheduledWorkflows(c: ScheduledWorkflowsContext): gcp.cloudscheduler.Job {
    const runner = workflowRunner(c);
    const rotation = scheduledWorkflow(c, runner, {
        suffix: "rotate",
        source: rotationWorkflowSource(),
        cron: pulumi.output(c.rotationHourUtc).apply(rotationCron),
        what: "daily rolling replacement of every instance (phoenix)",
    });
    if (c.chaosHourUtc !== undefined) {
        scheduledWorkflow(c, runner, {
            suffix: "chaos",
            source: chaosWorkflowSource(),
            cron: pulumi.output(c.chaosHourUtc).apply(chaosCron),
            what: "weekday chaos: one instance deleted, the MIG recreates it",
        });
    }
    return rotation;
}

/** The service account the workflows run as and its grants, which the jobs wait for. */
interface WorkflowRunner {
    account: gcp.serviceaccount.Account;
    grants: pulumi.Resource[];
}

/**
 * The workflows' service account with a custom role of exactly the permissions they use, the right to run
 * workflows, and the right to act as the instances' service account.
 */
function workflowRunner(c: ScheduledWorkflowsContext): WorkflowRunner {
    const opts = { parent: c.parent };
    const account = new gcp.serviceaccount.Account(
        `${c.name}-rotate`,
        {
            accountId: accountId(c.name, 23, "rotate"),
            displayName: `Phoenix rotation of ${c.name}`,
            project: c.project,
        },
        opts,
    );
    const member = pulumi.interpolate`serviceAccount:${account.email}`;
    const role = new gcp.projects.IAMCustomRole(
        `${c.name}-rotate`,
        {
            roleId: rotationRoleId(c.name),
            title: `immutable-infra rotation of ${c.name}`,
            permissions: rotationPermissions(c.chaosHourUtc !== undefined),
            project: c.project,
        },
        opts,
    );
    const grants = [
        new gcp.projects.IAMMember(`${c.name}-rotate`, { project: c.project, role: role.name, member }, opts),
        new gcp.projects.IAMMember(
            `${c.name}-rotate-invoke`,
            { project: c.project, role: "roles/workflows.invoker", member },
            opts,
        ),
        new gcp.serviceaccount.IAMMember(
            `${c.name}-rotate-act-as`,
            { serviceAccountId: c.instanceServiceAccount.name, role: "roles/iam.serviceAccountUser", member },
            opts,
        ),
    ];
    return { account, grants };
}

/** One scheduled workflow: what it runs, when, and what it is for. */
interface ScheduledWorkflow {
    suffix: string;
    /** The workflow's source (Workflows syntax). */
    source: string;
    cron: pulumi.Input<string>;
    what: string;
}

/** A workflow and the Cloud Scheduler job that starts an execution of it (with the MIGs as its argument). */
function scheduledWorkflow(
    c: ScheduledWorkflowsContext,
    runner: WorkflowRunner,
    w: ScheduledWorkflow,
): gcp.cloudscheduler.Job {
    const name = `${c.name}-${w.suffix}`;
    const place = { region: c.region, project: c.project, description: `${c.name}: ${w.what}` };
    const workflow = new gcp.workflows.Workflow(
        name,
        { name, ...place, serviceAccount: runner.account.email, sourceContents: w.source, labels: c.labels },
        { parent: c.parent },
    );
    return new gcp.cloudscheduler.Job(
        name,
        {
            name,
            ...place,
            schedule: w.cron,
            timeZone: "Etc/UTC",
            attemptDeadline: "1800s",
            httpTarget: {
                uri: pulumi.interpolate`https://workflowexecutions.googleapis.com/v1/projects/${c.project}/locations/${c.region}/workflows/${workflow.name}/executions`,
                httpMethod: "POST",
                headers: { "Content-Type": "application/json" },
                body: pulumi
                    .all([c.project, c.region, pulumi.all(c.migs)])
                    .apply(([project, region, migs]) =>
                        Buffer.from(JSON.stringify({ argument: JSON.stringify({ project, region, migs }) })).toString(
                            "base64",
                        ),
                    ),
                oauthToken: {
                    serviceAccountEmail: runner.account.email,
                    scope: "https://www.googleapis.com/auth/cloud-platform",
                },
            },
        },
        { parent: c.parent, dependsOn: [...runner.grants, ...c.dependsOn] },
    );
}
