/**
 * Shell scripts read as a shell reads them: parsed with mvdan-sh (the parser of shfmt, mvdan.cc/sh, compiled to
 * JavaScript; synchronous, with a typed syntax tree), then walked statement by statement. Comments are not
 * commands, quotes are removed as the shell removes them, wrappers and options before the verb are read
 * (commands.ts), pipelines feed one command's output to the next (`curl ... | sudo bash`), process and command
 * substitutions run what they download (`bash <(curl ...)`, `sh -c "$(curl ...)"`), and files are followed
 * from their download (`curl -o x.sh`, `wget`, `aws s3 cp`, an archive extracted to a directory) or a here
 * document (`cat > x.sh <<EOF`) to their execution (`bash x.sh`, `./x.sh`).
 */
import {
    ActionKind,
    CANDIDATE,
    commandRole,
    isMetadataUrl,
    looksLikeInstaller,
    show,
    type BootInstall,
    type CommandRole,
    type Word,
} from "./commands";

// mvdan-sh has no type declarations: the few members used here.
interface ShNode {
    [key: string]: any;
}
interface ShSyntax {
    NewParser(...options: unknown[]): { Parse(text: string, name: string): ShNode };
    KeepComments(on: boolean): unknown;
    NodeType(node: ShNode): string;
}

let syntax: ShSyntax | undefined;
/**
 * The parser module, loaded on first use (about 150 ms; most audits hold no boot script). GopherJS sets
 * `Error.stackTraceLimit` to Infinity for the whole process when it loads; the process's own limit is put
 * back (the parser's error paths are checked by test/policy/boot.spec.ts).
 */
function sh(): ShSyntax {
    if (!syntax) {
        const limit = Error.stackTraceLimit;
        syntax = (require("mvdan-sh") as { syntax: ShSyntax }).syntax;
        Error.stackTraceLimit = limit;
    }
    return syntax;
}

let parser: { Parse(text: string, name: string): ShNode } | undefined;

// Operator codes of mvdan.cc/sh/v3/syntax (BinCmdOperator, RedirOperator, ProcOperator) in mvdan-sh 0.10.1.
const OP_PIPE = 12;
const OP_PIPE_ALL = 13;
const REDIR_OUT = new Set([54, 55]); // > >>
const REDIR_HEREDOC = new Set([61, 62]); // << <<-

/** What a script does that the pack judges, and what it could not read. */
export interface ScriptFindings {
    installs: BootInstall[];
    /** Every simple command the script runs (argv, wrappers included). */
    commands: Word[][];
    /** Why the script cannot be read (a syntax error), when it cannot. */
    unreadable?: string;
}

/** Runs PowerShell text found inside a shell script (`pwsh -c "..."`), provided by the PowerShell analyzer. */
export type NestedPowerShell = (text: string) => BootInstall[];

/** The state of one script's analysis: what it found, which files it downloaded or wrote. */
class Analysis {
    readonly installs: BootInstall[] = [];
    /** Downloaded files and the directories downloads were extracted to. */
    readonly downloaded = new Set<string>();
    /** Files written from here documents, with their text. */
    readonly written = new Map<string, string>();
    private depth = 0;

    /** Every simple command run, wrappers included (for rules that look for ssh, scp...). */
    readonly commands: Word[][] = [];

    constructor(private readonly powershell: NestedPowerShell) {}

    add(kind: ActionKind, argv: Word[]): void {
        this.installs.push({ kind, command: show(argv) });
    }

    run(text: string): void {
        if (this.depth > 4) {
            return;
        }
        this.depth++;
        try {
            parser ??= sh().NewParser(sh().KeepComments(false));
            const file = parser.Parse(text, "boot-script");
            if (CANDIDATE.test(text)) {
                this.stmts(file.Stmts);
            }
        } finally {
            this.depth--;
        }
    }

    stmts(list: ShNode[] | undefined | null): void {
        for (const s of list ?? []) {
            this.stmt(s);
        }
    }

    stmt(s: ShNode | undefined | null): void {
        const cmd = s?.Cmd;
        if (!cmd) {
            return;
        }
        this.command(cmd, s!);
    }

    command(cmd: ShNode, stmt: ShNode): void {
        const type = sh().NodeType(cmd);
        switch (type) {
            case "CallExpr":
                this.call(cmd, stmt);
                return;
            case "BinaryCmd": {
                const op = cmd.Op;
                if (op === OP_PIPE || op === OP_PIPE_ALL) {
                    this.pipeline(this.flatten(cmd, op));
                } else {
                    this.stmt(cmd.X);
                    this.stmt(cmd.Y);
                }
                return;
            }
            case "IfClause":
                this.stmts(cmd.Cond);
                this.stmts(cmd.Then);
                if (cmd.Else) {
                    this.command(cmd.Else, stmt);
                }
                return;
            case "CaseClause":
                for (const item of cmd.Items ?? []) {
                    this.stmts(item.Stmts);
                }
                return;
            case "FuncDecl":
                this.stmt(cmd.Body);
                return;
            case "TimeClause":
            case "CoprocClause":
                this.stmt(cmd.Stmt);
                return;
            case "DeclClause":
                for (const a of cmd.Args ?? []) {
                    if (a.Value) {
                        this.words([a.Value]);
                    }
                }
                return;
            default:
                // Block, Subshell, WhileClause, ForClause...: their statement lists.
                for (const key of ["Stmts", "Cond", "Do"]) {
                    if (Array.isArray(cmd[key])) {
                        this.stmts(cmd[key]);
                    }
                }
        }
    }

    /** The commands of a pipeline, left to right, as [statement, command, its node type]. */
    flatten(cmd: ShNode, op?: number): Array<[ShNode, ShNode | undefined, string]> {
        const out: Array<[ShNode, ShNode | undefined, string]> = [];
        const visit = (s: ShNode) => {
            if (!s) {
                return;
            }
            const c = s.Cmd;
            const type = c ? sh().NodeType(c) : "";
            const o = type === "BinaryCmd" ? c.Op : undefined;
            if (o === OP_PIPE || o === OP_PIPE_ALL) {
                visit(c.X);
                visit(c.Y);
            } else {
                out.push([s, c, type]);
            }
        };
        if (op === undefined || op === OP_PIPE || op === OP_PIPE_ALL) {
            visit(cmd.X);
            visit(cmd.Y);
        }
        return out;
    }

    /** A pipeline: what a download writes to stdout reaches the next commands. */
    pipeline(members: Array<[ShNode, ShNode | undefined, string]>): void {
        let downloading: Word[] | undefined;
        for (const [m, cmd, type] of members) {
            const call = type === "CallExpr" ? cmd : undefined;
            if (!call) {
                if (cmd) {
                    this.command(cmd, m);
                }
                continue;
            }
            const argv = this.argv(call);
            const role = commandRole(argv);
            if (downloading && role.role === "interpreter" && (role.stdin || role.script === "-")) {
                this.add(ActionKind.RemoteScript, [...downloading, "|", ...argv]);
                continue;
            }
            if (downloading && role.role === "extract" && role.fromStdin && role.directory) {
                this.downloaded.add(normalize(role.directory));
            }
            if (downloading && argv[0] !== undefined && /^tee$/.test(argv[0])) {
                argv.slice(1).forEach((f) => f && !f.startsWith("-") && this.downloaded.add(normalize(f)));
            }
            this.call(call, m, role, argv);
            if (role.role === "download" && role.toStdout && !isMetadataUrl(role.url)) {
                downloading = argv;
            }
        }
    }

    /** The words of a command, static text or undefined; substitutions inside them are analyzed too. */
    argv(call: ShNode): Word[] {
        return this.words(call.Args ?? []);
    }

    words(words: ShNode[]): Word[] {
        return words.map((w) => this.word(w));
    }

    word(w: ShNode): Word {
        let text = "";
        let dynamic = false;
        const part = (p: ShNode): void => {
            switch (sh().NodeType(p)) {
                case "Lit":
                case "SglQuoted":
                    text += p.Value;
                    return;
                case "DblQuoted":
                    for (const q of p.Parts ?? []) {
                        part(q);
                    }
                    return;
                case "CmdSubst":
                case "ProcSubst":
                    this.stmts(p.Stmts);
                    dynamic = true;
                    return;
                default:
                    dynamic = true;
            }
        };
        for (const p of w.Parts ?? []) {
            part(p);
        }
        return dynamic ? undefined : text;
    }

    /** True when a word runs a download through a command or process substitution (`$(curl ...)`, `<(wget ...)`). */
    substitutesDownload(w: ShNode | undefined): boolean {
        if (!w) {
            return false;
        }
        let found = false;
        const visitStmts = (list: ShNode[]) => {
            for (const s of list ?? []) {
                const cmd = s.Cmd;
                if (!cmd) continue;
                const type = sh().NodeType(cmd);
                const calls: Array<[ShNode | undefined, string]> =
                    type === "BinaryCmd" ? this.flatten(cmd).map(([, c, t]) => [c, t]) : [[cmd, type]];
                for (const [c, t] of calls) {
                    if (c && t === "CallExpr") {
                        const role = commandRole(this.rawArgv(c));
                        if (role.role === "download" && role.toStdout && !isMetadataUrl(role.url)) {
                            found = true;
                        }
                    }
                }
            }
        };
        const part = (p: ShNode): void => {
            const t = sh().NodeType(p);
            if (t === "CmdSubst" || t === "ProcSubst") {
                visitStmts(p.Stmts);
            } else if (t === "DblQuoted") {
                (p.Parts ?? []).forEach(part);
            }
        };
        (w.Parts ?? []).forEach(part);
        return found;
    }

    /** Static words without analyzing substitutions (for looking inside them). */
    rawArgv(call: ShNode): Word[] {
        return (call.Args ?? []).map((w: ShNode) => {
            let text = "";
            for (const p of w.Parts ?? []) {
                const t = sh().NodeType(p);
                if (t === "Lit" || t === "SglQuoted") {
                    text += p.Value;
                } else if (t === "DblQuoted" && (p.Parts ?? []).every((q: ShNode) => sh().NodeType(q) === "Lit")) {
                    text += (p.Parts ?? []).map((q: ShNode) => q.Value).join("");
                } else {
                    return undefined;
                }
            }
            return text;
        });
    }

    call(call: ShNode, stmt: ShNode, known?: CommandRole, knownArgv?: Word[]): void {
        for (const a of call.Assigns ?? []) {
            if (a.Value) {
                this.word(a.Value);
            }
        }
        const argv = knownArgv ?? this.argv(call);
        if (argv.length === 0) {
            return;
        }
        this.commands.push(argv);
        const role = known ?? commandRole(argv);
        const redirs: ShNode[] = stmt.Redirs ?? [];
        let outFile: Word;
        let heredoc: ShNode | undefined;
        for (const r of redirs) {
            const op = r.Op;
            if (REDIR_OUT.has(op)) {
                outFile = this.word(r.Word);
            } else if (REDIR_HEREDOC.has(op)) {
                heredoc = r.Hdoc ?? undefined;
            }
        }
        if (heredoc && outFile && /^(cat|tee)$/.test(argv[0] ?? "")) {
            this.written.set(normalize(outFile), this.heredocText(heredoc));
        }
        const args: ShNode[] = role.role === "interpreter" || argv[0] === "eval" ? (call.Args ?? []) : [];
        if (argv[0] === "eval") {
            if (args.slice(1).some((w) => this.substitutesDownload(w))) {
                this.add(ActionKind.RemoteScript, argv);
            } else if (argv.slice(1).every((w) => w !== undefined)) {
                this.run(argv.slice(1).join(" "));
            }
            return;
        }
        switch (role.role) {
            case "install":
                this.add(role.kind, argv);
                return;
            case "download":
                if (isMetadataUrl(role.url)) {
                    return;
                }
                if (role.output) {
                    this.downloaded.add(normalize(role.directory ? `${role.directory}/${role.output}` : role.output));
                    this.downloaded.add(normalize(role.output));
                } else if (outFile) {
                    this.downloaded.add(normalize(outFile));
                }
                return;
            case "interpreter": {
                const i = argv.indexOf(role.inline as string);
                const inlineWord =
                    role.inline === undefined ? args.find((w, k) => k > 0 && this.substitutesDownload(w)) : args[i];
                if (args.slice(1).some((w) => this.substitutesDownload(w))) {
                    this.add(ActionKind.RemoteScript, argv); // bash <(curl ...), sh -c "$(curl ...)"
                    return;
                }
                if (role.inline !== undefined && inlineWord !== undefined) {
                    if (role.shell) {
                        this.run(role.inline);
                    } else if (role.powershell) {
                        this.installs.push(...this.powershell(role.inline));
                    }
                    return;
                }
                if (role.script !== undefined) {
                    this.executes(role.script, argv);
                }
                return;
            }
            case "exec":
                this.executes(role.path, argv);
                return;
            case "extract":
                if (role.archive && this.isDownloaded(role.archive) && role.directory) {
                    this.downloaded.add(normalize(role.directory));
                }
                return;
            default:
                return;
        }
    }

    heredocText(w: ShNode): string {
        let text = "";
        for (const p of w.Parts ?? []) {
            text += sh().NodeType(p) === "Lit" ? p.Value : " ";
        }
        return text;
    }

    isDownloaded(path: string): boolean {
        const p = normalize(path);
        const base = p.slice(p.lastIndexOf("/") + 1);
        for (const d of this.downloaded) {
            if (
                p === d ||
                p.startsWith(`${d}/`) ||
                (d === "." && !p.startsWith("/")) ||
                d.endsWith(`/${base}`) ||
                d === base
            ) {
                return true;
            }
        }
        return false;
    }

    /** A file run as a program or a script. */
    executes(path: string, argv: Word[]): void {
        const p = normalize(path);
        const written = this.written.get(p);
        if (written !== undefined) {
            this.run(written);
            return;
        }
        if (this.isDownloaded(p)) {
            this.add(looksLikeInstaller(p) ? ActionKind.VendorInstaller : ActionKind.DownloadedScript, argv);
            return;
        }
        if (looksLikeInstaller(p) && (!p.startsWith("/") || p.startsWith("/tmp/"))) {
            this.add(ActionKind.VendorInstaller, argv);
        }
    }
}

function normalize(path: string): string {
    return path.replace(/^\.\//, "").replace(/\/+$/, "") || ".";
}

const CACHE_LIMIT = 1024;
const cache = new Map<string, ScriptFindings>();

/** What a shell script installs or runs from the network (memoized per text: a stack repeats its scripts). */
export function analyzeShell(text: string, powershell: NestedPowerShell): ScriptFindings {
    let found = cache.get(text);
    if (found) {
        return found;
    }
    const analysis = new Analysis(powershell);
    try {
        analysis.run(text);
        found = { installs: analysis.installs, commands: analysis.commands };
    } catch (err) {
        found = {
            installs: analysis.installs,
            commands: analysis.commands,
            unreadable: `shell syntax error: ${syntaxError(err)}`,
        };
    }
    if (cache.size >= CACHE_LIMIT) {
        cache.clear();
    }
    cache.set(text, found);
    return found;
}

function syntaxError(err: unknown): string {
    const e = err as { message?: string; Error?: () => string; Text?: string };
    const text = e?.message ?? e?.Text ?? (typeof e?.Error === "function" ? e.Error() : undefined) ?? String(err);
    return String(text).split("\n")[0].slice(0, 120);
}
