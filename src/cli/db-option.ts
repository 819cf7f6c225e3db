import { resolveDbPath, SERVE_OPTIONS } from "../config.ts";
import type { Options, Parsed } from "./command.ts";

/** `--db` for the commands that open the database file themselves, as `jobd serve` does. */
export const DB_OPTION: Options = {
  db: { type: "string", value: "FILE", help: `SQLite database file (default ${SERVE_OPTIONS.db.default})`, env: SERVE_OPTIONS.db.env },
};

export const dbFrom = (p: Parsed, env: Record<string, string | undefined> = process.env): string =>
  resolveDbPath({ db: typeof p.values.db === "string" ? p.values.db : undefined }, env);
