/** `jobd migrate` and `jobd backup` on real database files, backup while a binary server writes. */
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JobView } from "../../src/job-view.ts";
import { MIGRATIONS } from "../../src/store/index.ts";
import { startBinary } from "../helpers/target.ts";
import { cli, script } from "./run-cli.ts";

// Each test starts binaries and subprocesses; a loaded machine needs more than the 5 s default.
setDefaultTimeout(30_000);

const LATEST = MIGRATIONS[MIGRATIONS.length - 1]!.version;
const dir = mkdtempSync(join(tmpdir(), "jobd-cli-db-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const userVersion = (path: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return db.query<{ user_version: number }, []>("PRAGMA user_version").get()!.user_version;
  } finally {
    db.close();
  }
};

describe("jobd migrate", () => {
  test("creates a missing database (and its folder) at the latest schema, then says it is up to date", async () => {
    const db = join(dir, "new", "sub", "jobd.db");
    const first = await cli(["migrate", "--db", db]);
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe(`created ${db} at schema ${LATEST}`);
    expect(userVersion(db)).toBe(LATEST);
    const again = await cli(["migrate"], { env: { JOBD_DB: db } });
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe(`${db} is up to date (schema ${LATEST})`);
  });

  test("migrates an older database and prints from → to; --json for scripts", async () => {
    const db = join(dir, "old.db");
    new Database(db, { create: true }).close();
    const r = await cli(["migrate", "--db", db, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ db, created: false, from: 0, to: LATEST });
    const tables = new Database(db, { readonly: true }).query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    expect(tables.map((t) => t.name)).toContain("jobs");
  });

  test("a database newer than this jobd is left alone and exits 4", async () => {
    const db = join(dir, "future.db");
    const d = new Database(db, { create: true });
    d.exec("PRAGMA user_version = 999");
    d.close();
    const r = await cli(["migrate", "--db", db]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("newer than this jobd");
    expect(userVersion(db)).toBe(999);
  });

  test("--data-dir DIR means DIR/jobd.db, as for serve", async () => {
    const dataDir = join(dir, "migrate-data");
    const r = await cli(["migrate", "--data-dir", dataDir]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`created ${join(dataDir, "jobd.db")} at schema ${LATEST}`);
  });

  test("bad flags exit 2", async () => {
    expect((await cli(["migrate", "--db", ":memory:"])).code).toBe(2);
    expect((await cli(["migrate", "extra"])).code).toBe(2);
  });
});

describe("jobd backup", () => {
  test("copies the live database while the server writes, and the copy serves the same jobs", async () => {
    const server = await startBinary({ dir: mkdtempSync(join(dir, "live-")) });
    let copyServer: Awaited<ReturnType<typeof startBinary>> | undefined;
    try {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await cli(["submit", "script", "--description", `kept ${i}`, "--input", JSON.stringify(script([{ succeed: i }]).input)], { url: server.url });
        ids.push(r.stdout.trim());
      }
      // Keep writing during the backup: the copy must still be one consistent point in time.
      let writing = true;
      const writer = (async () => {
        while (writing) await cli(["submit", "script", "--namespace", "during"], { url: server.url });
      })();
      const path = join(dir, "backup.db");
      const r = await cli(["backup", path, "--db", server.db]);
      writing = false;
      await writer;
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^backed up ${server.db} to ${path}: \\d+ jobs, schema ${LATEST}, \\d+ bytes`));
      const copy = new Database(path, { readonly: true });
      expect(copy.query<{ quick_check: string }, []>("PRAGMA quick_check").get()!.quick_check).toBe("ok");
      const kept = copy.query<{ id: string }, []>("SELECT id FROM jobs WHERE namespace = 'default'").all().map((r) => r.id);
      copy.close();
      expect(kept.sort()).toEqual([...ids].sort());
      expect(existsSync(`${path}.partial-${process.pid}`)).toBe(false);

      copyServer = await startBinary({ db: path, dir: mkdtempSync(join(dir, "restored-")) });
      const shown = await cli(["show", ids[7]!, "--json"], { url: copyServer.url });
      expect(shown.code).toBe(0);
      expect((JSON.parse(shown.stdout) as JobView).description).toBe("kept 7");
    } finally {
      await copyServer?.stop();
      await server.stop();
    }
  });

  test("refuses to overwrite without --force; --json reports the copy", async () => {
    const db = join(dir, "small.db");
    await cli(["migrate", "--db", db]);
    const path = join(dir, "exists.db");
    writeFileSync(path, "not a database");
    const refused = await cli(["backup", path, "--db", db]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--force");
    const forced = await cli(["backup", path, "--db", db, "--force", "--json"]);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ db, path, schema: LATEST, jobs: 0 });
    expect(userVersion(path)).toBe(LATEST);
  });

  test("a missing database exits 3; a missing PATH exits 2", async () => {
    const r = await cli(["backup", join(dir, "x.db"), "--db", join(dir, "nope.db")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("no database");
    expect(existsSync(join(dir, "nope.db"))).toBe(false);
    expect((await cli(["backup"])).code).toBe(2);
  });

  test("--data-dir DIR (or JOBD_DATA_DIR) backs up DIR/jobd.db, as serve would open it; --db still wins", async () => {
    const dataDir = join(dir, "data");
    const db = join(dataDir, "jobd.db");
    expect((await cli(["migrate", "--db", db])).code).toBe(0);
    const help = await cli(["backup", "--help"]);
    expect(help.stdout).toContain("--data-dir DIR");

    const byFlag = await cli(["backup", join(dir, "by-flag.db"), "--data-dir", dataDir, "--json"]);
    expect(byFlag.stderr).toBe("");
    expect(byFlag.code).toBe(0);
    expect(JSON.parse(byFlag.stdout)).toMatchObject({ db, schema: LATEST });

    const byEnv = await cli(["backup", join(dir, "by-env.db"), "--json"], { env: { JOBD_DATA_DIR: dataDir } });
    expect(byEnv.code).toBe(0);
    expect(JSON.parse(byEnv.stdout)).toMatchObject({ db });

    const other = join(dir, "elsewhere.db");
    const both = await cli(["backup", join(dir, "by-db.db"), "--data-dir", join(dir, "nothing-here"), "--db", other]);
    expect(both.code).toBe(3);
    expect(both.stderr).toContain(`no database at ${other}`);

    const empty = await cli(["backup", join(dir, "empty.db"), "--data-dir", ""]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("--data-dir must not be empty");
  });

  test("a PATH that cannot be written exits 4 and leaves nothing behind", async () => {
    const db = join(dir, "small2.db");
    await cli(["migrate", "--db", db]);
    const r = await cli(["backup", join(dir, "no", "such", "folder", "b.db"), "--db", db]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("backup of");
  });
});
