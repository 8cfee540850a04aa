/**
 * The offline evaluator on a 10k-resource stack (a mix of judged and unjudged types, like a stack export):
 * evaluation time against JSON.parse of the same export (the CLI's goal: audit <= 3x JSON.parse).
 */
import { evaluatePack, type EvaluatedResource } from "../policy/evaluate";

const DIGEST = `sha256:${"ab".repeat(32)}`;

function resource(i: number): EvaluatedResource {
    const kinds: Array<[string, Record<string, unknown>]> = [
        [
            "aws:ec2/securityGroup:SecurityGroup",
            {
                ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
                egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
                vpcId: `vpc-${i}`,
                tags: { Name: `sg-${i}` },
            },
        ],
        [
            "aws:ecs/taskDefinition:TaskDefinition",
            {
                family: `svc-${i}`,
                cpu: "256",
                memory: "512",
                containerDefinitions: JSON.stringify([
                    {
                        name: "app",
                        image: `123.dkr.ecr.us-east-1.amazonaws.com/app@${DIGEST}`,
                        readonlyRootFilesystem: true,
                        environment: [{ name: "PORT", value: "8080" }],
                        portMappings: [{ containerPort: 8080 }],
                    },
                ]),
            },
        ],
        [
            "gcp:cloudrunv2/service:Service",
            {
                location: "us-central1",
                template: {
                    containers: [
                        { image: `us-docker.pkg.dev/p/r/app@${DIGEST}`, envs: [{ name: "PORT", value: "8080" }] },
                    ],
                },
            },
        ],
        ["aws:s3/bucket:Bucket", { bucket: `b-${i}`, tags: { team: "x" } }],
        [
            "aws:iam/role:Role",
            {
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Service: "ecs-tasks.amazonaws.com" },
                            Action: "sts:AssumeRole",
                        },
                    ],
                }),
            },
        ],
    ];
    const [type, inputs] = kinds[i % kinds.length];
    return {
        urn: `urn:pulumi:prod::app::${type}::r${i}`,
        type,
        name: `r${i}`,
        custom: true,
        inputs,
        outputs: { ...inputs, id: `r${i}-id`, arn: `arn:aws:x:::r${i}` },
        dependencies: [],
        propertyDependencies: {},
    };
}

export default async function run(): Promise<void> {
    const n = 10_000;
    const resources = [
        {
            urn: "urn:pulumi:prod::app::pulumi:pulumi:Stack::app-prod",
            type: "pulumi:pulumi:Stack",
            name: "app-prod",
            inputs: {},
            outputs: {},
        } as EvaluatedResource,
    ];
    for (let i = 0; i < n; i++) {
        resources.push(resource(i));
    }
    const text = JSON.stringify({ deployment: { resources } });
    const time = async <T>(f: () => Promise<T> | T): Promise<[number, T]> => {
        const t = process.hrtime.bigint();
        const v = await f();
        return [Number(process.hrtime.bigint() - t) / 1e6, v];
    };
    await evaluatePack(resources.slice(0, 200)); // module load and analyzer construction
    const [parseMs, parsed] = await time(() => JSON.parse(text));
    const [firstMs, verdict] = await time(() => evaluatePack(parsed.deployment.resources));
    const parses: number[] = [];
    const evals: number[] = [];
    for (let i = 0; i < 5; i++) {
        const [p, again] = await time(() => JSON.parse(text));
        parses.push(p);
        evals.push((await time(() => evaluatePack(again.deployment.resources)))[0]);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
        `   ${n} resources (${verdict.judged} judged, ${verdict.violations.length} violations), ${(text.length / 1e6).toFixed(1)} MB export`,
    );
    console.log(
        `   first run: JSON.parse ${parseMs.toFixed(1)} ms, evaluatePack ${firstMs.toFixed(1)} ms (${(firstMs / parseMs).toFixed(1)}x)`,
    );
    console.log(
        `   warm (median of 5): JSON.parse ${median(parses).toFixed(1)} ms, evaluatePack ${median(evals).toFixed(1)} ms (${(median(evals) / median(parses)).toFixed(1)}x)`,
    );
}
