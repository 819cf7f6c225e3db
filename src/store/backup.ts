import { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import { schemaVersion } from "./db.ts";

export interface BackupInfo {
  schema: number;
  jobs: number;
  bytes: number;
}

/**
 * Writes a consistent copy of the database at `source` to `target` with `VACUUM INTO`: one read
 * transaction, so it is safe while a server writes to the same file in WAL mode. The copy is
 * checked (`quick_check`) before it is reported. `target` must not exist.
 */
export function backupDatabase(source: string, target: string): BackupInfo {
  const db = new Database(source, { readwrite: true, create: false, strict: true });
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    db.query("VACUUM INTO ?").run(target);
  } finally {
    db.close();
  }
  const copy = new Database(target, { readonly: true, strict: true });
  try {
    const check = copy.query<{ quick_check: string }, []>("PRAGMA quick_check").get();
    if (check?.quick_check !== "ok") throw new Error(`the copy failed its check: ${check?.quick_check ?? "no answer"}`);
    const hasJobs = copy.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jobs'").get() !== null;
    const jobs = hasJobs ? (copy.query<{ n: number }, []>("SELECT count(*) AS n FROM jobs").get()?.n ?? 0) : 0;
    return { schema: schemaVersion(copy), jobs, bytes: statSync(target).size };
  } finally {
    copy.close();
  }
}
