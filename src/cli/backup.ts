import { existsSync, renameSync, rmSync } from "node:fs";
import { backupDatabase, type BackupInfo } from "../store/index.ts";
import { flag, HELP, parse, type Command } from "./command.ts";
import { DB_OPTION, dbFrom } from "./db-option.ts";
import { CliError, EXIT, usageError } from "./exit-codes.ts";
import { print, printJson } from "./job-output.ts";

const options = {
  ...DB_OPTION,
  force: { type: "boolean", help: "replace PATH if it exists" },
  json: { type: "boolean", help: "print {db, path, schema, jobs, bytes}" },
  ...HELP,
} as const;

export const backup: Command = {
  name: "backup",
  summary: "Write a consistent copy of the database to PATH, safe while the server runs.",
  args: "PATH",
  complete: "file",
  options,
  details: [
    "Uses SQLite's VACUUM INTO: one read transaction, so the copy is a single point in time even",
    "while `jobd serve` writes (WAL mode). Run it on the machine that holds the database file.",
    "The copy is written beside PATH, checked, then renamed into place. To restore: stop the server,",
    "replace the database file with the copy (delete its -wal and -shm files), start the server.",
  ].join("\n"),
  async run(argv) {
    const p = parse(backup, argv, { min: 1, max: 1 });
    const db = dbFrom(p);
    const path = p.positionals[0]!;
    if (!existsSync(db)) throw new CliError(`no database at ${db}`, EXIT.UNREACHABLE);
    if (existsSync(path) && !flag(p, "force")) throw usageError(`${path} exists (use --force to replace it)`);
    const partial = `${path}.partial-${process.pid}`;
    let info: BackupInfo;
    try {
      info = backupDatabase(db, partial);
      renameSync(partial, path);
    } catch (error) {
      rmSync(partial, { force: true });
      throw new CliError(`backup of ${db} failed: ${error instanceof Error ? error.message : String(error)}`, EXIT.SERVER_ERROR);
    }
    if (flag(p, "json")) printJson({ db, path, ...info });
    else print(`backed up ${db} to ${path}: ${info.jobs} jobs, schema ${info.schema}, ${info.bytes} bytes`);
    return EXIT.OK;
  },
};
