import type { Database, Statement } from "bun:sqlite";

/**
 * Group commit on the one write connection. Writes run at once inside an open transaction (so the
 * engine reads its own writes); the transaction commits on the next turn of the event loop, and every
 * caller waiting on `committed()` is answered together. A commit is never skipped: every write that
 * ran belongs to exactly one COMMIT, and a failed write rolls back only its own savepoint.
 */
export class GroupCommit {
  private open = false;
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private batchSize = 0;
  onCommit: (info: { size: number; ms: number }) => void = () => {};
  /** Runs inside the transaction just before its COMMIT (the store sends its waiting row writes). */
  beforeCommit: () => void = () => {};
  /** performance.now() of the last COMMIT (0 before the first). */
  lastCommitAt = 0;

  /** True while a transaction is open (writes waiting for their COMMIT). */
  get busy(): boolean {
    return this.open;
  }

  private readonly sql: Record<"begin" | "savepoint" | "release" | "rollbackTo" | "commit", Statement>;

  constructor(
    private readonly db: Database,
    private readonly maxBatch = 2000,
  ) {
    // Prepared once: these run around every write.
    this.sql = {
      begin: db.prepare("BEGIN IMMEDIATE"),
      savepoint: db.prepare("SAVEPOINT w"),
      release: db.prepare("RELEASE w"),
      rollbackTo: db.prepare("ROLLBACK TO w"),
      commit: db.prepare("COMMIT"),
    };
  }

  run<T>(fn: () => T): T {
    if (!this.open) {
      this.sql.begin.run();
      this.open = true;
    }
    this.sql.savepoint.run();
    try {
      const out = fn();
      this.sql.release.run();
      this.batchSize++;
      this.schedule();
      return out;
    } catch (error) {
      this.sql.rollbackTo.run();
      this.sql.release.run();
      this.schedule();
      throw error;
    }
  }

  /** Resolves once every write made so far is committed. */
  committed(): Promise<void> {
    if (!this.open) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (this.batchSize >= this.maxBatch) this.flush();
    });
  }

  flush(): void {
    this.scheduled = false;
    if (!this.open) return;
    const waiters = this.waiters;
    const size = this.batchSize;
    this.waiters = [];
    this.batchSize = 0;
    const started = performance.now();
    try {
      this.beforeCommit();
      this.sql.commit.run();
      this.open = false;
    } catch (error) {
      this.open = false;
      try {
        this.db.exec("ROLLBACK");
      } catch {
        // Nothing left to roll back.
      }
      for (const w of waiters) w.reject(error);
      return;
    }
    this.lastCommitAt = performance.now();
    this.onCommit({ size, ms: this.lastCommitAt - started });
    for (const w of waiters) w.resolve();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }
}
