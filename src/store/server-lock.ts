import { Database } from "bun:sqlite";

/**
 * One serving jobd per database. Two servers on one database would both run its jobs (a job started
 * twice, two leases for one job, two retention sweeps), so `jobd serve` holds an exclusive SQLite lock
 * on a small file beside the database for as long as it runs. The operating system drops the lock
 * when the process ends, however it ends, so a crash leaves nothing to clean up. Other commands
 * (`backup`, `migrate`, `ls`) do not take it: they read or change the database the usual way.
 */
export class ServerLock {
  private constructor(private readonly db: Database | null) {}

  /** Takes the lock for `dbPath`, or throws naming the database when another process holds it. */
  static take(dbPath: string): ServerLock {
    if (dbPath === ":memory:") return new ServerLock(null);
    const path = `${dbPath}.lock`;
    const db = new Database(path, { create: true });
    try {
      db.exec("PRAGMA busy_timeout = 0");
      // In exclusive locking mode SQLite keeps the lock it takes until the connection closes.
      db.exec("PRAGMA locking_mode = EXCLUSIVE");
      db.exec("BEGIN EXCLUSIVE");
      db.exec("COMMIT");
    } catch (error) {
      db.close();
      if (String(error).includes("locked")) {
        throw new Error(`another jobd is serving ${dbPath} (it holds ${path}); stop it first, or give this one its own --data-dir`);
      }
      throw error;
    }
    return new ServerLock(db);
  }

  release(): void {
    this.db?.close();
  }
}
