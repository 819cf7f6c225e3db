/**
 * Figures 5 and 6: jobd started on a database of unfinished jobs. Boot: exec → /readyz 200. Memory:
 * RSS from /proc/PID/status after boot and a few requests (reads, a list, creates, one answer).
 */
import { CREATE_SPEC } from "../lib/bodies.ts";
import type { BenchContext } from "../lib/context.ts";
import { rssOf } from "../lib/proc.ts";
import { against, atMost, type Section } from "../lib/report.ts";
import { removeDb, spreadJobs, waitingJob, type Seeded } from "../lib/seeds.ts";
import { startJobd } from "../lib/servers.ts";
import { fmt, spread } from "../lib/stats.ts";
import { join } from "node:path";

interface Boot {
  readyMs: number;
  rssMB: number;
  peakMB: number;
}

async function bootOnce(ctx: BenchContext, db: string): Promise<Boot> {
  const jobd = await startJobd(ctx.jobdBin, db, ctx.cores.server);
  try {
    const readyMs = jobd.readyMs;
    const json = { "content-type": "application/json" };
    for (const job of spreadJobs(db, 10)) {
      const res = await fetch(`${jobd.url}/api/v1/jobs/${job.id}`);
      if (res.status !== 200) throw new Error(`memory figure: GET answered ${res.status}`);
    }
    await (await fetch(`${jobd.url}/api/v1/jobs?limit=100`)).arrayBuffer();
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${jobd.url}/api/v1/jobs`, { method: "POST", headers: json, body: JSON.stringify(CREATE_SPEC) });
      if (res.status !== 201) throw new Error(`memory figure: create answered ${res.status}`);
    }
    const waiting = waitingJob(db);
    if (waiting) {
      const res = await fetch(`${jobd.url}/api/v1/jobs/${waiting}/answer`, { method: "POST", headers: json, body: '{"button":0}' });
      if (res.status !== 200) throw new Error(`memory figure: answer answered ${res.status}`);
    }
    await Bun.sleep(1000);
    const { rssMB, peakMB } = rssOf(jobd.proc.pid);
    return { readyMs, rssMB, peakMB };
  } finally {
    await jobd.stop();
  }
}

export async function memoryBootFigures(ctx: BenchContext, seeded: Seeded): Promise<Section[]> {
  ctx.say(`figures 5-6: boots on ${seeded.jobs.toLocaleString("en-US")} unfinished jobs`);
  const empty = join(ctx.work, "empty-boot.db");
  const big: Boot[] = [];
  const small: Boot[] = [];
  for (let r = 0; r < ctx.runs; r++) {
    removeDb(empty);
    small.push(await bootOnce(ctx, empty));
    big.push(await bootOnce(ctx, seeded.path));
  }
  removeDb(empty);
  const n = seeded.jobs.toLocaleString("en-US");
  const onEmpty = (pick: (b: Boot) => number) => ({ label: "empty database", values: small.map(pick) });
  const rss = against(`RSS with ${n} unfinished jobs`, big.map((b) => b.rssMB), "MB", onEmpty((b) => b.rssMB));
  const ready = against("exec → /readyz 200", big.map((b) => b.readyMs), "ms", onEmpty((b) => b.readyMs));
  const seededHow =
    `The database holds ${n} unfinished jobs (${fmt(seeded.bytes / 2 ** 20)} MiB), a quarter each: script jobs ` +
    "scheduled 30 days ahead (runAt), script jobs waiting on a prompt, external-type jobs leased to a worker " +
    "(started and given a lease the way the worker API does), external-type jobs queued for a worker. " +
    `bench/seed.ts made the first 4,000 through the Engine (createNow in batches) and copied those rows, snapshots ` +
    `and logs under fresh UUIDv7 ids for the rest (${Math.round(seeded.ms / 1000)} s).`;
  return [
    {
      id: "5",
      title: `Memory with ${n} unfinished jobs`,
      how:
        `${seededHow} jobd (the compiled binary) starts on it; after /readyz it serves 10 reads spread over the ` +
        "table, a list of 100, 10 creates and one answer (which wakes a passivated actor), then after 1 s the " +
        "bench reads VmRSS from /proc/PID/status. Baseline: the same on an empty database.",
      rows: [
        { ...rss, target: atMost(rss.value.median, 300, "RSS ≤ 300 MB") },
        { label: "peak RSS (VmHWM)", value: spread(big.map((b) => b.peakMB)), unit: "MB" },
      ],
      notes: [],
    },
    {
      id: "6",
      title: `Boot with ${n} unfinished jobs`,
      how: `${seededHow} Time from exec of the binary to the first 200 from /readyz (polled every ms); the binary answers /readyz only once the store is open, migrations are done and the engine has booted (resumed interrupted work, armed the next deadline).`,
      rows: [
        { ...ready, target: atMost(ready.value.median, 1000, "≤ 1,000 ms") },
      ],
      notes: [],
    },
  ];
}
