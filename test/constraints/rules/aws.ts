/** What AWS enforces on container services and registries, and the mocks do not. */
import { ALB_SUBNETS_DOC, FARGATE_SIZES_DOC, fargateSizeProblem } from "../../../components/aws/limits";
import { BUILD_CACHE_TAG_FILTER } from "../../../components/core/buildCache";
import { plain } from "../../components/support/clouds";
import { type Constraint, dependsOn, ofType } from "../constraint";

const LB = "aws:lb/loadBalancer:LoadBalancer";
const TASK = "aws:ecs/taskDefinition:TaskDefinition";
const SERVICE = "aws:ecs/service:Service";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const LISTENER = "aws:lb/listener:Listener";
const REPOSITORY = "aws:ecr/repository:Repository";
const LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy";

/** The role (and its policies) an ARN names. */
function roleOf(s: import("../../../bin/lib/synthesize").Synthesis, arn: unknown) {
    const role = s.resources.find((r) => r.type === ROLE && plain(r.outputs).arn === arn);
    const refs = role ? [plain(role.outputs).id, plain(role.outputs).name] : [];
    const policies = ofType(s, ROLE_POLICY).filter((p) => refs.includes(p.plain.role));
    const attachments = ofType(s, ATTACHMENT).filter((a) => refs.includes(a.plain.role));
    return { role, policies, attachments };
}

export const AWS_CONSTRAINTS: Constraint[] = [
    {
        id: "aws.alb.subnets-per-zone",
        description:
            "An Application Load Balancer takes subnets in at least two availability zones, one subnet per zone.",
        doc: ALB_SUBNETS_DOC,
        types: [LB],
        check: (s, world) =>
            ofType(s, LB)
                .filter((lb) => (lb.plain.loadBalancerType ?? "application") === "application")
                .flatMap((lb) => {
                    const subnets: string[] = lb.plain.subnets ?? [];
                    const zones = subnets.map((id) => world.subnetZones[id]);
                    if (zones.some((z) => z === undefined)) {
                        return [
                            {
                                urn: lb.urn,
                                message: `subnets in unknown zones: ${subnets.filter((_, i) => !zones[i]).join(", ")}`,
                            },
                        ];
                    }
                    if (new Set(zones).size < 2) {
                        return [
                            {
                                urn: lb.urn,
                                message: `subnets ${subnets.join(", ")} span ${new Set(zones).size} zone(s), not two`,
                            },
                        ];
                    }
                    return new Set(zones).size === zones.length
                        ? []
                        : [
                              {
                                  urn: lb.urn,
                                  message: `two subnets in one zone: ${subnets.map((id, i) => `${id}=${zones[i]}`).join(", ")}`,
                              },
                          ];
                }),
    },
    {
        id: "aws.fargate.task-size",
        description: "A Fargate task takes one of the fixed CPU / memory pairs.",
        doc: FARGATE_SIZES_DOC,
        types: [TASK],
        check: (s) =>
            ofType(s, TASK)
                .filter((t) => (t.plain.requiresCompatibilities ?? []).includes("FARGATE"))
                .flatMap((t) => {
                    const problem = fargateSizeProblem(Number(t.plain.cpu) / 1024, Number(t.plain.memory));
                    return problem ? [{ urn: t.urn, message: problem }] : [];
                }),
    },
    {
        id: "aws.ecs.agent-may-pull-and-read-before-start",
        description:
            "The execution role may pull from ECR and read every secret a task references before the service starts tasks (IAM is eventually consistent and the service does not wait by itself).",
        doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html",
        types: [SERVICE],
        check: (s) =>
            ofType(s, SERVICE).flatMap((svc) => {
                const task = s.resources.find(
                    (r) => r.type === TASK && plain(r.outputs).arn === svc.plain.taskDefinition,
                );
                if (!task) {
                    return [{ urn: svc.urn, message: "its task definition is not in the synthesis" }];
                }
                const t = plain(task.inputs);
                const { role, policies, attachments } = roleOf(s, t.executionRoleArn);
                if (!role) {
                    return [{ urn: svc.urn, message: "its execution role is not in the synthesis" }];
                }
                const found: Array<{ urn: string; message: string }> = [];
                const pull = attachments.find((a) => /AmazonECSTaskExecutionRolePolicy$/.test(a.plain.policyArn));
                if (!pull || !dependsOn(svc, pull)) {
                    found.push({
                        urn: svc.urn,
                        message:
                            "does not wait for AmazonECSTaskExecutionRolePolicy on its execution role (image pull, logs)",
                    });
                }
                const secrets: string[] = JSON.parse(t.containerDefinitions).flatMap((c: any) =>
                    (c.secrets ?? []).map((x: any) => String(x.valueFrom)),
                );
                for (const valueFrom of secrets) {
                    const base = valueFrom.includes(":secretsmanager:")
                        ? valueFrom.split(":").slice(0, 7).join(":")
                        : valueFrom.replace(/:\d+$/, "");
                    const grant = policies.find((p) =>
                        JSON.parse(p.plain.policy).Statement.some(
                            (st: any) => st.Effect === "Allow" && [st.Resource].flat().includes(base),
                        ),
                    );
                    if (!grant) {
                        found.push({ urn: svc.urn, message: `its execution role may not read ${base}` });
                    } else if (!dependsOn(svc, grant)) {
                        found.push({ urn: svc.urn, message: `does not wait for the policy that lets it read ${base}` });
                    }
                }
                return found;
            }),
    },
    {
        id: "aws.ecs.tasks-can-reach-ecr",
        description:
            "A Fargate task in a public subnet pulls its image only with a public IP (a private subnet routes through NAT or VPC endpoints).",
        doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html",
        types: [SERVICE],
        check: (s, world) =>
            ofType(s, SERVICE).flatMap((svc) => {
                const net = svc.plain.networkConfiguration ?? {};
                const publicOnes = (net.subnets ?? []).filter((id: string) => world.publicSubnets.includes(id));
                return publicOnes.length > 0 && net.assignPublicIp !== true
                    ? [
                          {
                              urn: svc.urn,
                              message: `tasks in public subnets ${publicOnes.join(", ")} without a public IP cannot pull`,
                          },
                      ]
                    : [];
            }),
    },
    {
        id: "aws.ecs.steady-state",
        description: "`pulumi up` reports success only when the service reached a steady state (waitForSteadyState).",
        doc: "https://www.pulumi.com/registry/packages/aws/api-docs/ecs/service/#waitforsteadystate_nodejs",
        types: [SERVICE],
        check: (s) =>
            ofType(s, SERVICE)
                .filter((svc) => svc.plain.waitForSteadyState !== true)
                .map((svc) => ({
                    urn: svc.urn,
                    message: "does not wait for a steady state: an unhealthy slot would deploy green",
                })),
    },
    {
        id: "aws.https.url-on-certificate-domain",
        description:
            "Behind an HTTPS listener, the service's URLs use the certificate's domain (TLS fails on the load balancer's own DNS name).",
        doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/https-listener-certificates.html",
        types: [LISTENER],
        check: (s) => {
            if (!ofType(s, LISTENER).some((l) => l.plain.protocol === "HTTPS")) {
                return [];
            }
            return s.resources
                .filter((r) => !r.custom && typeof plain(r.registeredOutputs ?? {}).url === "string")
                .flatMap((r) => {
                    const out = plain(r.registeredOutputs);
                    const urls = [out.url, ...Object.values(out.smokeTestUrls ?? {})] as string[];
                    return urls
                        .filter((u) => /\.elb\.amazonaws\.com/.test(new URL(u).host) || !u.startsWith("https://"))
                        .map((u) => ({ urn: r.urn, message: `${u} is not on the certificate's domain over HTTPS` }));
                });
        },
    },
    {
        id: "aws.ecr.repository-name",
        description: "ECR repository names: 2-256 lowercase letters, digits, and . _ - / separators.",
        doc: "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html#ECR-CreateRepository-request-repositoryName",
        types: [REPOSITORY],
        check: (s) =>
            ofType(s, REPOSITORY)
                .filter((r) => {
                    const name = String(r.plain.name ?? "");
                    return (
                        name.length < 2 ||
                        name.length > 256 ||
                        !/^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name)
                    );
                })
                .map((r) => ({ urn: r.urn, message: `repository name ${JSON.stringify(r.plain.name)}` })),
    },
    {
        id: "aws.ecr.keep-counts-releases",
        description:
            "A keep-N lifecycle rule counts tagged images only, and no rule expires untagged images of a release repository: a multi-platform release's child manifests are untagged.",
        doc: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html",
        types: [LIFECYCLE],
        check: (s) =>
            ofType(s, LIFECYCLE).flatMap((p) => {
                const repo = ofType(s, REPOSITORY).find((r) => plain(r.outputs).name === p.plain.repository);
                if (repo?.plain.imageTagMutability !== "IMMUTABLE") {
                    return []; // a cache repository
                }
                return JSON.parse(p.plain.policy)
                    .rules.filter((r: any) => r.selection.tagStatus !== "tagged")
                    .map((r: any) => ({
                        urn: p.urn,
                        message: `rule ${r.rulePriority} selects ${r.selection.tagStatus} images`,
                    }));
            }),
    },
    {
        id: "aws.ecr.only-cache-tags-move",
        description:
            "Only a build-cache repository leaves tags mutable, and only its cache tag (IMMUTABLE_WITH_EXCLUSION); a BuildKit cache never goes to an IMMUTABLE release repository.",
        doc: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html",
        types: [REPOSITORY],
        check: (s) => {
            const found = ofType(s, REPOSITORY)
                .filter((r) => r.plain.imageTagMutability === "IMMUTABLE_WITH_EXCLUSION")
                .filter(
                    (r) =>
                        !String(r.plain.name).endsWith("-buildcache") ||
                        JSON.stringify((r.plain.imageTagMutabilityExclusionFilters ?? []).map((f: any) => f.filter)) !==
                            JSON.stringify([BUILD_CACHE_TAG_FILTER]),
                )
                .map((r) => ({ urn: r.urn, message: `tags other than the cache tag can move in ${r.plain.name}` }));
            const releases = ofType(s, REPOSITORY)
                .filter((r) => r.plain.imageTagMutability === "IMMUTABLE")
                .map((r) => plain(r.outputs).repositoryUrl);
            for (const image of ofType(s, "docker-build:index:Image")) {
                for (const c of image.plain.cacheTo ?? []) {
                    const ref = /ref=([^,]+)/.exec(String(c.raw ?? ""))?.[1]?.replace(/:[^:/]+$/, "");
                    if (ref && releases.includes(ref)) {
                        found.push({ urn: image.urn, message: `exports its cache to the release repository ${ref}` });
                    }
                }
            }
            return found;
        },
    },
];
