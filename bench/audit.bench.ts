/**
 * `immutable audit` on synthetic stack exports of 1k, 10k and 100k resources of mixed types: the audit time
 * (read, check, evaluate the whole pack, print JSON) against the time to JSON.parse the same file in the same
 * process (goal: audit <= 3x parse at 10k), and the peak memory.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runAudit } from "../bin/commands/audit";
import { readAuditInput } from "../bin/lib/auditInput";
import { withIo } from "../bin/lib/io";
import { syntheticExport } from "./synthetic";

const SIZES = (process.env.AUDIT_BENCH_SIZES ?? "1000,10000,100000").split(",").map(Number);

function ms(since: bigint): number {
    return Number(process.hrtime.bigint() - since) / 1e6;
}

async function audit(file: string): Promise<{ ms: number; exit: number; output: number }> {
    let output = 0;
    const t0 = process.hrtime.bigint();
    const exit = await withIo(
        {
            out: (t) => void (output += t.length),
            err: () => undefined,
            stdoutIsTTY: false,
            stderrIsTTY: false,
            readStdin: () => Buffer.alloc(0),
        },
        () => runAudit(file, { format: "json" }),
    );
    return { ms: ms(t0), exit, output };
}

export default async function run(): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-audit-bench-"));
    try {
        // Warm-up: loads the pack and the protobuf modules once, as any long-lived process would have.
        const warm = path.join(dir, "warm.json");
        fs.writeFileSync(warm, JSON.stringify(syntheticExport(200)));
        await audit(warm);
        console.log(
            "   resources   file MB   parse ms   read+check ms   audit ms   audit/parse   check/parse   heap MB (after)   peak RSS MB   output KB   exit",
        );
        for (const size of SIZES) {
            const file = path.join(dir, `export-${size}.json`);
            fs.writeFileSync(file, JSON.stringify(syntheticExport(size)));
            const mb = fs.statSync(file).size / 1e6;
            // Parse: read + JSON.parse of the same file, best of 5.
            let parse = Infinity;
            for (let i = 0; i < 5; i++) {
                const t0 = process.hrtime.bigint();
                JSON.parse(fs.readFileSync(file, "utf8"));
                parse = Math.min(parse, ms(t0));
            }
            // Read + check + convert (bin/lib/auditInput.ts) alone, best of 3: the CLI's own share of the audit
            // (the rest is the pack's evaluation and the JSON output).
            let check = Infinity;
            for (let i = 0; i < 3; i++) {
                const c0 = process.hrtime.bigint();
                readAuditInput(file);
                check = Math.min(check, ms(c0));
            }
            // Audit, best of 3 like the parse (one run at 100k and above).
            let a = await audit(file);
            for (let i = 1; i < (size >= 100000 ? 1 : 3); i++) {
                const again = await audit(file);
                if (again.ms < a.ms) a = again;
            }
            const heap = process.memoryUsage().heapUsed / 1e6;
            const peak = process.resourceUsage().maxRSS / 1e3;
            console.log(
                `   ${String(size).padStart(9)}   ${mb.toFixed(1).padStart(7)}   ${parse.toFixed(0).padStart(8)}   ${check.toFixed(0).padStart(13)}   ${a.ms.toFixed(0).padStart(8)}   ` +
                    `${(a.ms / parse).toFixed(1).padStart(10)}x   ${(check / parse).toFixed(1).padStart(10)}x   ${heap.toFixed(0).padStart(15)}   ${peak.toFixed(0).padStart(11)}   ${(a.output / 1e3).toFixed(0).padStart(9)}   ${a.exit}`,
            );
            fs.rmSync(file);
        }
        console.log(
            "   goal: audit <= 3x parse at 10k resources. audit = read+check + the pack's evaluation (policy/evaluate.ts) + JSON output;",
        );
        console.log("   peak RSS is the process high-water mark so far (process.resourceUsage().maxRSS)");
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
