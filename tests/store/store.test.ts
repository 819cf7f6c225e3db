import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { GroupCommit } from "../../src/store/group-commit.ts";
import { MIGRATIONS, schemaVersion, SqliteStore, type JobRecord } from "../../src/store/index.ts";
import { tempDirs } from "../helpers/temp-dirs.ts";

const tempDir = tempDirs();
const tempDb = () => join(tempDir("jobd-store-"), "jobd.db");

describe("sqlite store", () => {
  test("opens in WAL mode and applies every embedded migration once", () => {
    const path = tempDb();
    const store = new SqliteStore(path);
    expect(store.migrated).toEqual({ from: 0, to: MIGRATIONS.length });
    const mode = store.writer.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get();
    expect(mode?.journal_mode).toBe("wal");
    store.close();
    const again = new SqliteStore(path);
    expect(again.migrated.from).toBe(MIGRATIONS.length);
    expect(schemaVersion(again.writer)).toBe(MIGRATIONS.length);
    expect(again.integrityCheck()).toBe("ok");
    again.close();
  });

  test("refuses a database written by a newer jobd", () => {
    const path = tempDb();
    const db = new Database(path);
    db.exec("PRAGMA user_version = 999");
    db.close();
    expect(() => new SqliteStore(path)).toThrow(/newer/);
  });
});

describe("group commit", () => {
  test("many writes share one transaction and every waiter is answered after COMMIT", async () => {
    const path = tempDb();
    const db = new Database(path);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("CREATE TABLE t (n INTEGER)");
    const commits: number[] = [];
    const gc = new GroupCommit(db);
    gc.onCommit = ({ size }) => commits.push(size);
    const reader = new Database(path, { readonly: true });
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      gc.run(() => db.query("INSERT INTO t VALUES (?)").run(i));
      waits.push(gc.committed());
    }
    // Not committed yet: another connection sees nothing, the writer sees its own writes.
    expect(reader.query<{ c: number }, []>("SELECT COUNT(*) c FROM t").get()?.c).toBe(0);
    expect(db.query<{ c: number }, []>("SELECT COUNT(*) c FROM t").get()?.c).toBe(100);
    await Promise.all(waits);
    expect(commits).toEqual([100]);
    expect(reader.query<{ c: number }, []>("SELECT COUNT(*) c FROM t").get()?.c).toBe(100);
    reader.close();
    db.close();
  });

  test("a failing write rolls back only itself; the rest still commit", async () => {
    const path = tempDb();
    const db = new Database(path);
    db.exec("CREATE TABLE t (n INTEGER PRIMARY KEY)");
    const gc = new GroupCommit(db);
    gc.run(() => db.query("INSERT INTO t VALUES (1)").run());
    expect(() =>
      gc.run(() => {
        db.query("INSERT INTO t VALUES (2)").run();
        db.query("INSERT INTO t VALUES (1)").run();
      }),
    ).toThrow();
    gc.run(() => db.query("INSERT INTO t VALUES (3)").run());
    await gc.committed();
    const rows = db.query<{ n: number }, []>("SELECT n FROM t ORDER BY n").all().map((r) => r.n);
    expect(rows).toEqual([1, 3]);
    db.close();
  });

  test("a full batch commits without waiting for the next turn", async () => {
    const path = tempDb();
    const db = new Database(path);
    db.exec("CREATE TABLE t (n INTEGER)");
    const sizes: number[] = [];
    const gc = new GroupCommit(db, 10);
    gc.onCommit = ({ size }) => sizes.push(size);
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 25; i++) {
      gc.run(() => db.query("INSERT INTO t VALUES (?)").run(i));
      waits.push(gc.committed());
    }
    await Promise.all(waits);
    expect(sizes[0]).toBe(10);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(25);
    db.close();
  });
});

describe("row writes wait for the commit", () => {
  const record = (id: string, state: "queued" | "running" | "succeeded"): JobRecord => ({
      seq: 0, id, type: "t", kind: "t", description: "d", namespace: "default", owner: null, state, stateValue: state,
      inProcess: false, progressPercent: 0, progressMessage: "", ownProgress: false, prompt: null, answers: [], input: null,
      result: null, error: null, resources: [], parentId: null, failurePolicy: "wait-all", attempts: 0, maxAttempts: 1,
      backoff: { type: "fixed", delayMs: 1 }, timeoutMs: null, runAt: 0, priority: 0, idempotencyKey: null, lease: null,
      cancelRequestedAt: null, createdAt: 0, startedAt: null, finishedAt: null, updatedAt: 0, receivedAt: null,
      expiresAt: null, deadlineAt: null, logSeq: 1, machineVersion: "v", callback: null,
  });

  test("a job created and changed in one batch is one row with its last values, visible to writer queries", async () => {
    const store = new SqliteStore(tempDb());
    const a = record("01890000-0000-7000-8000-0000000000aa", "queued");
    const seq = store.write(() => store.insertJob({ ...a }, "{}"));
    store.write(() => store.updateJob({ ...a, seq, state: "running", stateValue: "running" }, "{}"));
    expect(store.findJobById(a.id)?.state).toBe("running");
    store.write(() => store.updateJob({ ...a, seq, state: "succeeded", stateValue: "succeeded" }, "{}"));
    expect(store.readJobById(a.id)).toBeUndefined();
    await store.committed();
    expect(store.readJobById(a.id)).toMatchObject({ seq, state: "succeeded" });
    const next = store.write(() => store.insertJob({ ...record("01890000-0000-7000-8000-0000000000bb", "queued") }, "{}"));
    expect(next).toBe(seq + 1);
    await store.committed();
    store.close();
  });

  test("a snapshot given as a function is taken once, when the row goes out, from the last write only", async () => {
    const store = new SqliteStore(tempDb());
    const a = record("01890000-0000-7000-8000-0000000000dd", "queued");
    const calls: string[] = [];
    const source = (json: string) => () => (calls.push(json), json);
    const seq = store.write(() => store.insertJob({ ...a }, source('{"n":1}')));
    store.write(() => store.updateJob({ ...a, seq, state: "running", stateValue: "running" }, source('{"n":2}')));
    expect(calls).toEqual([]);
    await store.committed();
    expect(calls).toEqual(['{"n":2}']);
    expect(store.findSnapshot(a.id)?.snapshot).toBe('{"n":2}');
    store.close();
  });

  test("a failed write takes back its own waiting row writes, not the ones before it", async () => {
    const store = new SqliteStore(tempDb());
    const a = record("01890000-0000-7000-8000-0000000000cc", "queued");
    const seq = store.write(() => store.insertJob({ ...a }, "{}"));
    expect(() =>
      store.write(() => {
        store.updateJob({ ...a, seq, state: "running", stateValue: "running" }, "{}");
        store.findJobById(a.id); // sends the waiting rows inside this write's savepoint
        throw new Error("boom");
      }),
    ).toThrow("boom");
    await store.committed();
    expect(store.readJobById(a.id)?.state).toBe("queued");
    store.close();
  });
});
