/**
 * Seeds a jobd database with unfinished jobs straight through the engine (no HTTP), for the memory,
 * boot and scaling figures. Jobs are spread evenly over four kinds of "unfinished":
 * - scheduled: a `script` job whose runAt is 30 days away (queued, deadline stored);
 * - waiting: a `script` job paused on a prompt (running.waiting, passivated);
 * - leased: an external-type job started and given a lease, the way the worker API leases it;
 * - queued: an external-type job queued for a worker that has not come yet.
 *
 * The engine creates jobs at a few thousand a second here (each one is an XState actor started,
 * snapshotted and passivated), which would make a million take minutes. So the engine seeds the first
 * `--through-engine` jobs (default 4,000: a thousand of each kind), and the rest are copies of those rows
 * under fresh UUIDv7 ids: the same columns, snapshot and transition log the engine wrote (a snapshot
 * holds no job id), inserted in large transactions.
 *
 * Usage: bun bench/seed.ts --db PATH --jobs N [--through-engine 4000]
 * Prints one JSON line: { jobs, throughEngine, ms, perSecond, bytes }.
 */
import { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import { parseArgs } from "node:util";
import { Engine } from "../src/engine/index.ts";
import type { JobSpec } from "../src/job-view.ts";
import { SqliteStore } from "../src/store/index.ts";

const DAY = 86_400_000;
export const SEED_KINDS = ["scheduled", "waiting", "leased", "queued"] as const;
export const WORKER_TYPE = "bench.worker";

function specFor(i: number, now: number): { spec: JobSpec; lease: boolean } {
  switch (SEED_KINDS[i % SEED_KINDS.length]) {
    case "scheduled":
      return { spec: { type: "script", input: { steps: [{ progress: 50 }] }, runAt: now + 30 * DAY }, lease: false };
    case "waiting":
      return {
        spec: { type: "script", input: { steps: [{ prompt: "Go on?", buttons: ["yes", "no"] }] } },
        lease: false,
      };
    case "leased":
      return { spec: { type: WORKER_TYPE, input: { n: i } }, lease: true };
    default:
      return { spec: { type: WORKER_TYPE, input: { n: i } }, lease: false };
  }
}

const BATCH = 2000;
const CLONE_BATCH = 20_000;

/** Seeds `jobs` unfinished jobs; the first `throughEngine` through the engine, the rest as copies. */
export async function seed(db: string, jobs: number, throughEngine = 4000): Promise<{ jobs: number; engineJobs: number; ms: number }> {
  const started = performance.now();
  const engineJobs = Math.min(jobs, throughEngine);
  await seedThroughEngine(db, engineJobs);
  if (jobs > engineJobs) cloneRows(db, jobs - engineJobs);
  return { jobs, engineJobs, ms: performance.now() - started };
}

async function seedThroughEngine(db: string, jobs: number): Promise<void> {
  const store = new SqliteStore(db);
  const engine = new Engine({ store, autoTick: false });
  engine.boot();
  const now = Date.now();
  let pending: Promise<unknown>[] = [];
  for (let i = 0; i < jobs; i++) {
    const { spec, lease } = specFor(i, now);
    const id = engine.createNow(spec);
    if (lease) {
      pending.push(engine.send(id, { type: "job.start" }));
      engine.patch(id, () => ({ lease: { id: `lease-${i}`, worker: "bench-worker", expiresAt: now + DAY } }));
    }
    if ((i + 1) % BATCH === 0) {
      pending.push(store.committed());
      await Promise.all(pending);
      pending = [];
    }
  }
  pending.push(store.committed());
  await Promise.all(pending);
  await engine.close();
  store.close();
}

type Row = Record<string, string | number | null>;

/** Copies the engine-made rows (and their transitions) under fresh time-ordered ids. */
function cloneRows(path: string, count: number): void {
  const db = new Database(path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  const templates = db.query<Row, []>("SELECT * FROM jobs ORDER BY seq").all();
  const transitions = new Map<string, Row[]>();
  for (const t of db.query<Row, []>("SELECT * FROM transitions ORDER BY job_id, seq").all()) {
    const list = transitions.get(String(t.job_id)) ?? [];
    list.push(t);
    transitions.set(String(t.job_id), list);
  }
  const cols = Object.keys(templates[0] ?? {}).filter((c) => c !== "seq");
  const insertJob = db.prepare(`INSERT INTO jobs (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`);
  const insertTransition = db.prepare(
    "INSERT INTO transitions (job_id, seq, at, event, from_state, to_state, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const template = templates[i % templates.length] as Row;
      const id = Bun.randomUUIDv7();
      insertJob.run(...cols.map((c) => (c === "id" ? id : (template[c] ?? null))));
      for (const t of transitions.get(String(template.id)) ?? []) {
        insertTransition.run(id, t.seq ?? 0, t.at ?? 0, t.event ?? "", t.from_state ?? "", t.to_state ?? "", t.payload ?? null);
      }
    }
  });
  for (let from = 0; from < count; from += CLONE_BATCH) batch(from, Math.min(count, from + CLONE_BATCH));
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: { db: { type: "string" }, jobs: { type: "string" }, "through-engine": { type: "string" } },
    strict: true,
  });
  if (!values.db || !values.jobs) {
    console.error("usage: bun bench/seed.ts --db PATH --jobs N [--through-engine 4000]");
    process.exit(2);
  }
  const n = Number(values.jobs);
  const { ms, engineJobs } = await seed(values.db, n, Number(values["through-engine"] ?? 4000));
  const bytes = statSync(values.db).size;
  console.log(JSON.stringify({ jobs: n, throughEngine: engineJobs, ms: Math.round(ms), perSecond: Math.round(n / (ms / 1000)), bytes }));
}
