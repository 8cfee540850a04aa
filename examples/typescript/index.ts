// A program of your own (`pulumi new aws-typescript`, then `npm install immutable-infra`) that composes the AWS
// components: an ECR repository that keeps releases immutable, and a blue-green ECS service that runs one release
// by digest. Everything here is the consumer's own code; `npx immutable plan` judges all of it offline.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContainerService, AwsImageRegistry } from "immutable-infra/aws";
import { Slot } from "immutable-infra/core";

const config = new pulumi.Config();
const release = config.require("release");
const digest = config.require("digest");
const vpcId = config.require("vpcId");

// Tags never move, old releases are collected beyond the last 50 (rollback targets stay).
const registry = new AwsImageRegistry("shop", { repositoryName: "shop", keepReleases: 50 });

// The release runs in the blue slot and takes the traffic; the next one goes to green, then `live` flips.
const service = new AwsContainerService("shop", {
    vpcId,
    albSubnetIds: config.requireObject<string[]>("publicSubnetIds"),
    taskSubnetIds: config.requireObject<string[]>("privateSubnetIds"),
    blue: { version: release, image: pulumi.interpolate`${registry.repositoryUrl}@${digest}` },
    live: Slot.Blue,
    port: 8080,
    healthPath: "/healthz",
});

// A resource of this program's own, deliberately mutable: SSH open to the whole internet, so that someone can log
// in and change a running server. `immutable plan` rejects it (admin-ingress-forbid): servers are replaced from
// images, never patched by hand.
const maintenance = new aws.ec2.SecurityGroup("maintenance", {
    vpcId,
    description: "SSH for hand maintenance",
    ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
});

export const url = service.url;
export const repository = registry.repositoryUrl;
export const maintenanceGroup = maintenance.id;
