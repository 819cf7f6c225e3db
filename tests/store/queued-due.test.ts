import { expect, test } from "bun:test";
import { join } from "node:path";
import { Engine, ManualClock } from "../../src/engine/index.ts";
import { SqliteStore } from "../../src/store/index.ts";
import { tempDirs } from "../helpers/temp-dirs.ts";

const tempDir = tempDirs();

async function setup() {
  const dir = tempDir("jobd-queued-due-");
  const store = new SqliteStore(join(dir, "jobd.db"));
  const clock = new ManualClock(1_000_000);
  // maxRunning 1 keeps in-process jobs queued, so the pump query has something to choose from.
  const engine = new Engine({ store, clock, autoTick: false, maxRunning: 1 });
  engine.boot();
  return { store, engine, clock };
}

test("findQueuedDue (the pump) returns due in-process jobs by priority then age, nothing else", async () => {
  const { store, engine, clock } = await setup();
  const sleeper = { type: "script", input: { steps: [{ sleep: 3_600_000 }] } };
  const running = await engine.create(sleeper);
  expect(running.state).toBe("running");
  const low = await engine.create(sleeper);
  const high = await engine.create({ ...sleeper, priority: 5 });
  const later = await engine.create({ ...sleeper, runAt: clock.now() + 60_000 });
  const external = await engine.create({ type: "bench.worker" });
  expect([low, high, later, external].map((j) => j.state)).toEqual(["queued", "queued", "queued", "queued"]);

  expect(store.findQueuedDue(clock.now(), true, null, 10)).toEqual([high.id, low.id]);
  expect(store.findQueuedDue(clock.now(), true, null, 1)).toEqual([high.id]);
  clock.advance(60_000);
  expect(store.findQueuedDue(clock.now(), true, null, 10)).toEqual([high.id, low.id, later.id]);
  // The typed form (external jobs) still answers as before.
  expect(store.findQueuedDue(clock.now(), false, ["bench.worker"], 10)).toEqual([external.id]);
  await engine.close();
  store.close();
});

test("the pump's index exists and the worker lease query does not use it", async () => {
  const { store, engine } = await setup();
  const index = store.writer
    .query<{ sql: string }, []>("SELECT sql FROM sqlite_master WHERE name = 'jobs_queued_in_process'")
    .get();
  expect(index?.sql).toContain("WHERE state = 'queued' AND in_process = 1");
  const plan = store.writer
    .query<{ detail: string }, [number, string, number]>(
      `EXPLAIN QUERY PLAN SELECT id FROM jobs WHERE state = 'queued' AND in_process = 0 AND run_at <= ?
       AND type IN (?) ORDER BY priority DESC, seq LIMIT ?`,
    )
    .all(0, "t", 1)
    .map((r) => r.detail)
    .join("; ");
  expect(plan).toContain("jobs_queued");
  expect(plan).not.toContain("jobs_queued_in_process");
  await engine.close();
  store.close();
});
