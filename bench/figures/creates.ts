/**
 * Figure 1, durable creates over HTTP, and the issue-2 figure (creates as a share of plain SQLite
 * autocommit inserts). jobd, the bare Elysia route, BullMQ's queue.add and the SQLite baseline are
 * measured round by round in the same run.
 */
import { CREATE_SPEC } from "../lib/bodies.ts";
import { rate, rounds, warm, type BenchContext } from "../lib/context.ts";
import { bullmqAdd, sqliteInserts } from "../lib/peers.ts";
import { against, atLeast, type Section } from "../lib/report.ts";
import type { Running } from "../lib/servers.ts";
import { fmt, spread, together } from "../lib/stats.ts";
import type { WrkLoad } from "../lib/wrk.ts";

/** Microseconds per job at a rate in jobs per second. */
const us = (perSecond: number): string => (1e6 / perSecond).toFixed(1);

export const createLoad = (): WrkLoad => ({ kind: "post", body: JSON.stringify(CREATE_SPEC) });

/** One create through the API, checked: 201, committed queued, readable back. */
export async function checkCreate(jobd: Running): Promise<void> {
  const res = await fetch(`${jobd.url}/api/v1/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(CREATE_SPEC),
  });
  const job = (await res.json()) as { id: string; state: string };
  if (res.status !== 201 || job.state !== "queued") throw new Error(`create check: ${res.status} ${JSON.stringify(job)}`);
  const back = await fetch(`${jobd.url}/api/v1/jobs/${job.id}`);
  if (back.status !== 200) throw new Error(`create check: the job just created reads ${back.status}`);
}

export async function createsFigure(
  ctx: BenchContext,
  s: { jobd: Running; baseline: Running; redisPort: number },
): Promise<Section> {
  const c = ctx.concurrency;
  const load = createLoad();
  await checkCreate(s.jobd);
  ctx.say(`figure 1: creates at ${c} connections`);
  await warm(ctx, `${s.baseline.url}/api/v1/jobs`, load, c);
  await warm(ctx, `${s.jobd.url}/api/v1/jobs`, load, c);
  const [bare, jobd, bull, sqlite] = await rounds(ctx.runs, [
    () => rate(ctx, "bare Elysia POST", `${s.baseline.url}/api/v1/jobs`, load, c, ctx.seconds),
    () => rate(ctx, "jobd POST /api/v1/jobs", `${s.jobd.url}/api/v1/jobs`, load, c, ctx.seconds),
    () => bullmqAdd(ctx, s.redisPort, c, ctx.seconds),
    () => sqliteInserts(ctx, "autocommit", "v7", ctx.seconds),
  ]) as [number[], number[], number[], number[]];
  ctx.say("figure 1: SQLite batches, v7 and v4 keys");
  const [v7, v4] = await rounds(ctx.runs, [
    () => sqliteInserts(ctx, "batch", "v7", ctx.sweepSeconds),
    () => sqliteInserts(ctx, "batch", "v4", ctx.sweepSeconds),
  ]) as [number[], number[]];
  // A create must at least take a request through Elysia and write its row: the two floors added.
  const floor = together(bare, v7);
  const target = 1.5 * spread(bull).median;
  const bareRate = spread(bare).median;
  const floorRate = spread(floor).median;
  const bullmq = { label: "BullMQ", values: bull };
  const vsBare = against("jobd ÷ bare Elysia POST", jobd, "jobs/s", { label: "bare Elysia", values: bare });
  const vsBull = against("jobd ÷ BullMQ queue.add", jobd, "jobs/s", bullmq);
  return {
    id: "1",
    title: "Durable creates over HTTP",
    how:
      `\`POST /api/v1/jobs\` with \`${JSON.stringify(CREATE_SPEC)}\` (${JSON.stringify(CREATE_SPEC).length} bytes) from wrk, ` +
      `${c} connections, ${ctx.seconds} s per run. The job is for an external worker queue, so it is committed \`queued\` ` +
      "and stays queued for the whole run (nothing leases it); each 201 is sent after the group commit that holds its row. " +
      "The baseline is a bare Elysia route on the same path with the same TypeBox body schema that does nothing " +
      "(bench/baselines/elysia-server.ts, compiled like jobd). BullMQ: `queue.add` of the same input as job data, " +
      `${c} adds in flight, on Node, against redis-server with appendonly yes / appendfsync everysec ` +
      "(jobd's synchronous=NORMAL in WAL mode is the same promise: safe from a process crash, a power loss may take the last second). " +
      "SQLite: bench/baselines/sqlite-inserts.ts, one 1 KB row per autocommit INSERT, UUIDv7 keys, WAL, synchronous=NORMAL.",
    rows: [
      { label: "jobd durable creates", value: vsBare.value, unit: "jobs/s" },
      { ...vsBare, target: atLeast(vsBare.ratio, 0.6, "bare Elysia route") },
      { ...vsBull, target: atLeast(vsBull.ratio, 1.5, "BullMQ queue.add") },
      against("bare Elysia POST + a SQLite row (1,000 per transaction), time per create added", floor, "jobs/s", bullmq),
      against("jobd ÷ SQLite autocommit inserts (issue 2)", jobd, "jobs/s", { label: "SQLite autocommit", values: sqlite }),
      against("SQLite, 1,000 rows per transaction, UUIDv7 vs v4 keys", v7, "rows/s", { label: "v4 keys", values: v4 }),
    ],
    notes: [
      `The BullMQ target, 1.5x queue.add, is ${fmt(target)} jobs/s in this run. The bare Elysia route, which ` +
        `validates the body and does nothing else, answers ${fmt(bareRate)} requests/s ` +
        `(${target > bareRate ? "below" : "above"} the target); with the time of one 1 KB row in 1,000-row ` +
        `SQLite transactions added per request, ${fmt(floorRate)} jobs/s ` +
        `(${target > floorRate ? "below" : "above"} the target), before any engine work.`,
      `The bare-route target, 0.6x, is ${fmt(0.6 * bareRate)} jobs/s in this run: ${us(0.6 * bareRate)} µs a create, ` +
        `where the bare route plus the row take ${us(floorRate)} µs (${(floorRate / bareRate).toFixed(2)}x the bare route). ` +
        `That leaves ${(Number(us(0.6 * bareRate)) - Number(us(floorRate))).toFixed(1)} µs a create for the rest of what jobd does ` +
        "(the engine, the three indexes for leasing and lists that the baseline's table lacks, the answer with the whole job).",
      "Ratios above 1 against SQLite autocommit are possible because group commit puts many creates in one transaction.",
      `SQLite batch runs are ${ctx.sweepSeconds} s each into a fresh file; v4 keys fall further behind as the table grows past the page cache.`,
    ],
  };
}
