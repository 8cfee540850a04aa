/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the command line) and prints
 * their figures. Benchmarks print; they never assert timings.
 */
import * as fs from "node:fs";
import * as path from "node:path";

async function main(): Promise<void> {
    const only = process.argv.slice(2);
    const files = fs
        .readdirSync(__dirname)
        .filter((f) => f.endsWith(".bench.ts"))
        .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
        .sort();
    for (const file of files) {
        const mod = require(path.join(__dirname, file));
        const run = mod.default ?? mod.run;
        console.log(`\n== ${file.replace(/\.bench\.ts$/, "")}`);
        const t0 = process.hrtime.bigint();
        await run();
        console.log(`   (${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms)`);
    }
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
