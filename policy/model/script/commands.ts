/**
 * What one command does, whatever the language it is written in (shell, PowerShell, cmd): install packages
 * with an OS or a language package manager, download something (to a file or to standard output), run an
 * interpreter on a file, a string or standard input, run a vendor installer. Wrappers (`sudo`, `env`,
 * `nohup`, `timeout`...) and options before the verb (`apt-get -y install`, `yum --setopt=x install`) are read
 * the way the commands themselves read them. The script analyzers (shell.ts, powershell.ts) feed argv lists
 * here and decide, from the pipelines and the files they track, which downloads end up executed.
 */

/** What a finding is, for messages. */
export enum ActionKind {
    PackageInstall = "package install",
    LanguagePackageInstall = "language package install",
    RemoteScript = "remote script",
    DownloadedScript = "downloaded script run",
    VendorInstaller = "vendor installer",
    RemoteStartupScript = "remote startup script",
    IncludedUrl = "included URL",
    ConfigurationManagement = "configuration management run",
}

/** One thing a boot script does that the pack forbids. */
export interface BootInstall {
    /** The command, trimmed to 80 characters: `apt-get install -y nginx`. */
    command: string;
    /** What kind: "package install", "remote script"... */
    kind: ActionKind | string;
}

/** A command word: its text when static, undefined when it depends on run time (`$PKG`, `$(cmd)`). */
export type Word = string | undefined;

/** What a command is, once wrappers are stripped. */
export type CommandRole =
    | { role: "install"; kind: ActionKind }
    | { role: "download"; url?: string; output?: string; toStdout: boolean; directory?: string }
    | { role: "interpreter"; shell: boolean; powershell: boolean; script?: Word; inline?: Word; stdin: boolean }
    | { role: "exec"; path: string }
    | { role: "extract"; archive?: string; directory?: string; fromStdin: boolean }
    | { role: "other" };

interface Manager {
    kind: ActionKind;
    /** Verbs that install or upgrade (compared case-insensitively). */
    install: string[];
    /** Options that install (`dpkg -i`, `rpm -Uvh`, `pacman -S`). */
    installOption?: RegExp;
    /** Every argument installs (`cpanm Foo`, `emerge foo`). */
    anyArgument?: boolean;
    /** Verbs that download and run a tool (`npx`, `pipx run`, `uvx`): reported as remote scripts. */
    run?: string[];
}

const PKG = ActionKind.PackageInstall;
const LANG = ActionKind.LanguagePackageInstall;

/** The install verbs of apt-get and apt. */
const APT_INSTALL = ["install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "satisfy"];
/** The install verbs of dnf; yum has these and `groupupdate`. */
const DNF_INSTALL = [
    "install",
    "reinstall",
    "update",
    "upgrade",
    "update-minimal",
    "upgrade-minimal",
    "groupinstall",
    "localinstall",
    "distro-sync",
    "downgrade",
    "swap",
];

/** Package managers by command name. */
const MANAGERS: Record<string, Manager> = {
    "apt-get": { kind: PKG, install: APT_INSTALL },
    apt: { kind: PKG, install: APT_INSTALL },
    aptitude: {
        kind: PKG,
        install: ["install", "reinstall", "upgrade", "safe-upgrade", "full-upgrade", "dist-upgrade"],
    },
    yum: { kind: PKG, install: [...DNF_INSTALL, "groupupdate"] },
    dnf: { kind: PKG, install: DNF_INSTALL },
    dnf5: { kind: PKG, install: ["install", "reinstall", "update", "upgrade", "distro-sync", "downgrade", "swap"] },
    microdnf: { kind: PKG, install: ["install", "reinstall", "update", "upgrade"] },
    tdnf: { kind: PKG, install: ["install", "reinstall", "update", "upgrade", "distro-sync"] },
    apk: { kind: PKG, install: ["add", "upgrade", "fix"] },
    zypper: {
        kind: PKG,
        install: ["install", "in", "update", "up", "dist-upgrade", "dup", "patch", "source-install", "si"],
    },
    pacman: { kind: PKG, install: [], installOption: /^-[A-Za-z]*[SU]/ },
    dpkg: { kind: PKG, install: [], installOption: /^(-[A-Za-z]*i|--install|--unpack)$/ },
    rpm: { kind: PKG, install: [], installOption: /^(-[A-Za-z]*[iUF][A-Za-z]*|--install|--upgrade|--freshen)$/ },
    snap: { kind: PKG, install: ["install", "refresh"] },
    flatpak: { kind: PKG, install: ["install", "update"] },
    brew: { kind: PKG, install: ["install", "upgrade", "reinstall"] },
    "nix-env": { kind: PKG, install: [], installOption: /^(-[A-Za-z]*[iu][A-Za-z]*|--install|--upgrade)$/ },
    emerge: { kind: PKG, install: [], anyArgument: true },
    pkg: { kind: PKG, install: ["install", "upgrade"] },
    opkg: { kind: PKG, install: ["install", "upgrade"] },
    "xbps-install": { kind: PKG, install: [], anyArgument: true },
    swupd: { kind: PKG, install: ["bundle-add", "update"] },
    choco: { kind: PKG, install: ["install", "upgrade"] },
    cinst: { kind: PKG, install: [], anyArgument: true },
    winget: { kind: PKG, install: ["install", "upgrade"] },
    scoop: { kind: PKG, install: ["install", "update"] },
    pip: { kind: LANG, install: ["install", "download"] },
    pipx: { kind: LANG, install: ["install", "inject", "upgrade", "reinstall"], run: ["run"] },
    pipenv: { kind: LANG, install: ["install", "sync", "update"] },
    poetry: { kind: LANG, install: ["install", "add", "update"] },
    uv: { kind: LANG, install: ["add", "sync"], run: [] },
    uvx: { kind: LANG, install: [], run: ["*"] },
    conda: { kind: LANG, install: ["install", "create", "update"] },
    mamba: { kind: LANG, install: ["install", "create", "update"] },
    micromamba: { kind: LANG, install: ["install", "create", "update"] },
    easy_install: { kind: LANG, install: [], anyArgument: true },
    npm: {
        kind: LANG,
        install: ["install", "i", "ci", "add", "update", "up", "upgrade", "isntall", "in"],
        run: ["exec", "x"],
    },
    npx: { kind: LANG, install: [], run: ["*"] },
    pnpm: { kind: LANG, install: ["add", "install", "i", "update", "up"], run: ["dlx"] },
    yarn: { kind: LANG, install: ["add", "install", "upgrade"], run: ["dlx"] },
    bun: { kind: LANG, install: ["add", "install", "i", "update"], run: ["x"] },
    bunx: { kind: LANG, install: [], run: ["*"] },
    gem: { kind: LANG, install: ["install", "update"] },
    bundle: { kind: LANG, install: ["install", "update"] },
    cargo: { kind: LANG, install: ["install"] },
    go: { kind: LANG, install: ["install", "get"] },
    composer: { kind: LANG, install: ["install", "require", "update"] },
    cpan: { kind: LANG, install: [], anyArgument: true },
    cpanm: { kind: LANG, install: [], anyArgument: true },
    luarocks: { kind: LANG, install: ["install"] },
    pecl: { kind: LANG, install: ["install", "upgrade"] },
    pear: { kind: LANG, install: ["install", "upgrade"] },
    nuget: { kind: LANG, install: ["install"] },
};

/** PowerShell cmdlets that install (any case). */
export const INSTALL_CMDLETS: Record<string, ActionKind> = {
    "install-package": PKG,
    "install-windowsfeature": PKG,
    "add-windowsfeature": PKG,
    "enable-windowsoptionalfeature": PKG,
    "add-appxpackage": PKG,
    "add-windowscapability": PKG,
    "install-module": LANG,
    "install-script": LANG,
    "install-psresource": LANG,
    "update-module": LANG,
};

/** Configuration management that changes the server from outside the image. */
const CONFIG_MANAGEMENT: Record<string, RegExp | true> = {
    "ansible-playbook": true,
    "ansible-pull": true,
    "chef-client": true,
    "chef-solo": true,
    puppet: /^(apply|agent)$/,
    "salt-call": true,
};

const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "busybox", "source", "."]);
const POWERSHELLS = new Set(["powershell", "powershell.exe", "pwsh", "pwsh.exe"]);
const INTERPRETERS = /^(python[0-9.]*|perl|ruby|node|nodejs|php|lua|tclsh|rscript)$/i;

/** Wrapper commands: options that take a value, and whether a command follows. */
const WRAPPERS: Record<string, { valued: RegExp; skipFirst?: number }> = {
    sudo: {
        valued: /^-[ugCDhprtTU]$|^--(user|group|close-from|chdir|host|prompt|role|type|command-timeout|other-user)$/,
    },
    doas: { valued: /^-[uC]$/ },
    env: { valued: /^-[uCS]$|^--(unset|chdir|split-string)$/ },
    nice: { valued: /^-n$|^--adjustment$/ },
    ionice: { valued: /^-[cnp]$/ },
    nohup: { valued: /^$/ },
    time: { valued: /^-[fo]$/ },
    command: { valued: /^$/ },
    exec: { valued: /^-a$/ },
    setsid: { valued: /^$/ },
    stdbuf: { valued: /^-[ioe]$/ },
    timeout: { valued: /^-[sk]$|^--(signal|kill-after)$/, skipFirst: 1 },
    chroot: { valued: /^--(userspec|groups)$/, skipFirst: 1 },
    flock: { valued: /^-[wEc]$/, skipFirst: 1 },
    unbuffer: { valued: /^$/ },
    xargs: { valued: /^-[ELIdnPsa]$|^--(arg-file|delimiter|max-args|max-procs|max-chars)$/ },
    "systemd-run": { valued: /^-[pEu]$|^--(property|setenv|unit|uid|gid|working-directory)$/ },
};

/** The command name without its directory (and `.exe` on Windows), lower case. */
export function commandName(word: string): string {
    const base = word.slice(Math.max(word.lastIndexOf("/"), word.lastIndexOf("\\")) + 1);
    return base.toLowerCase();
}

/** Strips wrappers (`sudo -u x`, `env A=b`, `nohup`, `timeout 30`): the argv of the command they run. */
export function unwrap(argv: Word[]): Word[] {
    let args = argv;
    for (let guard = 0; guard < 8 && args.length > 0 && args[0] !== undefined; guard++) {
        const name = commandName(args[0]!);
        const wrapper = WRAPPERS[name];
        if (!wrapper) {
            break;
        }
        let i = 1;
        while (i < args.length) {
            const a = args[i];
            if (a === undefined) {
                break;
            }
            if (a === "--") {
                i++;
                break;
            }
            if (name === "env" && /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) {
                i++;
                continue;
            }
            if (a.startsWith("-") && a.length > 1) {
                i += wrapper.valued.test(a) ? 2 : 1;
                continue;
            }
            break;
        }
        i += wrapper.skipFirst ?? 0;
        args = args.slice(i);
    }
    return args;
}

const URL = /^(https?|ftp|s3|gs):\/\//i;
/** The instance metadata services: config, not code (AWS, GCP, Azure). */
const METADATA_URL =
    /^(https?:\/\/)?(169\.254\.169\.254|\[?fd00:ec2::254\]?|metadata\.google\.internal|metadata)(\/|$|:)/i;

/** True when `url` is the cloud's instance metadata service (fetching config there is what boot scripts do). */
export function isMetadataUrl(url: string | undefined): boolean {
    return url !== undefined && METADATA_URL.test(url);
}

function urlBase(url: string): string {
    const path = url.replace(/[?#].*$/, "");
    return path.slice(path.lastIndexOf("/") + 1);
}

/** curl / wget / aria2c and friends: where the download goes. */
function downloadRole(name: string, args: Word[]): CommandRole | undefined {
    const rest = args.slice(1);
    const url = rest.find((a) => a !== undefined && URL.test(a));
    const value = (flags: string[]) => {
        for (let i = 0; i < rest.length; i++) {
            const a = rest[i];
            if (a === undefined) {
                continue;
            }
            for (const f of flags) {
                if (f.startsWith("--")) {
                    if (a === f) {
                        return rest[i + 1];
                    }
                    if (a.startsWith(`${f}=`)) {
                        return a.slice(f.length + 1);
                    }
                    continue;
                }
                // Short flags combine (`-sSLo file`, `-qO-`): the value follows the letter or is the next word.
                const m = new RegExp(`^-[a-zA-Z]*${f.slice(1)}(.*)$`).exec(a);
                if (m && !a.startsWith("--")) {
                    return m[1] !== "" ? m[1] : rest[i + 1];
                }
            }
        }
        return undefined;
    };
    if (name === "curl" || name === "curl.exe") {
        const output = value(["-o", "--output"]);
        const remoteName = rest.some(
            (a) =>
                a === "-O" ||
                a === "--remote-name" ||
                (a !== undefined && /^-[a-zA-Z]*O[a-zA-Z]*$/.test(a) && !/o/.test(a)),
        );
        if (output !== undefined && output !== "-") {
            return { role: "download", url, output, toStdout: false };
        }
        if (remoteName && url) {
            return { role: "download", url, output: urlBase(url), toStdout: false };
        }
        return { role: "download", url, toStdout: true };
    }
    if (name === "wget") {
        const output = value(["-O", "--output-document"]);
        if (output === "-") {
            return { role: "download", url, toStdout: true };
        }
        if (output !== undefined) {
            return { role: "download", url, output, toStdout: false };
        }
        const dir = value(["-P", "--directory-prefix"]);
        return { role: "download", url, output: url ? urlBase(url) : undefined, directory: dir, toStdout: false };
    }
    if (name === "aria2c") {
        return {
            role: "download",
            url,
            output: value(["-o", "--out"]) ?? (url ? urlBase(url) : undefined),
            toStdout: false,
        };
    }
    return undefined;
}

/** Cloud CLI copies (`aws s3 cp s3://... f`, `gsutil cp gs://... f`, `gcloud storage cp`, `azcopy copy`). */
function cloudCopyRole(name: string, args: Word[]): CommandRole | undefined {
    const words = args.filter((a): a is string => a !== undefined && !a.startsWith("-"));
    const at = (i: number) => words[i]?.toLowerCase();
    let src: string | undefined;
    let dest: string | undefined;
    if (name === "aws" && at(1) === "s3" && (at(2) === "cp" || at(2) === "sync")) {
        [src, dest] = [words[3], words[4]];
    } else if (name === "gsutil" && (at(1) === "cp" || at(1) === "rsync")) {
        [src, dest] = [words[2], words[3]];
    } else if (name === "gcloud" && at(1) === "storage" && (at(2) === "cp" || at(2) === "rsync")) {
        [src, dest] = [words[3], words[4]];
    } else if (name === "azcopy" && (at(1) === "copy" || at(1) === "cp" || at(1) === "sync")) {
        [src, dest] = [words[2], words[3]];
    } else {
        return undefined;
    }
    if (!src || (!URL.test(src) && !/^https?:/i.test(src))) {
        return { role: "other" };
    }
    return { role: "download", url: src, output: dest === "-" ? undefined : dest, toStdout: dest === "-" };
}

function managerRole(name: string, args: Word[]): CommandRole | undefined {
    let m = MANAGERS[name];
    let rest = args.slice(1);
    // python -m pip install, uv pip install, uv tool install
    if (INTERPRETERS.test(name) && /^python/i.test(name)) {
        const i = rest.indexOf("-m");
        if (i >= 0 && (rest[i + 1] === "pip" || rest[i + 1] === "pip3" || rest[i + 1] === "ensurepip")) {
            m = MANAGERS.pip;
            rest = rest.slice(i + 2);
        } else {
            return undefined;
        }
    } else if (/^pip[0-9.]*$/.test(name)) {
        m = MANAGERS.pip;
    } else if (name === "uv" && (rest[0] === "pip" || rest[0] === "tool")) {
        if (rest[0] === "tool" && rest[1] === "run") {
            return { role: "install", kind: ActionKind.RemoteScript };
        }
        m = MANAGERS.pip;
        rest = rest.slice(1);
    }
    if (!m) {
        return undefined;
    }
    const verbs = rest.filter((a): a is string => a !== undefined && !a.startsWith("-"));
    if (m.run && (m.run.includes("*") || (verbs[0] !== undefined && m.run.includes(verbs[0].toLowerCase())))) {
        return { role: "install", kind: ActionKind.RemoteScript };
    }
    if (m.anyArgument && verbs.length > 0) {
        return { role: "install", kind: m.kind };
    }
    if (m.installOption && rest.some((a) => a !== undefined && m!.installOption!.test(a))) {
        return { role: "install", kind: m.kind };
    }
    if (name === "yarn" && verbs.length === 0) {
        return { role: "install", kind: m.kind }; // bare `yarn` installs the project's dependencies
    }
    const verb = verbs.find((v) => m!.install.includes(v.toLowerCase()));
    if (verb !== undefined) {
        // `yum group install`, `apt-get -o Dpkg::Options::=x install`: a value before the verb is skipped
        return { role: "install", kind: m.kind };
    }
    return { role: "other" };
}

function interpreterRole(name: string, args: Word[]): CommandRole | undefined {
    const shell = SHELLS.has(name);
    const powershell = POWERSHELLS.has(name);
    if (!shell && !powershell && !INTERPRETERS.test(name)) {
        return undefined;
    }
    const rest = args.slice(1);
    if (name === "source" || name === ".") {
        return { role: "interpreter", shell: true, powershell: false, script: rest[0], stdin: false };
    }
    for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (a === undefined) {
            return { role: "interpreter", shell, powershell, script: undefined, stdin: false };
        }
        const lower = a.toLowerCase();
        if (shell && /^-[a-z]*c[a-z]*$/.test(a)) {
            return { role: "interpreter", shell, powershell, inline: rest[i + 1], stdin: false };
        }
        if (!shell && !powershell && (a === "-c" || a === "-e" || a === "-r")) {
            return { role: "interpreter", shell, powershell, inline: rest[i + 1], stdin: false };
        }
        if (powershell && /^-(c|command)$/.test(lower)) {
            return { role: "interpreter", shell, powershell, inline: rest.slice(i + 1).join(" "), stdin: false };
        }
        if (powershell && /^-(e|ec|encodedcommand)$/.test(lower)) {
            const encoded = rest[i + 1];
            const text = encoded ? Buffer.from(encoded, "base64").toString("utf16le") : undefined;
            return { role: "interpreter", shell, powershell, inline: text, stdin: false };
        }
        if (powershell && /^-(f|file)$/.test(lower)) {
            return { role: "interpreter", shell, powershell, script: rest[i + 1], stdin: false };
        }
        if (a === "-s" || a === "-") {
            return { role: "interpreter", shell, powershell, stdin: true };
        }
        if (a.startsWith("-")) {
            if (powershell && /^-(executionpolicy|ep|windowstyle|w)$/.test(lower)) {
                i++;
            }
            continue;
        }
        return { role: "interpreter", shell, powershell, script: a, stdin: false };
    }
    return { role: "interpreter", shell, powershell, stdin: true };
}

function extractRole(name: string, args: Word[]): CommandRole | undefined {
    const rest = args.slice(1);
    if (name === "tar" && rest.some((a) => a !== undefined && (/^-?[a-zA-Z]*x/.test(a) || a === "--extract"))) {
        const fIndex = rest.findIndex((a) => a !== undefined && /^-?[a-zA-Z]*f$/.test(a));
        const archive = fIndex >= 0 ? rest[fIndex + 1] : undefined;
        const cIndex = rest.findIndex((a) => a === "-C" || a === "--directory");
        return {
            role: "extract",
            archive,
            directory: cIndex >= 0 ? rest[cIndex + 1] : ".",
            fromStdin: archive === undefined || archive === "-",
        };
    }
    if (name === "unzip") {
        const dIndex = rest.findIndex((a) => a === "-d");
        const archive = rest.find((a, i) => a !== undefined && !a.startsWith("-") && i !== dIndex + 1);
        return { role: "extract", archive, directory: dIndex >= 0 ? rest[dIndex + 1] : ".", fromStdin: false };
    }
    return undefined;
}

/** A vendor installer by its file name (`install.sh`, `./aws/install`, `cuda_12.run`, `setup.exe`, `*.msi`). */
export function looksLikeInstaller(path: string): boolean {
    return /(^|[/\\._-])(install|installer|setup)([._-][^/\\]*)?$|\.(run|bin|msi)$/i.test(path);
}

/** What one command (argv, wrappers included) does. */
export function commandRole(argv: Word[]): CommandRole {
    const args = unwrap(argv);
    if (args.length === 0 || args[0] === undefined) {
        return { role: "other" };
    }
    const word = args[0];
    const name = commandName(word).replace(/\.exe$/, "");
    const cm = CONFIG_MANAGEMENT[name];
    if (cm === true || (cm instanceof RegExp && args[1] !== undefined && cm.test(args[1]))) {
        return { role: "install", kind: ActionKind.ConfigurationManagement };
    }
    if (name === "msiexec" && args.some((a) => a !== undefined && /^[/-](i|package|a|update|p)$/i.test(a))) {
        return { role: "install", kind: ActionKind.VendorInstaller };
    }
    return (
        downloadRole(name, args) ??
        cloudCopyRole(name, args) ??
        managerRole(name, args) ??
        interpreterRole(name, args) ??
        extractRole(name, args) ??
        (/[/\\]/.test(word) ? { role: "exec", path: word } : { role: "other" })
    );
}

/** One line of a command for messages: its words joined, cut at 80 characters. */
export function show(argv: Word[]): string {
    const text = argv
        .map((w) => w ?? "$…")
        .join(" ")
        .replace(/\s+/g, " ")
        .trim();
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A necessary condition for a shell script to hold anything the analyzers report: a name commandRole knows
 * (package managers, cmdlets, configuration management, downloaders and cloud copies, remote shells) or an
 * installer-like file name appears in its text. Every report needs one: a pipe into a shell needs a downloader,
 * a script run from a file needs its download or the install it holds, `bash -c "..."` holds its command. A
 * script without any is parsed (syntax errors are still reported) but not walked: walking mvdan-sh's tree costs
 * milliseconds a script, parsing it a fraction of one.
 */
export const CANDIDATE = new RegExp(
    `\\b(${[
        ...Object.keys(MANAGERS),
        ...Object.keys(INSTALL_CMDLETS),
        ...Object.keys(CONFIG_MANAGEMENT),
        ...["curl", "wget", "aria2c", "gsutil", "azcopy", "msiexec"],
        ...["ssh", "scp", "sftp", "rsync", "ansible", "knife", "salt-ssh", "pssh", "parallel-ssh", "fab", "mssh"],
        ...["install", "installer", "setup"],
    ]
        .map(escape)
        .join(
            "|",
        )})\\b|\\.(run|bin|msi)\\b|\\baws\\s+(s3|ssm\\s+send-command)\\b|\\bgcloud\\s+(storage|compute)\\b|\\baz\\s+(vm|vmss)\\b`,
    "i",
);
