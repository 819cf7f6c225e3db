import { Database } from "bun:sqlite";
import { MIGRATIONS } from "./migrations/index.ts";

/**
 * Opens the write connection: busy_timeout first, then WAL. synchronous=NORMAL is durable across a
 * process crash in WAL mode (only a power loss can take the last commits).
 */
export function openWriteConnection(path: string): Database {
  const db = new Database(path, { create: true, strict: true });
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  // An automatic checkpoint runs inside a COMMIT and stalls every request waiting on it. Checkpoints
  // run on their own thread (src/store/checkpointer.ts); this bound (~40 MB of WAL) is only a
  // safety net for when that thread falls behind or cannot run.
  db.exec("PRAGMA wal_autocheckpoint = 10000");
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA temp_store = MEMORY");
  db.exec("PRAGMA cache_size = -16000");
  return db;
}

/** A second connection for reads served to clients: it sees only committed data. */
export function openReadConnection(path: string): Database {
  const db = new Database(path, { readonly: true, strict: true });
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA cache_size = -16000");
  // Reads spread over a large table come straight from the OS page cache instead of being copied
  // into SQLite's own; only pages actually read count towards RSS.
  db.exec("PRAGMA mmap_size = 268435456");
  return db;
}

export function schemaVersion(db: Database): number {
  const row = db.query<{ user_version: number }, []>("PRAGMA user_version").get();
  return row?.user_version ?? 0;
}

/** Applies every migration above the stored version, each in its own transaction. */
export function migrate(db: Database): { from: number; to: number } {
  const from = schemaVersion(db);
  const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
  if (from > latest) {
    throw new Error(`database schema ${from} is newer than this jobd (${latest}); upgrade jobd`);
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.exec(`PRAGMA user_version = ${migration.version}`);
    })();
  }
  return { from, to: schemaVersion(db) };
}
