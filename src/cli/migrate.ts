import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { MIGRATIONS, SqliteStore } from "../store/index.ts";
import { flag, HELP, parse, type Command } from "./command.ts";
import { DB_OPTION, dbFrom } from "./db-option.ts";
import { CliError, EXIT, usageError } from "./exit-codes.ts";
import { print, printJson } from "./job-output.ts";

const options = { ...DB_OPTION, json: { type: "boolean", help: "print {db, created, from, to}" }, ...HELP } as const;

export const migrate: Command = {
  name: "migrate",
  summary: "Bring a database file up to this jobd's schema (creating it if missing).",
  args: "",
  options,
  details: [
    `This jobd's schema is version ${MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0}. \`jobd serve\` migrates on start too; run this`,
    "to do it ahead of an upgrade. Each migration runs in its own transaction. A database newer",
    "than this jobd is left alone and the command exits 4.",
  ].join("\n"),
  async run(argv) {
    const p = parse(migrate, argv, { min: 0, max: 0 });
    const db = dbFrom(p);
    if (db === ":memory:" || db === "") throw usageError("--db must name a file");
    const created = !existsSync(db);
    let migrated: { from: number; to: number };
    try {
      if (created) mkdirSync(dirname(db), { recursive: true });
      const store = new SqliteStore(db);
      migrated = store.migrated;
      store.close();
    } catch (error) {
      throw new CliError(`cannot migrate ${db}: ${error instanceof Error ? error.message : String(error)}`, EXIT.SERVER_ERROR);
    }
    if (flag(p, "json")) printJson({ db, created, ...migrated });
    else if (created) print(`created ${db} at schema ${migrated.to}`);
    else if (migrated.from === migrated.to) print(`${db} is up to date (schema ${migrated.to})`);
    else print(`migrated ${db} from schema ${migrated.from} to ${migrated.to}`);
    return EXIT.OK;
  },
};
