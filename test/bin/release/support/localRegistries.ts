/**
 * Real distribution registries on 127.0.0.1 for the real-image specs (standing in for ECR, Artifact
 * Registry and ACR), each with its own temporary storage, and a reader of what they hold that talks the
 * registry HTTP API directly (independent of skopeo, which the release itself uses).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/** The registry binary (Debian's docker-registry), when installed. */
export function registryBinary(): string | undefined {
    const candidates = [
        process.env.IMMUTABLE_REGISTRY_BIN,
        "/usr/bin/docker-registry",
        "/usr/local/bin/registry",
    ].filter((c): c is string => Boolean(c));
    const found = candidates.find((c) => fs.existsSync(c));
    if (found) {
        return found;
    }
    const which = spawnSync("sh", ["-c", "command -v docker-registry || command -v registry"], { encoding: "utf8" });
    return which.status === 0 ? which.stdout.trim() : undefined;
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

const ACCEPT = [
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.index.v1+json",
].join(", ");

/** One registry process. */
export class LocalRegistry {
    private child?: ChildProcess;
    readonly host: string;

    constructor(
        readonly name: string,
        readonly port: number,
        private readonly binary: string,
        readonly storage: string,
    ) {
        this.host = `127.0.0.1:${port}`;
    }

    /** Starts (or restarts) the registry on its port with its storage, and waits until it answers. */
    async start(): Promise<void> {
        const config = path.join(this.storage, "config.yml");
        fs.mkdirSync(path.join(this.storage, "data"), { recursive: true });
        fs.writeFileSync(
            config,
            [
                "version: 0.1",
                "log:",
                "  level: error",
                "storage:",
                "  filesystem:",
                `    rootdirectory: ${path.join(this.storage, "data")}`,
                "  delete:",
                "    enabled: false",
                "http:",
                `  addr: ${this.host}`,
                "",
            ].join("\n"),
        );
        this.child = spawn(this.binary, ["serve", config], { stdio: "ignore" });
        const deadline = Date.now() + 10_000;
        while (Date.now() < deadline) {
            if (
                await fetch(`http://${this.host}/v2/`).then(
                    (r) => r.ok,
                    () => false,
                )
            ) {
                return;
            }
            await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error(`registry ${this.name} did not answer on ${this.host}`);
    }

    /** Stops the registry process (its storage is kept: start() brings the same content back). */
    async stop(): Promise<void> {
        const child = this.child;
        this.child = undefined;
        if (child && child.exitCode === null) {
            const exited = new Promise((r) => child.once("exit", r));
            child.kill("SIGTERM");
            await exited;
        }
    }

    /** The repositories the registry holds anything for (pushed blobs or manifests, tagged or not). */
    async catalog(): Promise<string[]> {
        const res = await fetch(`http://${this.host}/v2/_catalog`);
        return ((await res.json()) as { repositories: string[] }).repositories ?? [];
    }

    /** The digest the registry serves for `repo:reference` (its Docker-Content-Digest, checked against the bytes), or undefined. */
    async digest(repository: string, reference: string): Promise<string | undefined> {
        const res = await fetch(`http://${this.host}/v2/${repository}/manifests/${reference}`, {
            headers: { accept: ACCEPT },
        });
        if (res.status === 404) {
            return undefined;
        }
        if (!res.ok) {
            throw new Error(`${this.host}/${repository}:${reference} answered ${res.status}`);
        }
        const bytes = Buffer.from(await res.arrayBuffer());
        const computed = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
        const header = res.headers.get("docker-content-digest");
        if (header !== computed) {
            throw new Error(
                `${this.host}/${repository}:${reference}: header digest ${header} != content digest ${computed}`,
            );
        }
        return computed;
    }
}

/** Starts registries named `names` on free loopback ports, each with fresh storage. */
export async function startRegistries(binary: string, names: string[]): Promise<LocalRegistry[]> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-registries-"));
    const registries: LocalRegistry[] = [];
    for (const name of names) {
        const registry = new LocalRegistry(name, await freePort(), binary, path.join(root, name));
        await registry.start();
        registries.push(registry);
    }
    return registries;
}
