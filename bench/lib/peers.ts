/** The peers measured beside jobd: BullMQ (Node + redis-server), plain bun:sqlite inserts, XState alone. */
import { join } from "node:path";
import { INPUT } from "./bodies.ts";
import type { BenchContext } from "./context.ts";
import { runJson } from "./proc.ts";
import { redisFlush } from "./servers.ts";

interface PerSecond {
  perSecond: number;
}

/** One BullMQ baseline script (Node, on the load core) against the bench's redis-server. */
async function bullmq(ctx: BenchContext, script: string, redisPort: number, concurrency: number, seconds: number): Promise<number> {
  redisFlush(redisPort);
  const res = await runJson<PerSecond>(
    [
      ...ctx.cores.load,
      "node",
      join(ctx.repo, "bench/baselines", script),
      "--port", String(redisPort),
      "--concurrency", String(concurrency),
      "--seconds", String(seconds),
      "--warmup", ctx.quick ? "0.3" : "1",
      "--data", JSON.stringify(INPUT),
    ],
    { cwd: ctx.repo },
  );
  return res.perSecond;
}

export const bullmqAdd = (ctx: BenchContext, redisPort: number, concurrency: number, seconds: number) =>
  bullmq(ctx, "bullmq-add.mjs", redisPort, concurrency, seconds);

export const bullmqEndToEnd = (ctx: BenchContext, redisPort: number, concurrency: number, seconds: number) =>
  bullmq(ctx, "bullmq-e2e.mjs", redisPort, concurrency, seconds);

/** One Bun baseline script (bench/baselines), run on the server's core; its rate per second. */
async function bunBaseline(ctx: BenchContext, script: string, args: string[]): Promise<number> {
  const res = await runJson<PerSecond>([...ctx.cores.server, ctx.bun, join(ctx.repo, "bench/baselines", script), ...args]);
  return res.perSecond;
}

/** Rows per second from bench/baselines/sqlite-inserts.ts, on the server's core. */
export const sqliteInserts = (ctx: BenchContext, mode: "autocommit" | "batch", keys: "v7" | "v4", seconds: number) =>
  bunBaseline(ctx, "sqlite-inserts.ts", [
    "--db", join(ctx.work, `sqlite-${mode}-${keys}.db`),
    "--mode", mode,
    "--keys", keys,
    "--seconds", String(seconds),
  ]);

/** No-op jobs per second through the job's statechart alone (bench/baselines/xstate-alone.ts), on the server's core. */
export const xstateAlone = (ctx: BenchContext, seconds: number) =>
  bunBaseline(ctx, "xstate-alone.ts", ["--seconds", String(seconds), "--warmup", ctx.quick ? "0.3" : "1"]);
