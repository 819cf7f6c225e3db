/**
 * The storage baseline: how fast bun:sqlite writes 1 KB rows on this disk with jobd's pragmas
 * (WAL, synchronous=NORMAL), for a fixed time, in a fresh file.
 * - autocommit: one INSERT per transaction, time-ordered (UUIDv7) keys: the figure durable creates
 *   are compared with (issue 2);
 * - batch: 1,000 rows per transaction, with UUIDv7 or random v4 keys (why jobd uses v7 ids).
 *
 * Usage: bun bench/baselines/sqlite-inserts.ts --db PATH --mode autocommit|batch --keys v7|v4 --seconds S
 * Prints one JSON line: { rows, seconds, perSecond }.
 */
import { Database } from "bun:sqlite";
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    db: { type: "string" },
    mode: { type: "string", default: "autocommit" },
    keys: { type: "string", default: "v7" },
    seconds: { type: "string", default: "3" },
  },
  strict: true,
});
if (!values.db) throw new Error("--db is required");
for (const suffix of ["", "-wal", "-shm"]) rmSync(values.db + suffix, { force: true });

const db = new Database(values.db, { create: true });
db.exec("PRAGMA busy_timeout = 5000");
db.exec("PRAGMA journal_mode = WAL");
db.exec("PRAGMA synchronous = NORMAL");
db.exec("PRAGMA cache_size = -16000");
db.exec("CREATE TABLE rows (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL)");
const insert = db.prepare("INSERT INTO rows (id, body) VALUES (?, ?)");
const key = values.keys === "v4" ? () => crypto.randomUUID() : () => Bun.randomUUIDv7();
const body = (): string => {
  const seed = Math.random().toString(36).slice(2);
  return seed.repeat(Math.ceil(1024 / seed.length)).slice(0, 1024);
};
const batch = db.transaction((n: number) => {
  for (let i = 0; i < n; i++) insert.run(key(), body());
});

const seconds = Number(values.seconds);
const started = performance.now();
const until = started + seconds * 1000;
let rows = 0;
if (values.mode === "batch") {
  while (performance.now() < until) {
    batch(1000);
    rows += 1000;
  }
} else {
  while (performance.now() < until) {
    insert.run(key(), body());
    rows++;
  }
}
const elapsed = (performance.now() - started) / 1000;
db.close();
for (const suffix of ["", "-wal", "-shm"]) rmSync(values.db + suffix, { force: true });
console.log(JSON.stringify({ rows, seconds: elapsed, perSecond: rows / elapsed }));
