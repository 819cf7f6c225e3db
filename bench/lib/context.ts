/** What every figure gets: the run's settings, the binaries, the cores, and small measuring helpers. */
import { rmSync } from "node:fs";
import type { Cores } from "./tools.ts";
import { wrk, wrkScript, type WrkLoad } from "./wrk.ts";

export interface BenchContext {
  quick: boolean;
  /** Measured runs per figure (3). */
  runs: number;
  /** Length of one measured run, seconds. */
  seconds: number;
  /** Length of one run in the sweeps (figure 8), seconds. */
  sweepSeconds: number;
  /** Connections (or operations in flight) for the headline figures. */
  concurrency: number;
  /** Concurrency levels of the figure 8 sweep. */
  sweep: number[];
  /** Database sizes (unfinished jobs) for figures 5, 6 and 8. */
  sizes: number[];
  work: string;
  jobdBin: string;
  baselineBin: string;
  bun: string;
  repo: string;
  cores: Cores;
  say(line: string): void;
  /** Anything odd seen while measuring (errors from wrk, skipped steps), for RESULTS.md. */
  warnings: string[];
}

/** One wrk run; returns successful responses per second and notes any error in ctx.warnings. */
export async function rate(
  ctx: BenchContext,
  what: string,
  url: string,
  load: WrkLoad,
  connections: number,
  seconds: number,
): Promise<number> {
  const script = wrkScript(load, ctx.work);
  const res = await wrk(url, script, { connections, seconds, pin: ctx.cores.load }).finally(() => rmSync(script, { force: true }));
  const e = res.errors;
  const bad = e.status + e.timeout + e.read + e.write + e.connect;
  if (bad > 0) {
    ctx.warnings.push(
      `${what} at ${connections} connections: ${bad} errors in ${res.requests} requests ` +
        `(status ${e.status}, timeout ${e.timeout}, read ${e.read}, write ${e.write}, connect ${e.connect})`,
    );
  }
  return res.rps;
}

/** A short run that is not counted, so JIT and caches are warm before the measured runs. */
export async function warm(ctx: BenchContext, url: string, load: WrkLoad, connections: number): Promise<void> {
  const script = wrkScript(load, ctx.work);
  await wrk(url, script, { connections, seconds: 1, pin: ctx.cores.load }).finally(() => rmSync(script, { force: true }));
}

/**
 * Runs the steps round by round (A B C, A B C, ...), so that a burst of load from elsewhere on a
 * shared machine lands on every contender rather than on one. Returns each step's values.
 */
export async function rounds(n: number, steps: (() => Promise<number>)[]): Promise<number[][]> {
  const out: number[][] = steps.map(() => []);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < steps.length; i++) out[i]?.push(await (steps[i] as () => Promise<number>)());
  }
  return out;
}
