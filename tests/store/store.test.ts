import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GroupCommit } from "../../src/store/group-commit.ts";
import { MIGRATIONS, schemaVersion, SqliteStore } from "../../src/store/index.ts";

const dirs: string[] = [];
const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), "jobd-store-"));
  dirs.push(dir);
  return join(dir, "jobd.db");
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

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
