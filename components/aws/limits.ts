/**
 * What AWS enforces on a container service, as pure checks with the documentation they rest on. The
 * component refuses these inputs before any resource exists; the specs' constraints layer holds the
 * synthesized resources to the same truths.
 */

/** Fargate task sizes (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size). */
export const FARGATE_SIZES_DOC =
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size";

/** CPU units to the memory range (MiB) Fargate accepts with them: [from, to, step]. */
export const FARGATE_MEMORY: Readonly<Record<number, readonly [number, number, number]>> = {
    256: [512, 2048, 512],
    512: [1024, 4096, 1024],
    1024: [2048, 8192, 1024],
    2048: [4096, 16384, 1024],
    4096: [8192, 30720, 1024],
    8192: [16384, 61440, 4096],
    16384: [32768, 122880, 8192],
};

/** The memory values (MiB) Fargate accepts with `cpuUnits`. */
export function fargateMemoryChoices(cpuUnits: number): number[] {
    const range = FARGATE_MEMORY[cpuUnits];
    if (!range) {
        return [];
    }
    const [from, to, step] = range;
    const choices = [];
    for (let m = from; m <= to; m += step) {
        choices.push(m);
    }
    // 0.25 vCPU takes 512, 1024 and 2048 only.
    return cpuUnits === 256 ? choices.filter((m) => m !== 1536) : choices;
}

/** Why `cpu` vCPUs with `memoryMiB` is not a Fargate task size, or undefined when it is one. */
export function fargateSizeProblem(cpu: number, memoryMiB: number): string | undefined {
    const units = Math.round(cpu * 1024);
    const choices = fargateMemoryChoices(units);
    if (choices.length === 0 || units !== cpu * 1024) {
        return `cpu ${cpu} is not a Fargate task size: take 0.25, 0.5, 1, 2, 4, 8 or 16 vCPUs (${FARGATE_SIZES_DOC})`;
    }
    if (!choices.includes(memoryMiB)) {
        const [from, to, step] = FARGATE_MEMORY[units];
        const range = units === 256 ? "512, 1024 or 2048" : `${from} to ${to} in steps of ${step}`;
        return `memoryMiB ${memoryMiB} does not go with cpu ${cpu} on Fargate: ${cpu} vCPU takes ${range} MiB (${FARGATE_SIZES_DOC})`;
    }
    return undefined;
}

/** ALB: subnets in at least two availability zones, one subnet per zone. */
export const ALB_SUBNETS_DOC =
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer";
