import { resolveDbPath, SERVE_OPTIONS } from "../config.ts";
import type { Options, Parsed } from "./command.ts";
import { usageError } from "./exit-codes.ts";

/**
 * `--data-dir` and `--db` for the commands that open the database file themselves: the same file
 * `jobd serve` would open with the same flags and environment.
 */
export const DB_OPTION: Options = {
  "data-dir": {
    type: "string",
    value: "DIR",
    help: `the server's data directory; the database is DIR/jobd.db (default ${SERVE_OPTIONS["data-dir"].default})`,
    env: SERVE_OPTIONS["data-dir"].env,
  },
  db: { type: "string", value: "FILE", help: `SQLite database file (default ${SERVE_OPTIONS.db.default})`, env: SERVE_OPTIONS.db.env },
};

export function dbFrom(p: Parsed, env: Record<string, string | undefined> = process.env): string {
  const dataDir = p.values["data-dir"];
  // As for serve: an empty directory would quietly mean the current one.
  if (dataDir === "") throw usageError("--data-dir must not be empty");
  return resolveDbPath(
    { db: typeof p.values.db === "string" ? p.values.db : undefined, dataDir: typeof dataDir === "string" ? dataDir : undefined },
    env,
  );
}
