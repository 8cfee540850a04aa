/**
 * The ECS container definition of one slot: the image by digest, a read-only root filesystem with writable
 * scratch volumes, a non-root user, no privileges, secrets only as `secrets[].valueFrom` references, logs to
 * CloudWatch. Pure: returns the JSON text `aws.ecs.TaskDefinition.containerDefinitions` takes.
 */

/** The name of the one container of every task. */
export const CONTAINER_NAME = "app";

/** The plain settings of one container definition. */
export interface ContainerDefinitionSettings {
    image: string;
    port: number;
    user: string;
    env: Record<string, string>;
    /** Environment name to the `valueFrom` reference (Secrets Manager / SSM Parameter Store ARN). */
    secrets: Record<string, string>;
    tmpPaths: string[];
    logGroup: string;
    region: string;
    slot: string;
    /** The release version of the slot (the container sees it as RELEASE_VERSION). */
    version: string;
}

/** The scratch volume name of the i-th tmp path. */
export function tmpVolumeName(index: number): string {
    return `tmp-${index}`;
}

/** The `containerDefinitions` JSON of a slot's task definition. */
export function containerDefinitions(s: ContainerDefinitionSettings): string {
    const environment = [
        { name: "PORT", value: String(s.port) },
        { name: "RELEASE_SLOT", value: s.slot },
        { name: "RELEASE_VERSION", value: s.version },
        ...Object.keys(s.env)
            .sort()
            .map((name) => ({ name, value: s.env[name] })),
    ];
    const secrets = Object.keys(s.secrets)
        .sort()
        .map((name) => ({ name, valueFrom: s.secrets[name] }));
    return JSON.stringify([
        {
            name: CONTAINER_NAME,
            image: s.image,
            essential: true,
            user: s.user,
            privileged: false,
            readonlyRootFilesystem: true,
            linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true },
            portMappings: [{ containerPort: s.port, protocol: "tcp" }],
            environment,
            secrets,
            mountPoints: s.tmpPaths.map((containerPath, i) => ({
                sourceVolume: tmpVolumeName(i),
                containerPath,
                readOnly: false,
            })),
            logConfiguration: {
                logDriver: "awslogs",
                options: {
                    "awslogs-group": s.logGroup,
                    "awslogs-region": s.region,
                    "awslogs-stream-prefix": s.slot,
                },
            },
        },
    ]);
}
