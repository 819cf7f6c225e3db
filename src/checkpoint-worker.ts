/**
 * The checkpointer thread. It holds its own connection to the database and copies the WAL back into
 * the database file (`PRAGMA wal_checkpoint(PASSIVE)`: never waits on the writer or on readers) when
 * the main thread says there are new commits. Checkpoints used to run on the main thread, inside a
 * COMMIT that requests wait on; there they cost more than the commits themselves.
 *
 * Messages in: `{ path }` once, then `"commit"` after commits and `"close"`.
 * Messages out: `{ frames }` (left in the WAL) after each checkpoint, `{ error }`.
 */
import { Database } from "bun:sqlite";

declare const self: Worker;

let db: Database | null = null;
let pending = false;
let running = false;
let scheduled = false;

function checkpoint(): void {
  scheduled = false;
  if (!db || running) return;
  running = true;
  try {
    // Copy until the WAL is caught up: a commit may land while a checkpoint runs.
    for (let round = 0; round < 8 && pending; round++) {
      pending = false;
      const row = db.query<{ log: number }, []>("PRAGMA wal_checkpoint(PASSIVE)").get();
      if (row) self.postMessage({ frames: row.log });
    }
  } catch (error) {
    self.postMessage({ error: String(error) });
  } finally {
    running = false;
  }
  if (pending) schedule(0);
}

function schedule(ms: number): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(checkpoint, ms);
}

self.onmessage = (event: MessageEvent) => {
  const data = event.data as { path?: string } | "commit" | "close";
  if (data === "close") {
    db?.close();
    db = null;
    process.exit(0);
  }
  if (data === "commit") {
    pending = true;
    // A short pause lets a burst of commits go out as one checkpoint.
    schedule(20);
    return;
  }
  if (data.path) {
    db = new Database(data.path, { strict: true });
    db.exec("PRAGMA busy_timeout = 5000");
  }
};
