/**
 * A digest that exists: before any slot is deployed, every slot's `repo@sha256:` is looked up in its cloud's
 * registry through @pulumi/docker's registry data source (`docker.getRegistryImage`, which accepts a digest
 * reference), with the registry credentials the stack already has (ECR authorization token, the GCP access
 * token, an ACR token from the deployer's Entra token). A mistyped or never-pushed digest fails the preview,
 * not the rollout: the slots' images reach the service only through this check.
 */
import * as pulumi from "@pulumi/pulumi";
import { Cloud } from "../components/core/clouds";
import { parseImageRef } from "../components/core/imageRef";
import type { SlotReleaseArgs } from "../components/core/slots";

/** One registry's credentials, as the docker provider takes them. */
interface RegistryAuth {
    address: string;
    username?: pulumi.Input<string | undefined>;
    password?: pulumi.Input<string | undefined>;
}

/** The credentials of one registry host of `cloud`. */
function registryAuth(cloud: Cloud, host: string): RegistryAuth {
    switch (cloud) {
        case Cloud.Aws: {
            const aws = require("@pulumi/aws") as typeof import("@pulumi/aws");
            const token = aws.ecr.getAuthorizationTokenOutput({ registryId: host.split(".")[0] });
            return { address: host, username: token.userName, password: pulumi.secret(token.password) };
        }
        case Cloud.Gcp: {
            const gcp = require("@pulumi/gcp") as typeof import("@pulumi/gcp");
            const client = gcp.organizations.getClientConfigOutput();
            return { address: host, username: "oauth2accesstoken", password: pulumi.secret(client.accessToken) };
        }
        case Cloud.Azure: {
            const { acrCredentials } =
                require("../components/azure/acrToken") as typeof import("../components/azure/acrToken");
            return { address: host, ...acrCredentials(host) };
        }
    }
}

/**
 * The slots with their images checked: each image is an Output that resolves only once the registry has
 * answered with the very digest the slot pins (and fails, naming the slot, otherwise).
 */
export function verifiedSlots(
    cloud: Cloud,
    slots: Partial<Record<string, SlotReleaseArgs>>,
): Partial<Record<string, SlotReleaseArgs>> {
    const docker = require("@pulumi/docker") as typeof import("@pulumi/docker");
    const images = Object.values(slots).map((s) => String(s!.image));
    const hosts = [...new Set(images.map((i) => parseImageRef(i)?.registry).filter((h): h is string => !!h))].sort();
    const provider = new docker.Provider("registry-reader", { registryAuth: hosts.map((h) => registryAuth(cloud, h)) });
    const checked: Partial<Record<string, SlotReleaseArgs>> = {};
    for (const [slot, release] of Object.entries(slots)) {
        const image = String(release!.image);
        const found = docker.getRegistryImageOutput({ name: image }, { provider });
        checked[slot] = {
            ...release!,
            image: found.sha256Digest.apply((digest) => {
                const pinned = parseImageRef(image)?.digest;
                if (digest !== pinned) {
                    throw new Error(
                        `config immutable:${slot}: ${image} is not in its registry (it answered ${digest ? `digest ${digest}` : "no digest"}): a mistyped or never-pushed digest`,
                    );
                }
                return image;
            }),
        };
    }
    return checked;
}
