import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/engine/index.ts";
import { MIGRATIONS, SqliteStore } from "../../src/store/index.ts";

/** Writes a database the way jobd at schema 1 left it: one finished job and one working job. */
function schemaOneDatabase(path: string, machineVersion: string): void {
  const db = new Database(path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(MIGRATIONS[0]!.sql);
  db.exec("PRAGMA user_version = 1");
  const insert = db.prepare(
    `INSERT INTO jobs (id, type, kind, description, namespace, state, state_value, in_process, failure_policy,
       max_attempts, backoff, run_at, created_at, updated_at, started_at, machine_version, snapshot, log_seq)
     VALUES (?, 'script', 'script', ?, 'default', ?, ?, 1, 'wait-all', 1, '{"type":"fixed","delayMs":1}', 1, 1, 1, 1, ?, ?, 1)`,
  );
  insert.run("01890000-0000-7000-8000-000000000001", "old finished", "succeeded", "succeeded", "job@1/script@1", null);
  insert.run("01890000-0000-7000-8000-000000000002", "old working", "running", "running.working", machineVersion, '{"status":"active","value":{"running":"working"},"context":{}}');
  db.close();
}

test("a database from an older migration level opens and upgrades", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jobd-upgrade-"));
  const path = join(dir, "jobd.db");
  schemaOneDatabase(path, "job@1/script@1");
  const store = new SqliteStore(path);
  expect(store.migrated).toEqual({ from: 1, to: MIGRATIONS.length });
  const engine = new Engine({ store, autoTick: false });
  expect(engine.get("01890000-0000-7000-8000-000000000001")?.description).toBe("old finished");
  const job = await engine.create({ type: "script", callbackUrl: "http://127.0.0.1:9/x" });
  expect(engine.get(job.id)?.callbackUrl).toBe("http://127.0.0.1:9/x");
  await engine.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a snapshot from an older machine version fails its job with a clear reason, and boot goes on", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jobd-upgrade-"));
  const path = join(dir, "jobd.db");
  schemaOneDatabase(path, "job@0/script@0");
  const store = new SqliteStore(path);
  const engine = new Engine({ store, autoTick: false });
  expect(() => engine.boot()).not.toThrow();
  await store.committed();
  const job = engine.get("01890000-0000-7000-8000-000000000002");
  expect(job?.state).toBe("failed");
  expect(job?.error?.code).toBe("SNAPSHOT_UNRESTORABLE");
  expect(job?.error?.message).toContain("job@0/script@0");
  expect(engine.log(job?.id ?? "").at(-1)?.event).toBe("job.restore.failed");
  expect(engine.ready).toBe(true);
  await engine.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});
