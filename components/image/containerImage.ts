import * as dockerbuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as path from "node:path";
import { registryCacheFrom, registryCacheRepository, registryCacheTo } from "../core/buildCache";
import { pinnedRef } from "../core/imageRef";
import { Validator } from "../core/validation";
import { checkBuildArgs, checkRepository, checkVersion, dirtyTreeProblem, gitSha } from "./buildInputs";
import { checkBaseImages, describeUnpinned } from "./dockerfile";
import { componentType } from "../core/packageName";

/** Target platforms of the build. */
export enum ImagePlatform {
    LinuxAmd64 = "linux/amd64",
    LinuxArm64 = "linux/arm64",
}

/** What to do with a Dockerfile whose `FROM` lines are not pinned by digest. */
export enum BaseImagePolicy {
    /** Refuse to build (default). */
    Require = "require",
    /** Build, with a warning per unpinned `FROM` (for teams migrating). */
    Warn = "warn",
}

/** One registry the release is pushed to. */
export interface RegistryTarget {
    /** Key of this registry's pinned reference in `refs`, e.g. `aws`, `gcp`, `azure`. */
    name: pulumi.Input<string>;
    /** Repository to push to, without tag or digest, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com/api`. */
    repositoryUrl: pulumi.Input<string>;
    /** Registry host to authenticate against; the repository's host when omitted. */
    server?: pulumi.Input<string>;
    /** Push user name; the ambient Docker credentials are used when omitted (or when it resolves to nothing). */
    username?: pulumi.Input<string | undefined>;
    /** Push password or token (keep it secret); the ambient Docker credentials are used when omitted. */
    password?: pulumi.Input<string | undefined>;
}

/** Arguments of {@link ContainerImage}. */
export interface ContainerImageArgs {
    /** Build context directory. */
    context: pulumi.Input<string>;
    /** Dockerfile path, relative to the context (default `Dockerfile`). */
    dockerfile?: pulumi.Input<string>;
    /**
     * Release version the image is tagged with in every registry. Tags never move. Default: the git SHA of the
     * context, refused when the context has uncommitted changes (the SHA would name other sources).
     */
    version?: pulumi.Input<string>;
    /** Registries to push the one build to; the digest is the same in all of them. */
    registries: RegistryTarget[];
    /** Target platforms (default linux/amd64). */
    platforms?: ImagePlatform[];
    /** Build stage to stop at in a multi-stage Dockerfile. */
    target?: pulumi.Input<string>;
    /** Build arguments. Refused when a name or value looks like a secret: use `secrets`. */
    buildArgs?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** BuildKit secrets by id, mounted with `RUN --mount=type=secret,id=<id>`; never stored in the image. */
    secrets?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * A build-cache repository (the registries' `cacheRepositoryUrl`, never a release repository): the build reads
     * and writes its BuildKit cache there, under the one tag that repository lets move.
     */
    cacheRepositoryUrl?: pulumi.Input<string>;
    /** Further cache sources in buildx syntax (a `type=registry` ref may not name a release repository). */
    cacheFrom?: pulumi.Input<string>[];
    /** Further cache exports in buildx syntax (a `type=registry` ref may not name a release repository). */
    cacheTo?: pulumi.Input<string>[];
    /** Unpinned base images: refuse (default) or warn. */
    baseImagePolicy?: BaseImagePolicy;
    /** Extra image labels (the version and git SHA are always set). */
    labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A golden container image: built once per release with BuildKit, tagged with the release version, pushed to
 * every configured registry, and published as one digest with one `repo@sha256:...` reference per registry.
 */
export class ContainerImage extends pulumi.ComponentResource {
    /** The release version (tag) of this build. */
    public readonly version: pulumi.Output<string>;
    /** The git commit of the build context, or "unknown" outside a git checkout. */
    public readonly gitSha: pulumi.Output<string>;
    /** The image digest (`sha256:...`), identical in every registry. */
    public readonly digest: pulumi.Output<string>;
    /** One pinned reference per registry: `{aws: "<repo>@sha256:...", ...}`. */
    public readonly refs: pulumi.Output<Record<string, string>>;
    /** The pinned base images of the Dockerfile (`FROM ...@sha256:...`). */
    public readonly baseImages: pulumi.Output<string[]>;
    /** The one BuildKit build. */
    public readonly image: dockerbuild.Image;

    constructor(name: string, args: ContainerImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("ContainerImage"), name, args, opts);
        const v = new Validator("ContainerImage", name);
        const registries = checkRegistries(v, args.registries);
        if (args.buildArgs !== undefined && !pulumi.Output.isInstance(args.buildArgs)) {
            checkBuildArgs(v, args.buildArgs as Record<string, unknown>);
        }
        checkVersion(v, args.version);
        checkCaches(v, args);

        // Plain inputs are checked now, so errors surface at construction; outputs when they resolve.
        const policy = args.baseImagePolicy ?? BaseImagePolicy.Require;
        const inspect = (context: string, dockerfile: string | undefined, version: string | undefined) =>
            inspectBuild(v, this, { context, dockerfile, version, policy });
        const plain = [args.context, args.dockerfile, args.version].every(
            (x) => x === undefined || typeof x === "string",
        );
        const checks = plain
            ? pulumi.output(
                  inspect(
                      args.context as string,
                      args.dockerfile as string | undefined,
                      args.version as string | undefined,
                  ),
              )
            : pulumi.all([args.context, args.dockerfile, args.version]).apply(([c, d, ver]) => inspect(c, d, ver));

        this.version = checks.version;
        this.gitSha = checks.gitSha;
        this.baseImages = checks.baseImages;
        const tags = pulumi
            .all([this.version, ...registries.map((r) => r.repositoryUrl)])
            .apply(([version, ...repos]) => repos.map((repo) => `${repo}:${version}`));
        this.image = new dockerbuild.Image(
            `${name}-build`,
            {
                context: { location: args.context },
                dockerfile: { location: checks.file },
                platforms: (args.platforms ?? [ImagePlatform.LinuxAmd64]) as dockerbuild.Platform[],
                target: args.target,
                buildArgs: args.buildArgs,
                secrets: args.secrets,
                cacheFrom: cacheSpecs(args.cacheRepositoryUrl, registryCacheFrom, args.cacheFrom),
                cacheTo: cacheSpecs(args.cacheRepositoryUrl, registryCacheTo, args.cacheTo),
                labels: pulumi.all([args.labels ?? {}, this.version, this.gitSha]).apply(([labels, version, sha]) => ({
                    ...labels,
                    "org.opencontainers.image.version": version,
                    "org.opencontainers.image.revision": sha,
                })),
                tags,
                push: true,
                registries: pushCredentials(registries),
                buildOnPreview: false,
            },
            { parent: this },
        );
        this.digest = this.image.digest;
        this.refs = pulumi
            .all([
                this.image.digest,
                pulumi.all(registries.map((r) => r.name)),
                pulumi.all(registries.map((r) => r.repositoryUrl)),
            ])
            .apply(([digest, keys, repos]) =>
                Object.fromEntries(keys.map((key, i) => [key, pinnedRef(repos[i], digest)])),
            );
        this.registerOutputs({
            version: this.version,
            gitSha: this.gitSha,
            digest: this.digest,
            refs: this.refs,
            baseImages: this.baseImages,
            image: this.image,
        });
    }
}

/** Checks the registry list: at least one, repositories without tag or digest, one key per registry. */
function checkRegistries(v: Validator, list: RegistryTarget[]): RegistryTarget[] {
    const registries = v.nonEmptyArray("registries", list);
    const names = new Set<string>();
    registries.forEach((r, i) => {
        checkRepository(v, `registries[${i}].repositoryUrl`, r.repositoryUrl);
        if (typeof r.name === "string") {
            if (r.name.trim() === "") {
                v.fail(`registries[${i}].name`, "must be a non-empty key such as aws, gcp or azure");
            }
            if (names.has(r.name)) {
                v.fail(`registries[${i}].name`, `repeats "${r.name}": each registry needs its own key`);
            }
            names.add(r.name);
        }
    });
    return registries;
}

/**
 * The push credentials of the registries that have them. Credentials that resolve to nothing (no token to
 * mint one) leave that registry to the host's login.
 */
function pushCredentials(registries: RegistryTarget[]): pulumi.Output<dockerbuild.types.input.RegistryArgs[]> {
    return pulumi
        .all(
            registries
                .filter((r) => r.username !== undefined && r.password !== undefined)
                .map((r) => ({
                    address: r.server ?? pulumi.output(r.repositoryUrl).apply((u) => u.split("/")[0]),
                    username: r.username!,
                    password: pulumi.secret(r.password!),
                })),
        )
        .apply((all) => all.filter((c) => c.username && c.password) as dockerbuild.types.input.RegistryArgs[]);
}

/** What a build is made of, once checked. */
interface InspectedBuild {
    file: string;
    baseImages: string[];
    gitSha: string;
    version: string;
}

/** Reads the Dockerfile, applies the base-image policy and settles the version (default: the git SHA). */
function inspectBuild(
    v: Validator,
    resource: pulumi.Resource,
    build: { context: string; dockerfile?: string; version?: string; policy: BaseImagePolicy },
): InspectedBuild {
    const file = path.resolve(build.context, build.dockerfile ?? "Dockerfile");
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err: any) {
        return v.fail("dockerfile", `cannot be read at ${file} (${err.code ?? err.message})`);
    }
    const report = checkBaseImages(text);
    if (report.unpinned.length > 0) {
        const message = `base images must be pinned by digest (FROM image@sha256:...): ${describeUnpinned(report)}`;
        if (build.policy === BaseImagePolicy.Require) {
            v.fail("dockerfile", message);
        }
        pulumi.log.warn(`${v.subject}: dockerfile ${message}`, resource);
    }
    const sha = gitSha(build.context);
    const dirty = build.version === undefined && sha ? dirtyTreeProblem(build.context, build.dockerfile) : undefined;
    if (dirty) {
        v.fail("version", `is not set and ${dirty}`);
    }
    const version = build.version ?? sha;
    if (!version) {
        return v.fail(
            "version",
            `must be set: ${build.context} is not in a git checkout, so there is no git SHA to default to`,
        );
    }
    checkVersion(v, version);
    return { file, baseImages: report.pinned, gitSha: sha ?? "unknown", version };
}

/** The cache specs of one direction: the cache repository's, then the extra ones. */
function cacheSpecs(
    cacheRepository: pulumi.Input<string> | undefined,
    spec: (repository: string) => string,
    extra: pulumi.Input<string>[] | undefined,
): Array<{ raw: pulumi.Input<string> }> | undefined {
    const all = [
        ...(cacheRepository === undefined ? [] : [pulumi.output(cacheRepository).apply(spec)]),
        ...(extra ?? []),
    ];
    return all.length > 0 ? all.map((raw) => ({ raw })) : undefined;
}

/**
 * Refuses a registry cache in a release repository: the cache tag is pushed on every build, which an immutable
 * repository refuses from the second build on. Plain values are checked; Outputs pass.
 */
function checkCaches(v: Validator, args: ContainerImageArgs): void {
    const releases = new Set(
        args.registries.map((r) => r.repositoryUrl).filter((u): u is string => typeof u === "string"),
    );
    const check = (field: string, repository: unknown) => {
        if (typeof repository === "string" && releases.has(repository)) {
            v.fail(
                field,
                `names the release repository ${repository}: its tags are immutable, so the cache tag could be pushed once; use the registry's build-cache repository (buildCache: true, cacheRepositoryUrl)`,
            );
        }
    };
    check("cacheRepositoryUrl", args.cacheRepositoryUrl);
    for (const [field, specs] of [
        ["cacheFrom", args.cacheFrom],
        ["cacheTo", args.cacheTo],
    ] as const) {
        (specs ?? []).forEach((spec, i) => {
            if (typeof spec === "string") {
                check(`${field}[${i}]`, registryCacheRepository(spec));
            }
        });
    }
}
