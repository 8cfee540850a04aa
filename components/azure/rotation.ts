/**
 * Azure scale sets have no maximum instance lifetime, so the phoenix rotation is built from the cloud's own
 * scheduler: a Logic App with a daily recurrence changes each slot's scale set model (its `userData`, which the
 * boot script does not use, gets the time of the rotation). With the `Rolling` upgrade policy and `maxSurge`, a
 * model change replaces every instance in batches: new instances from the model first, the old ones deleted once
 * the new report healthy on the load balancer's probe, rolled back on a policy breach
 * (https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-configure-rolling-upgrades).
 * Chaos (optional) is a second Logic App that powers off one instance on weekdays; the probe fails and automatic
 * instance repairs replace it.
 *
 * Each Logic App has a system-assigned identity with Virtual Machine Contributor on exactly the scale sets
 * (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/compute#virtual-machine-contributor).
 */
import { createHash } from "node:crypto";
import * as authorization from "@pulumi/azure-native/authorization";
import * as compute from "@pulumi/azure-native/compute";
import * as logic from "@pulumi/azure-native/logic";
import * as pulumi from "@pulumi/pulumi";

/** The scale set API version the Logic Apps call. */
export const VMSS_API_VERSION = "2024-07-01";

/** Virtual Machine Contributor (a built-in role id). */
export const VM_CONTRIBUTOR_ROLE = "9980e02c-c2be-4d73-94e8-173b1dc7cf3c";

const SCHEMA =
    "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#";
const AUTH = { type: "ManagedServiceIdentity", audience: "https://management.azure.com/" };

/** The daily rotation: a PATCH of each scale set's model, one after the other (a Logic Apps definition). */
export function rotationDefinition(vmssIds: string[], hourUtc: number): Record<string, unknown> {
    const actions: Record<string, unknown> = {};
    vmssIds.forEach((id, i) => {
        actions[`rotate_${i}`] = {
            type: "Http",
            inputs: {
                method: "PATCH",
                uri: `https://management.azure.com${id}?api-version=${VMSS_API_VERSION}`,
                body: {
                    properties: {
                        virtualMachineProfile: { userData: "@{base64(concat('immutable-rotation ', utcNow()))}" },
                    },
                },
                authentication: AUTH,
            },
            runAfter: i === 0 ? {} : { [`rotate_${i - 1}`]: ["Succeeded", "Failed"] },
        };
    });
    return {
        $schema: SCHEMA,
        contentVersion: "1.0.0.0",
        triggers: {
            daily: {
                type: "Recurrence",
                recurrence: {
                    frequency: "Day",
                    interval: 1,
                    timeZone: "UTC",
                    schedule: { hours: [hourUtc], minutes: [0] },
                },
            },
        },
        actions,
        outputs: {},
    };
}

/** Chaos: powers off the first instance of a scale set on weekdays (a Logic Apps definition). */
export function chaosDefinition(vmssId: string, hourUtc: number): Record<string, unknown> {
    const base = `https://management.azure.com${vmssId}/virtualMachines`;
    return {
        $schema: SCHEMA,
        contentVersion: "1.0.0.0",
        triggers: {
            weekdays: {
                type: "Recurrence",
                recurrence: {
                    frequency: "Week",
                    interval: 1,
                    timeZone: "UTC",
                    schedule: {
                        weekDays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
                        hours: [hourUtc],
                        minutes: [30],
                    },
                },
            },
        },
        actions: {
            list: {
                type: "Http",
                inputs: { method: "GET", uri: `${base}?api-version=${VMSS_API_VERSION}`, authentication: AUTH },
                runAfter: {},
            },
            power_off: {
                type: "Http",
                inputs: {
                    method: "POST",
                    uri: `${base}/@{first(body('list')?['value'])?['instanceId']}/poweroff?skipShutdown=true&api-version=${VMSS_API_VERSION}`,
                    authentication: AUTH,
                },
                runAfter: { list: ["Succeeded"] },
            },
        },
        outputs: {},
    };
}

/** A role assignment name: a GUID derived from what it grants (stable across updates). */
export function assignmentName(...parts: string[]): string {
    const hex = createHash("sha256").update(parts.join("|")).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What the scheduled Logic Apps act on. */
export interface ScheduledLogicAppsContext {
    name: string;
    parent: pulumi.Resource;
    resourceGroupName: pulumi.Input<string>;
    location?: pulumi.Input<string>;
    scaleSets: compute.VirtualMachineScaleSet[];
    rotationHourUtc: pulumi.Input<number>;
    chaosHourUtc?: pulumi.Input<number>;
    tags: Record<string, pulumi.Input<string>>;
}

/** The rotation (and chaos) Logic Apps with their role assignments; returns the rotation Logic App. */
export function scheduledLogicApps(c: ScheduledLogicAppsContext): logic.Workflow {
    const subscription = authorization.getClientConfigOutput({ parent: c.parent }).subscriptionId;
    const ids = pulumi.all(c.scaleSets.map((s) => s.id));
    const app = (
        suffix: string,
        definition: pulumi.Output<Record<string, unknown>>,
        scopes: compute.VirtualMachineScaleSet[],
    ) => {
        const workflow = new logic.Workflow(
            `${c.name}-${suffix}`,
            {
                workflowName: `${c.name}-${suffix}`,
                resourceGroupName: c.resourceGroupName,
                location: c.location,
                identity: { type: "SystemAssigned" },
                state: "Enabled",
                definition,
                tags: c.tags,
            },
            { parent: c.parent },
        );
        scopes.forEach((vmss, i) => {
            new authorization.RoleAssignment(
                `${c.name}-${suffix}-${i}`,
                {
                    roleAssignmentName: pulumi
                        .all([vmss.id, workflow.id])
                        .apply(([scope, principal]) => assignmentName(scope, principal, VM_CONTRIBUTOR_ROLE)),
                    principalId: workflow.identity.apply((id) => id?.principalId ?? ""),
                    principalType: "ServicePrincipal",
                    roleDefinitionId: pulumi.interpolate`/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${VM_CONTRIBUTOR_ROLE}`,
                    scope: vmss.id,
                    description: `${c.name}: ${suffix} of the scale set`,
                },
                { parent: c.parent },
            );
        });
        return workflow;
    };
    const rotation = app(
        "rotate",
        pulumi.all([ids, c.rotationHourUtc]).apply(([all, hour]) => rotationDefinition(all, hour)),
        c.scaleSets,
    );
    if (c.chaosHourUtc !== undefined && c.scaleSets.length > 0) {
        app(
            "chaos",
            pulumi.all([c.scaleSets[0].id, c.chaosHourUtc]).apply(([id, hour]) => chaosDefinition(id, hour)),
            [c.scaleSets[0]],
        );
    }
    return rotation;
}
