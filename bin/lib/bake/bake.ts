/**
 * `bake`, the whole flow: check the definition and the host, resolve its packages against the mirror, bootstrap
 * the root file system, customize it, assemble ONE raw disk, boot-test that disk in every declared mode, convert
 * it to the three clouds' formats and convert each back, optionally rebuild it from scratch and compare, and only
 * then publish: the output directory appears complete (renamed into place) or not at all.
 *
 * check ─> resolve ─> bootstrap ─> customize ─> assemble ─> boot <mode>... ─> formats ─> verify ─> [reproduce] ─> publish ─> [upload]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BakeManifest, BakedPackage, BootMode, BootTest } from "../../../components/core/bakeManifest";
import { VersionProblem, describeVersionProblem, versionProblem } from "../../../components/core/version";
import { checkPackagesExist } from "./archive";
import { diskBytes, loadDefinition, type LoadedDefinition } from "./definition";
import { assembleDisk } from "./disk";
import { StepError } from "../release/errors";
import { FILES, bakeFile, verifyRoundTrips, writeAwsVmdk, writeAzureVhd, writeGcpTarball } from "./formats";
import { diskLayout, layoutSeed, type DiskLayout } from "./gpt";
import { hostProblem, hostToolVersions, sha256File } from "./host";
import { buildBakeManifest, sha256Sums, writeBakeManifest } from "./manifest";
import { bootTest, smokeProblems, type BootResult } from "./qemu";
import {
    bootstrap,
    bootstrapRequest,
    checkSshServer,
    customize,
    extract,
    installedPackages,
    normalize,
    pinDifferences,
} from "./rootfs";
import { uploadPlan, uploadUnavailable, type UploadTarget } from "./upload";
import { formatDuration, stepRunner, type StepProgress, type StepRunner } from "../release/progress";
import { run, tail } from "../release/process";

/** Everything one bake is made from (parsed and checked by the command). */
export interface BakeRequest {
    /** The image definition file. */
    definition: string;
    /** The release version (recorded, written into the image, seeds every identifier of the disk). */
    version: string;
    /** The git commit. */
    gitSha: string;
    /** The output directory (must not exist, or be empty). */
    out: string;
    /** SOURCE_DATE_EPOCH. */
    epoch: number;
    /** An exact package set to reproduce (`--pin-packages`). */
    pins?: BakedPackage[];
    /** Rebuild from scratch and compare the raw sha256 before publishing. */
    verifyReproducible: boolean;
    /** Where bootstrapped root file systems are kept by their inputs (never used by the reproducibility rebuild). */
    cacheDir?: string;
    /** Where the work directory goes (default: the OS temp directory). */
    workRoot?: string;
    /** Clouds to upload to after publishing. */
    uploads: UploadTarget[];
    timeouts: { bootstrapMs: number; bootMs: number };
}

/** The progress display and the seams the specs use. */
export interface BakeTools {
    progress: StepProgress;
    /** The boot test (the specs may observe it). */
    boot?: (disk: string, mode: BootMode, workDir: string, timeoutMs: number) => Promise<BootResult>;
    /** Runs a command (uploads); the specs pass a recorder. */
    runUpload?: (command: string, args: string[]) => Promise<{ code: number | null; output: string }>;
}

function mib(bytes: number): string {
    return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The output directory may not hold anything: versions are immutable, a bake never overwrites one. */
function checkOut(out: string): void {
    if (fs.existsSync(out) && (!fs.statSync(out).isDirectory() || fs.readdirSync(out).length > 0)) {
        throw new StepError(
            "check",
            `--out ${out} already exists and is not an empty directory: a bake never overwrites one`,
        );
    }
}

interface Built {
    raw: string;
    sha256: string;
    packages: BakedPackage[];
    sshServer: boolean;
    cached: boolean;
}

/** bootstrap -> customize -> assemble, into `raw`. Steps are reported under `prefix` (empty for the first build). */
async function build(
    step: StepRunner,
    prefix: string,
    loaded: LoadedDefinition,
    req: BakeRequest,
    layout: DiskLayout,
    workDir: string,
    raw: string,
    mmdebstrapVersion: string,
    cacheDir: string | undefined,
): Promise<Built> {
    fs.mkdirSync(workDir, { recursive: true });
    const breq = bootstrapRequest(loaded, req.epoch, req.pins);
    const boot = await step(
        `${prefix}bootstrap`,
        () => bootstrap(breq, workDir, { cacheDir, timeoutMs: req.timeouts.bootstrapMs, mmdebstrapVersion }),
        (b) => `${mib(fs.statSync(b.tar).size)} root file system${b.cached ? " (from the cache)" : ""}`,
    );
    const rootfs = path.join(workDir, "rootfs");
    const custom = await step(
        `${prefix}customize`,
        async () => {
            await extract(boot.tar, rootfs);
            if (!boot.cached) {
                fs.rmSync(boot.tar, { force: true });
            }
            const packages = await installedPackages(rootfs);
            if (req.pins) {
                const diffs = pinDifferences(req.pins, packages);
                if (diffs.length > 0) {
                    throw new StepError(
                        `${prefix}customize`,
                        `the mirror did not give the pinned package set (${diffs.length} difference${diffs.length === 1 ? "" : "s"}: ${diffs.slice(0, 8).join("; ")}${diffs.length > 8 ? "; ..." : ""}); point base.mirror at a snapshot that has these versions (https://snapshot.debian.org)`,
                    );
                }
            }
            const sshServer = checkSshServer(packages, loaded.definition.sshServer === true);
            await customize(rootfs, { loaded, version: req.version, rootFsUuid: layout.rootFsUuid });
            normalize(rootfs, req.epoch);
            return { packages, sshServer };
        },
        (c) => `${c.packages.length} packages${c.sshServer ? ", SSH server (sshServer: true)" : ", no SSH server"}`,
    );
    const sha256 = await step(
        `${prefix}assemble`,
        async () => {
            await assembleDisk(raw, rootfs, layout, req.epoch, workDir);
            fs.rmSync(rootfs, { recursive: true, force: true });
            return sha256File(raw);
        },
        (sha) => `${path.basename(raw)} ${sha}`,
    );
    return { raw, sha256, packages: custom.packages, sshServer: custom.sshServer, cached: boot.cached };
}

/** Where two raw disks differ, by partition (for the reproducibility report). */
function differingPartitions(a: string, b: string, layout: DiskLayout): string[] {
    const regions: Array<[string, number, number]> = [
        ["partition table and boot sector", 0, layout.partitions[0].startSector * 512],
    ];
    for (const p of layout.partitions) {
        regions.push([`${p.role} partition`, p.startSector * 512, p.sizeSectors * 512]);
    }
    return regions.filter(([, at, len]) => sha256File(a, at, len) !== sha256File(b, at, len)).map(([name]) => name);
}

/** Runs a bake; resolves with the written manifest, rejects with a {@link StepError} (and nothing in `out`). */
export async function bake(req: BakeRequest, tools: BakeTools): Promise<BakeManifest> {
    const { progress } = tools;
    const started = Date.now();
    const step = stepRunner(progress);

    const problem = versionProblem(req.version);
    if (problem) {
        throw new StepError("check", `--version ${JSON.stringify(req.version)} ${describeVersionProblem(problem)}`);
    }
    const out = path.resolve(req.out);
    const loaded = await step(
        "check",
        async () => {
            const def = loadDefinition(req.definition);
            checkOut(out);
            const host = hostProblem(def.definition.bootModes.some((m) => m !== "bios"));
            if (host) {
                throw new StepError("check", `this host cannot bake: ${host}`);
            }
            return def;
        },
        (d) => `${d.definition.name} ${req.version}: ${d.definition.bootModes.join(", ")}`,
    );
    const def = loaded.definition;
    let layout: DiskLayout;
    try {
        layout = diskLayout(diskBytes(def), layoutSeed(def.name, req.version));
    } catch (err: any) {
        throw new StepError("check", `${req.definition}: ${err.message}`);
    }
    const breq = bootstrapRequest(loaded, req.epoch, req.pins);
    await step(
        "resolve",
        () => checkPackagesExist(breq),
        (n) => `${breq.packages.length} packages found among ${n} in ${def.base.mirror}`,
    );

    const tools_ = await hostToolVersions();
    const work = fs.mkdtempSync(path.join(req.workRoot ?? os.tmpdir(), "immutable-bake-"));
    // The output is staged beside --out (same file system) and renamed into place only when complete.
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const staging = fs.mkdtempSync(path.join(path.dirname(out), `.${path.basename(out)}.partial-`));
    try {
        const raw = path.join(staging, FILES.raw);
        const first = await build(
            step,
            "",
            loaded,
            req,
            layout,
            path.join(work, "build"),
            raw,
            tools_.mmdebstrap ?? "",
            req.cacheDir,
        );
        const builtAt = new Date();

        const bootTests: BootTest[] = [];
        for (const mode of def.bootModes) {
            const result = await step(
                `boot ${mode}`,
                async () => {
                    const r = await (tools.boot ?? bootTest)(raw, mode, work, req.timeouts.bootMs);
                    const problems = r.smoke ? smokeProblems(mode, r.smoke) : [r.problem ?? "no smoke line"];
                    if (problems.length > 0) {
                        throw new StepError(
                            `boot ${mode}`,
                            `${problems.join("; ")}${r.smoke ? `\n  smoke line: ${r.smoke.line}` : ""}\n  serial console (last lines):\n${r.serialTail.replace(/^/gm, "    ")}\nNothing was published.`,
                        );
                    }
                    return r;
                },
                (r) => `${r.smoke!.line.slice(0, 100)}`,
            );
            bootTests.push({ mode, smoke: result.smoke!.line, seconds: Math.round(result.ms / 100) / 10 });
        }

        await step(
            "formats",
            async () => {
                writeAzureVhd(staging, first.sha256, req.epoch);
                await Promise.all([writeGcpTarball(staging, req.epoch), writeAwsVmdk(staging, first.sha256)]);
                return [FILES.gcp, FILES.azure, FILES.aws].map(
                    (f) => `${f} ${mib(fs.statSync(path.join(staging, f)).size)}`,
                );
            },
            (f) => f.join(", "),
        );
        const files = await step(
            "verify",
            async () => {
                await verifyRoundTrips(staging, first.sha256, work);
                return {
                    raw: bakeFile(staging, FILES.raw, first.sha256),
                    gcp: bakeFile(staging, FILES.gcp),
                    azure: bakeFile(staging, FILES.azure),
                    aws: bakeFile(staging, FILES.aws),
                };
            },
            () => `gcp, azure and aws convert back to ${first.sha256}`,
        );

        if (req.verifyReproducible) {
            await step(
                "reproduce",
                async () => {
                    const rebuiltRaw = path.join(work, "rebuild.raw");
                    const quiet: StepRunner = (_name, fn) => fn();
                    // From scratch (a new bootstrap, never the cache; customization; assembly), pinned to the package
                    // set the first build recorded: what `--pin-packages manifest.json` does for any later rebuild.
                    const pinned = { ...req, pins: first.packages };
                    const second = await build(
                        quiet,
                        "rebuild ",
                        loaded,
                        pinned,
                        layout,
                        path.join(work, "rebuild"),
                        rebuiltRaw,
                        tools_.mmdebstrap ?? "",
                        undefined,
                    );
                    if (second.sha256 !== first.sha256) {
                        const where = differingPartitions(raw, rebuiltRaw, layout);
                        const pkgs = pinDifferences(first.packages, second.packages);
                        throw new StepError(
                            "reproduce",
                            `the rebuild gave ${second.sha256}, the first build ${first.sha256}: they differ in the ${where.join(", ")}${pkgs.length ? `; the archive moved in between (${pkgs.slice(0, 4).join("; ")})` : ""}. Nothing was published.`,
                        );
                    }
                    fs.rmSync(rebuiltRaw, { force: true });
                    return second.sha256;
                },
                (sha) =>
                    `a second build from scratch, pinned to the recorded ${first.packages.length} packages, gave the same ${sha}`,
            );
        }

        const manifest = await step(
            "publish",
            async () => {
                const m = buildBakeManifest({
                    name: def.name,
                    version: req.version,
                    gitSha: req.gitSha,
                    ...files,
                    bootTests,
                    sshServer: first.sshServer,
                    packages: first.packages,
                    definitionSha256: loaded.sha256,
                    tools: tools_,
                    durationsMs: progress.durations(),
                    builtAt,
                    sourceDateEpoch: req.epoch,
                });
                fs.writeFileSync(
                    path.join(staging, "SHA256SUMS"),
                    sha256Sums([files.raw, files.gcp, files.azure, files.aws]),
                );
                writeBakeManifest(path.join(staging, "manifest.json"), m);
                if (fs.existsSync(out)) {
                    fs.rmdirSync(out); // checked empty above
                }
                fs.chmodSync(staging, 0o755); // mkdtemp made it private
                fs.renameSync(staging, out);
                return m;
            },
            () => out,
        );
        if (req.uploads.length > 0) {
            const uploads = await upload(req.uploads, manifest, out, step, progress, tools);
            if (Object.keys(uploads).length > 0) {
                manifest.uploads = uploads;
                manifest.durationsMs = progress.durations();
                writeBakeManifest(path.join(out, "manifest.json"), manifest);
            }
        }
        progress.note(
            `baked ${def.name} ${req.version} ${first.sha256}: ${bootTests.map((t) => `${t.mode} ${t.seconds}s`).join(", ")} in ${formatDuration(Date.now() - started)}`,
        );
        return manifest;
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
        fs.rmSync(staging, { recursive: true, force: true });
    }
}

async function upload(
    targets: UploadTarget[],
    manifest: BakeManifest,
    dir: string,
    step: StepRunner,
    progress: StepProgress,
    tools: BakeTools,
): Promise<BakeManifest["uploads"] & object> {
    const done: NonNullable<BakeManifest["uploads"]> = {};
    const runner =
        tools.runUpload ??
        (async (command: string, args: string[]) => {
            const r = await run(command, args, { timeoutMs: 3_600_000 });
            return { code: r.code, output: tail(r.stderr || r.stdout, 6) };
        });
    for (const target of targets) {
        const why = tools.runUpload ? undefined : uploadUnavailable(target);
        if (why) {
            progress.note(`upload ${target.cloud} SKIPPED: ${why}; the formats stay in ${dir}`);
            continue;
        }
        const plan = uploadPlan(target, manifest, dir);
        await step(
            `upload ${target.cloud}`,
            async () => {
                const r = await runner(plan.command, plan.args);
                if (r.code !== 0) {
                    throw new StepError(
                        `upload ${target.cloud}`,
                        `${plan.command} exited with status ${r.code}: ${r.output}`,
                    );
                }
            },
            () => JSON.stringify(Object.values(plan.record)[0]),
        );
        Object.assign(done, plan.record);
    }
    return done;
}
