import { expect, test } from "bun:test";
import { join } from "node:path";
import { SqliteStore } from "../../src/store/index.ts";
import { tempDirs } from "../helpers/temp-dirs.ts";
import { engineOn } from "../helpers/engine-on.ts";

// A job's first log entry (its creation) is implied by its row rather than stored as a row of its own.

const tempDir = tempDirs();

const countRows = (store: SqliteStore, jobId: string) =>
  store.writer.query<{ n: number }, [string]>("SELECT COUNT(*) AS n FROM transitions WHERE job_id = ?").get(jobId)?.n ?? 0;

test("the creation entry comes from the row, before the stored entries, and survives a restart", async () => {
  const dir = tempDir("jobd-creation-");
  const path = join(dir, "jobd.db");
  let { store, engine } = engineOn(path);
  const job = await engine.create({ type: "bench.worker" });
  expect(countRows(store, job.id)).toBe(0);
  await engine.cancel(job.id);
  await engine.close();
  store.close();

  ({ store, engine } = engineOn(path));
  const log = engine.log(job.id);
  expect(log.map((t) => [t.seq, t.event, t.from, t.to])).toEqual([
    [1, "job.create", "", "queued"],
    [2, "job.cancel", "queued", "canceled"],
  ]);
  expect(log[0]?.at).toBe(job.createdAt);
  expect(countRows(store, job.id)).toBe(1);
  expect(engine.log("no-such-job")).toEqual([]);
  await engine.close();
  store.close();
});

test("a log written by an older jobd, with its creation stored, is read as it is", async () => {
  const dir = tempDir("jobd-creation-");
  const { store, engine } = engineOn(join(dir, "jobd.db"));
  const job = await engine.create({ type: "bench.worker" });
  store.write(() =>
    store.appendTransition({ jobId: job.id, seq: 1, at: 42, event: "job.create", from: "", to: "queued", payload: null }),
  );
  await store.committed();
  expect(engine.log(job.id).map((t) => [t.seq, t.at])).toEqual([[1, 42]]);
  await engine.close();
  store.close();
});
