/**
 * In-memory stand-ins for the engine and the registries, for the specs of the release flow's ordering and
 * failure safety (which steps run, what is written where, and what is left when something fails). Every
 * call is logged in one shared event list, in order.
 */
import { createHash } from "node:crypto";
import type { BuildRequest, ContainerEngine, StartedContainer } from "../../../../bin/lib/release/docker";
import type { ProcessResult } from "../../../../bin/lib/release/process";
import type { Location, ManifestInfo, RegistryTransport } from "../../../../bin/lib/release/skopeo";
import type { RegistryTarget } from "../../../../bin/lib/release/registries";

/** The shared log: `build`, `start`, `exec`, `stage`, `push aws@sha256:…`, `copy gcp@sha256:…`, `tag gcp:v1`, ... */
export type EventLog = string[];

export const sha = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

const ok = (stdout = ""): ProcessResult => ({
    code: 0,
    stdout,
    stdoutBytes: Buffer.from(stdout),
    stderr: "",
    ms: 1,
    timedOut: false,
});

/** A container engine whose image answers the smoke test (or not), building `content` into an image id. */
export class FakeEngine implements ContainerEngine {
    builds: BuildRequest[] = [];
    healthy = true;
    exitsEarly = false;
    private running = new Set<string>();
    constructor(
        readonly log: EventLog,
        public content = "v1 content",
    ) {}

    async build(request: BuildRequest) {
        this.builds.push(request);
        this.log.push("build");
        return { imageId: sha(`config of ${this.content}`), log: "" };
    }
    async start(imageId: string): Promise<StartedContainer> {
        this.log.push(`start ${imageId.slice(0, 15)}`);
        const id = `c${this.builds.length}`;
        this.running.add(id);
        return { id };
    }
    async exec(): Promise<ProcessResult> {
        this.log.push("exec");
        return this.healthy
            ? ok("ok")
            : { ...ok(), code: 1, stderr: "wget: server returned error: HTTP/1.1 404 Not Found" };
    }
    async state(id: string) {
        return { running: this.running.has(id) && !this.exitsEarly, exitCode: this.exitsEarly ? 137 : 0 };
    }
    async logs() {
        return "httpd: response:404";
    }
    async remove(id: string) {
        this.log.push("remove");
        this.running.delete(id);
    }
}

interface Repo {
    manifests: Map<string, ManifestInfo>;
    tags: Map<string, string>;
}

/** Registries in memory, keyed by repository, with failure injection per registry name. */
export class FakeRegistries implements RegistryTransport {
    readonly repos = new Map<string, Repo>();
    /** Registry names whose pushes / copies fail (a registry going away mid-release). */
    failWrites = new Set<string>();
    /** Registry names that serve another manifest than the one written. */
    tamper = new Set<string>();
    /** Registry names that cannot be read at all. */
    unreachable = new Set<string>();
    constructor(
        readonly log: EventLog,
        readonly engine: FakeEngine,
    ) {}

    private repo(target: RegistryTarget): Repo {
        let r = this.repos.get(target.repository);
        if (!r) {
            r = { manifests: new Map(), tags: new Map() };
            this.repos.set(target.repository, r);
        }
        return r;
    }
    /** The manifest the fake "stages" for the engine's current content. */
    manifestFor(content: string): ManifestInfo {
        return { digest: sha(`manifest of ${content}`), configDigest: sha(`config of ${content}`) };
    }
    async stage(): Promise<ManifestInfo> {
        this.log.push("stage");
        return this.manifestFor(this.engine.content);
    }
    private write(to: Location, manifest: ManifestInfo, verb: string) {
        if (this.failWrites.has(to.target.name)) {
            this.log.push(`${verb} ${to.target.name} FAILED`);
            throw new Error(`skopeo copy exited with status 1: connection refused (${to.target.host})`);
        }
        const repo = this.repo(to.target);
        if (to.reference.startsWith("sha256:")) {
            repo.manifests.set(manifest.digest, manifest);
            this.log.push(`${verb} ${to.target.name}@${to.reference.slice(0, 13)}`);
        } else {
            repo.tags.set(to.reference, manifest.digest);
            this.log.push(`tag ${to.target.name}:${to.reference}`);
        }
    }
    async push(_dir: string, to: Location): Promise<void> {
        this.write(to, this.manifestFor(this.engine.content), "push");
    }
    async copy(from: Location, to: Location): Promise<void> {
        const source = await this.inspect(from);
        if (!source) {
            throw new Error(`copy from a missing manifest ${from.reference}`);
        }
        this.write(
            to,
            this.repo(from.target).manifests.get(source.digest) ?? source,
            to.reference.startsWith("sha256:") ? "copy" : "tag",
        );
    }
    async inspect(at: Location): Promise<ManifestInfo | undefined> {
        if (this.unreachable.has(at.target.name)) {
            throw new Error(`pinging container registry ${at.target.host}: connection refused`);
        }
        const repo = this.repo(at.target);
        const digest = at.reference.startsWith("sha256:") ? at.reference : repo.tags.get(at.reference);
        const found = digest === undefined ? undefined : repo.manifests.get(digest);
        if (found && this.tamper.has(at.target.name)) {
            return { digest: sha(`rewritten ${found.digest}`), configDigest: found.configDigest };
        }
        return found;
    }
    /** `repo:tag -> digest` for every tag in every registry. */
    tags(): Record<string, string> {
        const out: Record<string, string> = {};
        for (const [name, repo] of this.repos) {
            for (const [tag, digest] of repo.tags) {
                out[`${name}:${tag}`] = digest;
            }
        }
        return out;
    }
    /** Manifests (tagged or not) held per repository. */
    contentCount(): number {
        return [...this.repos.values()].reduce((n, r) => n + r.manifests.size, 0);
    }
}
