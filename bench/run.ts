/**
 * `make bench`: measures jobd against its baselines and writes bench/RESULTS.md.
 *
 * Usage: bun bench/run.ts [--quick] [--only 1,2,3,4,5,6,7,8] [--out PATH]
 *   --quick   one short run per figure and small seeds, to try the harness (writes bench/.work/RESULTS.quick.md)
 *   --only    a comma-separated list of figures to run
 * Environment: JOBD_BIN (default dist/jobd), BENCH_SIZES (e.g. "1000,100000,1000000").
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { coldStartFigure } from "./figures/cold-start.ts";
import { createsFigure } from "./figures/creates.ts";
import { endToEndFigure } from "./figures/end-to-end.ts";
import { memoryBootFigures } from "./figures/memory-boot.ts";
import { promptsFigure } from "./figures/prompts.ts";
import { readsFigure } from "./figures/reads.ts";
import { concurrencySweep, measureSizes, sizeSweepSection } from "./figures/scaling.ts";
import type { BenchContext } from "./lib/context.ts";
import { currentLoad, machineFacts } from "./lib/machine.ts";
import { stopAll } from "./lib/proc.ts";
import { renderResults, type Section } from "./lib/report.ts";
import { removeDb, seedDb } from "./lib/seeds.ts";
import { startBaseline, startJobd, startRedis, type Redis, type Running } from "./lib/servers.ts";
import { ensureDebianTools, pickCores } from "./lib/tools.ts";

const REPO = resolve(import.meta.dir, "..");
const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { quick: { type: "boolean" }, only: { type: "string" }, out: { type: "string" } },
  strict: true,
});
const quick = values.quick === true;
const only = new Set((values.only ?? "1,2,3,4,5,6,7,8").split(",").map((s) => s.trim()));
const started = performance.now();
const say = (line: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}`);

const work = join(REPO, "bench/.work");
mkdirSync(work, { recursive: true });
const jobdBin = resolve(process.env.JOBD_BIN ?? join(REPO, "dist/jobd"));
statSync(jobdBin);

ensureDebianTools(
  [
    { bin: "wrk", pkg: "wrk" },
    { bin: "redis-server", pkg: "redis-server" },
    { bin: "redis-cli", pkg: "redis-tools" },
  ],
  say,
);

const sizes = (process.env.BENCH_SIZES ?? (quick ? "1000,20000" : "1000,100000,1000000")).split(",").map(Number);
const ctx: BenchContext = {
  quick,
  runs: quick ? 1 : 3,
  seconds: quick ? 1 : 3,
  sweepSeconds: quick ? 1 : 2,
  concurrency: 50,
  sweep: quick ? [1, 1000] : [1, 10, 100, 1000],
  sizes,
  work,
  jobdBin,
  baselineBin: join(work, "baseline-server"),
  bun: process.execPath,
  repo: REPO,
  cores: pickCores(),
  say,
  warnings: [],
};
const facts = machineFacts(ctx.bun);
say(`${facts.nproc} × ${facts.cpu}, load ${facts.loadBefore.join(" ")}; ${ctx.cores.note}`);

say("compiling the baseline server");
const build = Bun.spawnSync(
  // A production build, as jobd's (scripts/build.ts).
  [ctx.bun, "build", "--compile", "--minify", "--define", 'process.env.NODE_ENV="production"', join(REPO, "bench/baselines/elysia-server.ts"), "--outfile", ctx.baselineBin],
  { cwd: REPO, stdout: "pipe", stderr: "pipe" },
);
if (build.exitCode !== 0) throw new Error(`baseline build failed: ${build.stderr.toString()}`);

const sections: Section[] = [];
let redis: Redis | undefined;
let jobd: Running | undefined;
let baseline: Running | undefined;
const live = join(work, "live.db");

process.on("SIGINT", () => {
  void stopAll().finally(() => process.exit(130));
});

try {
  if (["1", "2", "3", "4", "8"].some((f) => only.has(f))) {
    removeDb(live);
    redis = await startRedis(join(work, "redis"), ctx.cores.server);
    baseline = await startBaseline(ctx.baselineBin, ctx.cores.server);
    jobd = await startJobd(ctx.jobdBin, live, ctx.cores.server);
    const s = { jobd, baseline, redisPort: redis.port };
    if (only.has("1")) sections.push(await createsFigure(ctx, s));
    if (only.has("2")) sections.push(await readsFigure(ctx, s));
    if (only.has("3")) sections.push(await endToEndFigure(ctx, s));
    if (only.has("4")) sections.push(await promptsFigure(ctx, s));
    if (only.has("8")) sections.push(await concurrencySweep(ctx, s));
    await jobd.stop();
    await baseline.stop();
    await redis.stop();
    removeDb(live);
    rmSync(join(work, "redis"), { recursive: true, force: true });
  }
  if (only.has("7")) sections.push(await coldStartFigure(ctx));
  if (["5", "6", "8"].some((f) => only.has(f))) {
    // Every size is seeded first: figure 8 runs one jobd per database at once, taking turns.
    const seeded = [];
    for (const size of [...ctx.sizes].sort((a, b) => a - b)) seeded.push(await seedDb(ctx, size));
    const largest = seeded[seeded.length - 1];
    try {
      if (largest && (only.has("5") || only.has("6"))) {
        const [memory, boot] = await memoryBootFigures(ctx, largest);
        if (only.has("5") && memory) sections.push(memory);
        if (only.has("6") && boot) sections.push(boot);
      }
      if (only.has("8")) sections.push(sizeSweepSection(ctx, await measureSizes(ctx, seeded)));
    } finally {
      for (const db of seeded) removeDb(db.path);
    }
  }
} finally {
  await stopAll();
}

const order = ["1", "2", "3", "4", "5", "6", "7", "8a", "8b"];
sections.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
if (ctx.warnings.length > 0) {
  sections.push({
    id: "!",
    title: "Warnings seen while measuring",
    how: "Errors reported by the load generator (non-2xx answers, timeouts, socket errors). Figures count successful answers only.",
    rows: [],
    notes: ctx.warnings,
  });
}
/** How this run was started, as a reader would type it again. */
function commandLine(): string {
  if (process.env.MAKELEVEL) return "make bench";
  const env = process.env.JOBD_BIN ? `JOBD_BIN=${process.env.JOBD_BIN} ` : "";
  return `${env}bun bench/run.ts${Bun.argv.slice(2).map((a) => ` ${a}`).join("")}`;
}

const out = values.out ?? join(REPO, quick ? "bench/.work/RESULTS.quick.md" : "bench/RESULTS.md");
const markdown = renderResults(
  {
    command: commandLine(),
    facts,
    loadAfter: currentLoad(),
    elapsedS: (performance.now() - started) / 1000,
    runs: ctx.runs,
    seconds: ctx.seconds,
    cores: ctx.cores.note,
    jobdBin: relative(REPO, jobdBin),
    jobdBytes: statSync(jobdBin).size,
    quick,
  },
  sections,
);
writeFileSync(out, `${markdown}\n`);
say(`wrote ${relative(REPO, out)}`);
