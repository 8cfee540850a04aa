/**
 * How a cloud-neutral facade picks its cloud: `cloud` names it, and the args of that cloud's component are the
 * shared args plus that cloud's specifics (`aws: {...}`, `gcp: {...}`, `azure: {...}`). The facades create the
 * component through {@link createOnCloud}, whose callbacks load the cloud's module only when called, so an
 * AWS-only program never loads @pulumi/gcp or @pulumi/azure-native.
 */
import { Cloud } from "./clouds";
import type { Validator } from "./validation";

/** The part of a facade's args that chooses the cloud and holds each cloud's specifics. */
export interface CloudChoice {
    cloud: Cloud;
    aws?: object;
    gcp?: object;
    azure?: object;
}

/** A facade's args without the choice: what every cloud's component takes. */
export type SharedArgs<T extends CloudChoice> = Omit<T, "cloud" | "aws" | "gcp" | "azure">;

/** The args of the component on one cloud: the shared args and that cloud's specifics. */
export type ArgsOn<T extends CloudChoice, C extends Cloud> = SharedArgs<T> & NonNullable<T[C]>;

/** Creates the chosen cloud's component from the shared args and that cloud's specifics (required). */
export function createOnCloud<T extends CloudChoice, R>(
    v: Validator,
    args: T,
    create: {
        aws: (a: ArgsOn<T, Cloud.Aws>) => R;
        gcp: (a: ArgsOn<T, Cloud.Gcp>) => R;
        azure: (a: ArgsOn<T, Cloud.Azure>) => R;
    },
): R {
    const { cloud, aws, gcp, azure, ...shared } = args;
    const specifics = (chosen: object | undefined, name: Cloud) =>
        ({ ...shared, ...(chosen ?? v.fail(name, `is required when cloud is ${name}`)) }) as never;
    switch (cloud) {
        case Cloud.Aws:
            return create.aws(specifics(aws, Cloud.Aws));
        case Cloud.Gcp:
            return create.gcp(specifics(gcp, Cloud.Gcp));
        case Cloud.Azure:
            return create.azure(specifics(azure, Cloud.Azure));
        default:
            return v.fail("cloud", `must be "aws", "gcp" or "azure", got ${JSON.stringify(cloud)}`);
    }
}
