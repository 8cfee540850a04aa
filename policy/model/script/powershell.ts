/**
 * PowerShell and cmd scripts (Windows user data: EC2Launch `<powershell>` / `<script>` blocks, GCP
 * `windows-startup-script-ps1` / `-cmd`, Azure custom data and CustomScriptExtension commands). No maintained
 * PowerShell parser exists on npm, so this is a tokenizer of our own: comments (`#`, `<# #>`, `rem`, `::`),
 * quotes and here-strings, statements (newlines, `;`, braces; `&`, `&&`, `||` in cmd) and pipelines (`|`).
 * Each command is then read by commands.ts (choco, winget, msiexec, pip...) or by the cmdlet rules below:
 * Install-Package / Install-Module / Install-WindowsFeature, downloads (`Invoke-WebRequest -OutFile`,
 * `DownloadFile`, `Start-BitsTransfer`, `bitsadmin`, `certutil -urlcache`) followed to their execution,
 * `iwr ... | iex`, `iex (... DownloadString ...)` and `[scriptblock]::Create((irm ...))`.
 */
import {
    ActionKind,
    commandName,
    commandRole,
    INSTALL_CMDLETS,
    isMetadataUrl,
    looksLikeInstaller,
    show,
    type BootInstall,
    type Word,
} from "./commands";

/** Tokens of one pipeline segment. */
type Segment = string[];

/** Splits text into statements, each a list of pipeline segments of tokens. */
function tokenize(text: string, cmd: boolean): { statement: string; segments: Segment[] }[] {
    const source = cmd ? text : text.replace(/<#[\s\S]*?#>/g, " ");
    const statements: { statement: string; segments: Segment[] }[] = [];
    let segments: Segment[] = [];
    let tokens: string[] = [];
    let token = "";
    let raw = "";
    let inToken = false;
    let depth = 0;
    const endToken = () => {
        if (inToken) {
            tokens.push(token);
        }
        token = "";
        inToken = false;
    };
    const endSegment = () => {
        endToken();
        if (tokens.length > 0) {
            segments.push(tokens);
        }
        tokens = [];
    };
    const endStatement = () => {
        endSegment();
        if (segments.length > 0) {
            statements.push({ statement: raw.trim(), segments });
        }
        segments = [];
        raw = "";
    };
    for (let i = 0; i < source.length; i++) {
        const c = source[i];
        // Here-strings (PowerShell): @' ... '@ and @" ... "@, kept as one token.
        if (!cmd && c === "@" && (source[i + 1] === "'" || source[i + 1] === '"')) {
            const close = source.indexOf(`\n${source[i + 1]}@`, i + 2);
            const end = close < 0 ? source.length : close + 3;
            token += source.slice(i + 2, close < 0 ? source.length : close);
            raw += source.slice(i, end);
            inToken = true;
            i = end - 1;
            continue;
        }
        if (c === "'" || c === '"') {
            const close = source.indexOf(c, i + 1);
            const end = close < 0 ? source.length : close;
            token += source.slice(i + 1, end);
            raw += source.slice(i, end + 1);
            inToken = true;
            i = end;
            continue;
        }
        raw += c;
        if (depth === 0 && !inToken && !cmd && c === "#") {
            const eol = source.indexOf("\n", i);
            i = eol < 0 ? source.length : eol - 1;
            raw = raw.slice(0, -1);
            continue;
        }
        if (c === "(") {
            depth++;
        } else if (c === ")") {
            depth = Math.max(0, depth - 1);
        }
        if (depth > 0) {
            token += c;
            inToken = true;
            continue;
        }
        if (c === "\n" || c === "\r" || (c === ";" && !cmd) || (!cmd && (c === "{" || c === "}"))) {
            endStatement();
        } else if (c === "|") {
            if (source[i + 1] === "|") {
                i++;
                endStatement();
            } else {
                endSegment();
            }
        } else if (cmd && c === "&") {
            if (source[i + 1] === "&") {
                i++;
            }
            endStatement();
        } else if (c === " " || c === "\t") {
            endToken();
        } else if (cmd && c === "^" && source[i + 1] === "\n") {
            i++;
        } else {
            token += c;
            inToken = true;
        }
    }
    endStatement();
    return statements.filter((s) => !(cmd && /^(rem\b|::|@?echo\s+off)/i.test(s.statement)));
}

const DOWNLOAD_CMDLET = /^(invoke-webrequest|iwr|invoke-restmethod|irm|curl|wget|start-bitstransfer)$/i;
const DOWNLOAD_TEXT =
    /\b(invoke-webrequest|iwr|invoke-restmethod|irm|downloadstring|downloadfile|downloaddata|net\.webclient|start-bitstransfer|curl|wget)\b/i;
const INVOKE_EXPRESSION = /^(iex|invoke-expression)$/i;

function option(tokens: string[], names: string[]): string | undefined {
    for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i].toLowerCase();
        for (const n of names) {
            if (t === n) {
                return tokens[i + 1];
            }
            if (t.startsWith(`${n}:`)) {
                return tokens[i].slice(n.length + 1);
            }
        }
    }
    return undefined;
}

class WindowsAnalysis {
    readonly installs: BootInstall[] = [];
    readonly downloaded = new Set<string>();
    private depth = 0;

    constructor(private readonly shell: (text: string) => BootInstall[]) {}

    add(kind: ActionKind, words: Word[]): void {
        this.installs.push({ kind, command: show(words) });
    }

    isDownloaded(path: string): boolean {
        const p = path.replace(/^["']|["']$/g, "").toLowerCase();
        const base = p.slice(Math.max(p.lastIndexOf("\\"), p.lastIndexOf("/")) + 1);
        return [...this.downloaded].some(
            (d) => d === p || d.endsWith(`\\${base}`) || d.endsWith(`/${base}`) || d === base,
        );
    }

    run(text: string, cmd: boolean): void {
        if (this.depth > 4) {
            return;
        }
        this.depth++;
        try {
            for (const { statement, segments } of tokenize(text, cmd)) {
                this.statement(statement, segments, cmd);
            }
        } finally {
            this.depth--;
        }
    }

    statement(statement: string, segments: Segment[], cmd: boolean): void {
        const lower = statement.toLowerCase();
        if (!cmd && /\[scriptblock\]::create/.test(lower) && DOWNLOAD_TEXT.test(statement)) {
            this.add(ActionKind.RemoteScript, [statement]);
            return;
        }
        let downloading = false;
        for (const seg of segments) {
            let words = seg;
            if (words[0] === "&" || words[0] === ".") {
                words = words.slice(1);
            }
            if (words.length === 0) {
                continue;
            }
            const name = commandName(words[0].replace(/^\(+/, "")).replace(/\.exe$/, "");
            if (INVOKE_EXPRESSION.test(name)) {
                if (downloading || DOWNLOAD_TEXT.test(words.slice(1).join(" "))) {
                    this.add(ActionKind.RemoteScript, [statement]);
                } else if (words[1] !== undefined) {
                    this.run(words.slice(1).join(" "), false);
                }
                continue;
            }
            if (!cmd && INSTALL_CMDLETS[name] !== undefined) {
                this.add(INSTALL_CMDLETS[name], words);
                continue;
            }
            if (!cmd && DOWNLOAD_CMDLET.test(name)) {
                const url = option(words, ["-uri", "-source"]) ?? words.slice(1).find((w) => /^https?:/i.test(w));
                const out = option(words, ["-outfile", "-destination"]);
                if (isMetadataUrl(url)) {
                    continue;
                }
                if (out) {
                    this.downloaded.add(out.toLowerCase());
                } else {
                    downloading = true;
                }
                continue;
            }
            const df = /\.downloadfile\(\s*[^,]+,\s*([^)]+)\)/i.exec(seg.join(" "));
            if (df) {
                this.downloaded.add(
                    df[1]
                        .trim()
                        .replace(/^["'$]|["']$/g, "")
                        .toLowerCase(),
                );
                continue;
            }
            if (name === "bitsadmin" && words.some((w) => /^\/transfer$/i.test(w))) {
                this.downloaded.add(words[words.length - 1].toLowerCase());
                continue;
            }
            if (name === "certutil" && words.some((w) => /^[-/]urlcache$/i.test(w))) {
                this.downloaded.add(words[words.length - 1].toLowerCase());
                continue;
            }
            if (/^(start-process|start|saps|call)$/i.test(name)) {
                const target =
                    option(words, ["-filepath"]) ?? words.slice(1).find((w) => !w.startsWith("-") && w !== "");
                const args = option(words, ["-argumentlist", "-args"]) ?? "";
                if (target && /^msiexec(\.exe)?$/i.test(commandName(target)) && /(^|\s)[/-](i|package)\b/i.test(args)) {
                    this.add(ActionKind.VendorInstaller, words);
                } else if (target) {
                    this.executes(target, words);
                }
                continue;
            }
            if (/[\\/]/.test(words[0]) && !/^(https?:)/i.test(words[0])) {
                this.executes(words[0], words);
                continue;
            }
            const role = commandRole(words);
            if (role.role === "install") {
                this.add(role.kind, words);
            } else if (role.role === "interpreter" && role.inline !== undefined) {
                if (role.powershell) {
                    this.run(role.inline, false);
                } else if (role.shell) {
                    this.installs.push(...this.shell(role.inline));
                }
            } else if (role.role === "interpreter" && role.script !== undefined) {
                this.executes(role.script, words);
            } else if (role.role === "download" && role.output) {
                this.downloaded.add(role.output.toLowerCase());
            }
        }
    }

    executes(path: string, words: Word[]): void {
        if (this.isDownloaded(path)) {
            this.add(
                looksLikeInstaller(path) || /\.exe$/i.test(path)
                    ? ActionKind.VendorInstaller
                    : ActionKind.DownloadedScript,
                words,
            );
        } else if (/\.msi$/i.test(path)) {
            this.add(ActionKind.VendorInstaller, words);
        }
    }
}

const cache = new Map<string, BootInstall[]>();

/** What a PowerShell (or, with `cmd`, a batch) script installs or runs from the network; memoized per text. */
export function analyzeWindowsScript(
    text: string,
    cmd: boolean,
    shell: (text: string) => BootInstall[],
): BootInstall[] {
    const key = `${cmd ? "cmd" : "ps"}\u0000${text}`;
    let found = cache.get(key);
    if (!found) {
        const analysis = new WindowsAnalysis(shell);
        analysis.run(text, cmd);
        found = analysis.installs;
        if (cache.size >= 1024) {
            cache.clear();
        }
        cache.set(key, found);
    }
    return found;
}
