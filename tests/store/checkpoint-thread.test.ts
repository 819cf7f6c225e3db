import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { eachTarget } from "../helpers/target.ts";
import { tempDirs } from "../helpers/temp-dirs.ts";
import { engineOn } from "../helpers/engine-on.ts";

// WAL checkpoints run on their own thread (src/checkpoint-worker.ts), not inside the COMMITs that
// requests wait on. Both the source and the compiled binary must start that thread.

const tempDir = tempDirs();

/**
 * Rows in the database file itself, ignoring the WAL: only checkpointed pages are there. Read from a
 * copy of the file alone (no -wal beside it); a copy taken while a checkpoint writes can be torn, and
 * counts as "not yet" (-1) — the caller polls until the checkpoints are done.
 */
const rowsInFile = (path: string) => {
  const copy = `${path}.copy`;
  copyFileSync(path, copy);
  const db = new Database(copy, { readonly: true });
  try {
    // Before the first checkpoint even the schema is only in the WAL.
    const table = db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'jobs'").get()?.n;
    return table ? (db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM jobs").get()?.n ?? 0) : 0;
  } catch {
    return -1;
  } finally {
    db.close();
  }
};

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await Bun.sleep(20);
  }
}

test("committed jobs reach the database file through the checkpoint thread", async () => {
  const dir = tempDir("jobd-checkpoint-");
  const path = join(dir, "jobd.db");
  const { store, engine } = engineOn(path);
  for (let i = 0; i < 400; i += 50) await Promise.all(Array.from({ length: 50 }, () => engine.create({ type: "bench.worker" })));
  // Well under the idle fallback's 200 ms + 250 ms timer, and the fallback stays off while the thread runs.
  // The thread reports each checkpoint by message, which can land just after the file has the rows.
  await until(() => rowsInFile(path) === 400 && store.checkpointing().checkpoints > 0, 3000);
  expect(store.checkpointing().thread).toBe(true);
  await engine.close();
  store.close();
});

eachTarget("checkpoint thread", (target) => {
  test("/metrics shows the thread running and its checkpoints", async () => {
    for (let i = 0; i < 20; i++) await target().createJob({ type: "bench.worker" });
    const metric = async (name: string) => {
      const text = await (await target().fetch("/metrics")).text();
      const line = text.split("\n").find((l) => l.startsWith(`${name} `));
      return Number(line?.split(" ")[1] ?? "NaN");
    };
    expect(await metric("jobd_store_checkpoint_thread")).toBe(1);
    const end = Date.now() + 3000;
    while ((await metric("jobd_store_checkpoints_total")) === 0 && Date.now() < end) await Bun.sleep(20);
    expect(await metric("jobd_store_checkpoints_total")).toBeGreaterThan(0);
  });
});
