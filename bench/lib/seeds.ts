/** Seeded databases for figures 5, 6 and 8: made by bench/seed.ts, read back here for job ids. */
import { Database } from "bun:sqlite";
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext } from "./context.ts";
import { runJson } from "./proc.ts";
import type { ReadJob } from "../figures/reads.ts";

export interface Seeded {
  path: string;
  jobs: number;
  ms: number;
  bytes: number;
}

export function removeDb(path: string): void {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
}

export async function seedDb(ctx: BenchContext, jobs: number): Promise<Seeded> {
  const path = join(ctx.work, `seed-${jobs}.db`);
  removeDb(path);
  ctx.say(`seeding ${jobs.toLocaleString("en-US")} unfinished jobs`);
  const res = await runJson<{ ms: number }>([ctx.bun, join(ctx.repo, "bench/seed.ts"), "--db", path, "--jobs", String(jobs)], {
    timeoutMs: 600_000,
  });
  return { path, jobs, ms: res.ms, bytes: statSync(path).size };
}

/** `n` jobs spread evenly over the whole table (so reads do not all hit the newest pages). */
export function spreadJobs(path: string, n: number): ReadJob[] {
  const db = new Database(path, { readonly: true });
  try {
    const max = db.query<{ m: number }, []>("SELECT MAX(seq) AS m FROM jobs").get()?.m ?? 0;
    const seqs = Array.from({ length: Math.min(n, max) }, (_, i) => 1 + Math.floor((i * max) / Math.min(n, max)));
    const find = db.query<ReadJob, [number]>("SELECT id, seq, namespace FROM jobs WHERE seq = ?");
    return seqs.map((s) => find.get(s)).filter((j): j is ReadJob => j !== null);
  } finally {
    db.close();
  }
}

/** How many jobs the database holds. */
export function jobCount(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM jobs").get()?.n ?? 0;
  } finally {
    db.close();
  }
}

/** A job waiting on a prompt, to wake one actor during the memory figure. */
export function waitingJob(path: string): string | null {
  const db = new Database(path, { readonly: true });
  try {
    return db.query<{ id: string }, []>("SELECT id FROM jobs WHERE state = 'waiting' LIMIT 1").get()?.id ?? null;
  } finally {
    db.close();
  }
}
