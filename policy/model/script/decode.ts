/**
 * User data as the guest reads it: base64 where the API wants it, gzip (cloud-init decompresses it), MIME
 * multipart (cloud-init's parts: shell scripts, cloud-config, include URLs, boothooks), `#cloud-config-archive`,
 * and EC2Launch's `<powershell>` / `<script>` blocks; then each document's language from its content type or
 * its first line (`#cloud-config`, `#include`, `#!/bin/bash`, `#ps1_sysnative`...), or from the field
 * (`windows-startup-script-ps1`). Binary content that is not gzip, and interpreters the pack cannot read
 * (Python part handlers, `#!/usr/bin/python3`), come back as unreadable.
 */
import { gunzipSync } from "node:zlib";
import type * as Yaml from "yaml";

/** The yaml package's parse, loaded on first use: most resources hold no YAML, and loading it costs about 35 ms. */
function parseYaml(text: string): any {
    return (require("yaml") as typeof Yaml).parse(text);
}

/** The languages the pack reads. */
export enum ScriptLanguage {
    Shell = "shell",
    CloudConfig = "cloud-config",
    PowerShell = "powershell",
    Cmd = "cmd",
    /** `#include` / text/x-include-url: URLs whose content cloud-init fetches and runs. */
    IncludeUrl = "include-url",
}

/** One document of user data, decoded. */
export interface ScriptDocument {
    /** Where it was found: `userData`, `userData (part 2, text/x-shellscript)`. */
    where: string;
    language: ScriptLanguage;
    text: string;
}

/** The documents of one field, and why parts of it cannot be read. */
export interface DecodedUserData {
    documents: ScriptDocument[];
    unreadable: Array<{ where: string; why: string }>;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Bytes of a field: base64-decoded when the API wants base64 and the text is base64. */
function bytesOf(text: string, base64: boolean): Buffer {
    if (base64) {
        const compact = text.replace(/\s+/g, "");
        if (compact.length > 0 && compact.length % 4 !== 1 && BASE64.test(compact)) {
            return Buffer.from(compact, "base64");
        }
    }
    return Buffer.from(text, "utf8");
}

function isGzip(b: Buffer): boolean {
    return b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Text of bytes (gunzipped when gzip), or why not. */
function textOf(b: Buffer): { text?: string; why?: string } {
    let bytes = b;
    if (isGzip(bytes)) {
        try {
            bytes = gunzipSync(bytes);
        } catch (err) {
            return { why: `gzip data that does not decompress (${(err as Error).message})` };
        }
    }
    const text = bytes.toString("utf8");
    if (/[\u0000-\u0008\u000e-\u001a\ufffd]/.test(text)) {
        return { why: "binary content that is neither text nor gzip" };
    }
    return { text };
}

const SHELLS = /^#!\s*(\/usr)?(\/local)?\/bin\/(env\s+)?(ba|da|z|k|mk|a)?sh\b/;
const POWERSHELL_SHEBANG = /^#!\s*\S*\b(env\s+)?(pwsh|powershell)\b/i;

/** The language a document announces on its first line, or why it cannot be read; undefined: not announced. */
function announced(text: string): { language?: ScriptLanguage; strip?: number; why?: string } {
    const lines = text.replace(/^\uFEFF/, "").split("\n");
    let first = lines[0].trim();
    let strip = 0;
    if (/^##\s*template:\s*jinja/i.test(first)) {
        first = (lines[1] ?? "").trim();
        strip = 1;
    }
    if (/^#cloud-config\b/i.test(first) && !/^#cloud-config-archive/i.test(first)) {
        return { language: ScriptLanguage.CloudConfig, strip };
    }
    if (/^#include(-once)?\b/i.test(first)) {
        return { language: ScriptLanguage.IncludeUrl };
    }
    if (/^#cloud-boothook\b/i.test(first) || SHELLS.test(first)) {
        return { language: ScriptLanguage.Shell };
    }
    if (POWERSHELL_SHEBANG.test(first) || /^#ps1(_sysnative|_x86)?\b/i.test(first)) {
        return { language: ScriptLanguage.PowerShell };
    }
    if (/^rem\s+cmd\b/i.test(first)) {
        return { language: ScriptLanguage.Cmd };
    }
    if (first.startsWith("#!")) {
        return {
            why: `a script for ${first.slice(2).trim().split(/\s+/).pop()} (the pack reads shell, cloud-config, PowerShell and cmd)`,
        };
    }
    return {};
}

/** Splits a MIME multipart message into its parts (headers lower-cased, body raw). */
function mimeParts(text: string): Array<{ headers: Record<string, string>; body: string }> | undefined {
    const headerEnd = text.search(/\r?\n\r?\n/);
    if (headerEnd < 0) {
        return undefined;
    }
    const headers = text.slice(0, headerEnd);
    const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
    if (!boundary || !/content-type:\s*multipart\//i.test(headers)) {
        return undefined;
    }
    const chunks = text.split(`--${boundary}`).slice(1);
    const parts: Array<{ headers: Record<string, string>; body: string }> = [];
    for (const chunk of chunks) {
        if (chunk.startsWith("--")) {
            break;
        }
        const body = chunk.replace(/^\r?\n/, "");
        const end = body.search(/\r?\n\r?\n/);
        const head = end < 0 ? body : body.slice(0, end);
        const h: Record<string, string> = {};
        for (const line of head.split(/\r?\n/)) {
            const m = /^([\w-]+):\s*(.*)$/.exec(line);
            if (m) {
                h[m[1].toLowerCase()] = m[2].trim();
            }
        }
        parts.push({
            headers: h,
            body:
                end < 0
                    ? ""
                    : body
                          .slice(end)
                          .replace(/^\r?\n\r?\n/, "")
                          .replace(/\r?\n$/, ""),
        });
    }
    return parts;
}

const PART_TYPES: Record<string, ScriptLanguage> = {
    "text/x-shellscript": ScriptLanguage.Shell,
    "text/x-shellscript-per-boot": ScriptLanguage.Shell,
    "text/x-shellscript-per-instance": ScriptLanguage.Shell,
    "text/x-shellscript-per-once": ScriptLanguage.Shell,
    "text/cloud-boothook": ScriptLanguage.Shell,
    "text/cloud-config": ScriptLanguage.CloudConfig,
    "text/x-include-url": ScriptLanguage.IncludeUrl,
    "text/x-include-once-url": ScriptLanguage.IncludeUrl,
};

class Decoder {
    readonly out: DecodedUserData = { documents: [], unreadable: [] };

    constructor(private readonly hint: ScriptLanguage | undefined) {}

    bytes(b: Buffer, where: string, typeHint?: ScriptLanguage, depth = 0): void {
        const { text, why } = textOf(b);
        if (text === undefined) {
            this.out.unreadable.push({ where, why: why! });
            return;
        }
        this.text(text, where, typeHint, depth);
    }

    text(text: string, where: string, typeHint: ScriptLanguage | undefined, depth: number): void {
        if (text.trim() === "" || depth > 4) {
            return;
        }
        const parts = /^(content-type|mime-version):/i.test(text.trimStart()) ? mimeParts(text.trimStart()) : undefined;
        if (parts) {
            parts.forEach((p, i) =>
                this.part(
                    p,
                    `${where} (part ${i + 1}, ${p.headers["content-type"]?.split(";")[0] ?? "text/plain"})`,
                    depth,
                ),
            );
            return;
        }
        if (/^#cloud-config-archive\b/i.test(text.trimStart())) {
            this.archive(text, where, depth);
            return;
        }
        const ec2 = [...text.matchAll(/<(powershell|script)>([\s\S]*?)<\/\1>/gi)];
        if (ec2.length > 0) {
            for (const m of ec2) {
                const language = m[1].toLowerCase() === "powershell" ? ScriptLanguage.PowerShell : ScriptLanguage.Cmd;
                this.out.documents.push({ where: `${where} <${m[1].toLowerCase()}>`, language, text: m[2] });
            }
            return;
        }
        const a = announced(text);
        if (a.why) {
            this.out.unreadable.push({ where, why: a.why });
            return;
        }
        const language = a.language ?? typeHint ?? this.hint ?? ScriptLanguage.Shell;
        const body = a.strip ? text.split("\n").slice(a.strip).join("\n") : text;
        this.out.documents.push({ where, language, text: body });
    }

    part(p: { headers: Record<string, string>; body: string }, where: string, depth: number): void {
        const type = (p.headers["content-type"] ?? "text/plain").split(";")[0].trim().toLowerCase();
        const encoding = (p.headers["content-transfer-encoding"] ?? "").toLowerCase();
        const bytes =
            encoding === "base64" ? Buffer.from(p.body.replace(/\s+/g, ""), "base64") : Buffer.from(p.body, "utf8");
        if (type.startsWith("multipart/")) {
            this.bytes(
                Buffer.from(`Content-Type: ${p.headers["content-type"]}\n\n${bytes.toString("utf8")}`),
                where,
                undefined,
                depth + 1,
            );
            return;
        }
        if (type === "text/part-handler") {
            this.out.unreadable.push({ where, why: "a cloud-init part handler (Python code the pack cannot read)" });
            return;
        }
        this.bytes(bytes, where, PART_TYPES[type], depth + 1);
    }

    archive(text: string, where: string, depth: number): void {
        let items: unknown;
        try {
            items = parseYaml(text);
        } catch (err) {
            this.out.unreadable.push({
                where,
                why: `#cloud-config-archive is not YAML (${(err as Error).message.split("\n")[0]})`,
            });
            return;
        }
        (Array.isArray(items) ? items : []).forEach((item, i) => {
            const entry = typeof item === "string" ? { content: item } : (item as Record<string, unknown>);
            const content = typeof entry?.content === "string" ? entry.content : "";
            const type = typeof entry?.type === "string" ? entry.type.toLowerCase() : "text/plain";
            this.bytes(Buffer.from(content, "utf8"), `${where} (archive item ${i + 1})`, PART_TYPES[type], depth + 1);
        });
    }
}

/**
 * The documents of one user-data field. `base64`: the API takes the field in base64. `hint`: the language of
 * a field that says it (GCP `windows-startup-script-ps1`, an Azure Windows VM's custom data).
 */
export function decodeUserData(value: string, base64: boolean, where: string, hint?: ScriptLanguage): DecodedUserData {
    const decoder = new Decoder(hint);
    decoder.bytes(bytesOf(value, base64), where);
    return decoder.out;
}
