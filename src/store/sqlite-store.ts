import type { Database, Statement } from "bun:sqlite";
import type { Transition } from "../job-view.ts";
import { migrate, openReadConnection, openWriteConnection } from "./db.ts";
import { GroupCommit } from "./group-commit.ts";
import { JOB_COLUMNS, toParams, toRecord, type DbJob, type JobRecord } from "./job-record.ts";
import { Checkpointer } from "./checkpointer.ts";
import { ReadCache } from "./read-cache.ts";
import type { CheckpointStatus, Delivery, JobFilter, NewDelivery, SnapshotSource, Store } from "./store.ts";

interface DbTransition {
  job_id: string;
  seq: number;
  at: number;
  event: string;
  from_state: string;
  to_state: string;
  payload: string | null;
}

const toTransition = (r: DbTransition): Transition => ({
  jobId: r.job_id,
  seq: r.seq,
  at: r.at,
  event: r.event,
  from: r.from_state,
  to: r.to_state,
  payload: r.payload === null ? null : payloadOf(r.payload),
});

/** A payload that does not parse (a damaged row) reads as its text: the rest of the log still reads. */
function payloadOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const COLUMN_NAMES = JOB_COLUMNS.split(", ").filter((c) => c !== "seq");

/**
 * A row write waiting to go out, as an INSERT or an UPDATE: the record and its snapshot, turned into
 * column values only when the write goes out (a row written several times in one commit is encoded once).
 */
type RowWrite = { insert: boolean; seq: number; job: JobRecord; snapshot: SnapshotSource };

export class SqliteStore implements Store {
  readonly writer: Database;
  readonly reader: Database;
  readonly commits: GroupCommit;
  readonly migrated: { from: number; to: number };
  private readonly insertStmt: Statement;
  private readonly updateStmt: Statement;
  private readonly findById: Statement<DbJob, [string]>;
  private readonly readById: Statement<DbJob, [string]>;
  /** Checkpoints on its own thread; the idle timer below is its fallback. */
  private readonly checkpoints: Checkpointer | null;
  private readonly idleTimer: ReturnType<typeof setInterval>;
  private checkpointedAt = 0;
  private commitListener: (info: { size: number; ms: number }) => void = () => {};
  /**
   * Row writes not yet sent to SQLite. A job changes several times in one group commit (created,
   * started, finished); only its last row matters, so writes wait here and go out once, before any
   * query on the write connection reads the jobs table and before the COMMIT.
   */
  private readonly pending = new Map<string, RowWrite>();
  /** Inside write(): what each touched id was in `pending` before it, to undo on a failed write. */
  private undo: Map<string, RowWrite | undefined> | null = null;
  private lastSeq: number;
  /** Committed rows that client reads asked for, dropped by the commit that changes them. */
  private readonly cache = new ReadCache();

  constructor(
    readonly path: string,
    options: { onBackgroundError?: (message: string) => void } = {},
  ) {
    this.writer = openWriteConnection(path);
    this.migrated = migrate(this.writer);
    this.reader = path === ":memory:" ? this.writer : openReadConnection(path);
    this.commits = new GroupCommit(this.writer);
    this.commits.beforeCommit = () => {
      try {
        this.settle();
      } finally {
        this.cache.committing();
        // A failed batch is rolled back whole; nothing of it may ride into the next one.
        this.pending.clear();
      }
    };
    const cols = ["seq", ...COLUMN_NAMES, "snapshot"];
    this.insertStmt = this.writer.prepare(
      `INSERT INTO jobs (${cols.join(", ")}) VALUES (${cols.map((c) => `$${c}`).join(", ")})`,
    );
    // seq is handed out here (so an insert can wait in `pending`); AUTOINCREMENT's counter stays the floor.
    this.lastSeq =
      this.writer.query<{ seq: number }, []>("SELECT seq FROM sqlite_sequence WHERE name = 'jobs'").get()?.seq ?? 0;
    this.updateStmt = this.writer.prepare(
      `UPDATE jobs SET ${cols.filter((c) => c !== "id" && c !== "seq").map((c) => `${c} = $${c}`).join(", ")} WHERE id = $id`,
    );
    this.findById = this.writer.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`);
    this.readById = this.reader.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`);
    this.checkpoints = path === ":memory:" ? null : new Checkpointer(path, options.onBackgroundError ?? (() => {}));
    this.commits.onCommit = (info) => {
      this.checkpoints?.committed();
      this.commitListener(info);
    };
    this.idleTimer = setInterval(() => this.idleCheckpoint(), 250);
    this.idleTimer.unref?.();
  }

  write<T>(fn: () => T): T {
    const outer = this.undo;
    this.undo = new Map();
    try {
      return this.commits.run(fn);
    } catch (error) {
      // The savepoint rolled back what this write sent to SQLite; put `pending` back as it was too.
      for (const [id, before] of this.undo) {
        if (before) this.pending.set(id, before);
        else this.pending.delete(id);
      }
      throw error;
    } finally {
      const inner = this.undo;
      this.undo = outer;
      if (outer) for (const [id, before] of inner) if (!outer.has(id)) outer.set(id, before);
    }
  }

  /** The connection for client reads; with `:memory:` it is the writer, which must send its waiting rows first. */
  private readDb(): Database {
    if (this.reader === this.writer) this.settle();
    return this.reader;
  }

  /** Sends the waiting row writes. Runs before reads of the jobs table on the writer and before COMMIT. */
  private settle(): void {
    if (this.pending.size === 0) return;
    for (const [id, write] of this.pending) {
      if (this.undo && !this.undo.has(id)) this.undo.set(id, write);
      const snapshot = typeof write.snapshot === "function" ? write.snapshot() : write.snapshot;
      const params = toParams(write.job, snapshot, write.seq);
      if (write.insert) this.insertStmt.run(params);
      else this.updateStmt.run(params);
    }
    this.pending.clear();
  }

  private remember(id: string, write: RowWrite): void {
    if (this.undo && !this.undo.has(id)) this.undo.set(id, this.pending.get(id));
    this.pending.set(id, write);
  }

  committed(): Promise<void> {
    return this.commits.committed();
  }

  onCommit(listener: (info: { size: number; ms: number }) => void): void {
    this.commitListener = listener;
  }

  insertJob(job: JobRecord, snapshot: SnapshotSource): number {
    const seq = ++this.lastSeq;
    // A copy: the caller may go on changing its record (seq is set from the return value).
    this.remember(job.id, { insert: true, seq, job: { ...job }, snapshot });
    this.cache.written(job.id, job.parentId, true);
    return seq;
  }

  updateJob(job: JobRecord, snapshot: SnapshotSource): void {
    const waiting = this.pending.get(job.id);
    // A row still waiting to be inserted is inserted with its latest values.
    this.remember(job.id, { insert: waiting?.insert ?? false, seq: waiting?.seq ?? job.seq, job: { ...job }, snapshot });
    this.cache.written(job.id, job.parentId, waiting?.insert ?? false);
  }

  deleteJob(id: string): void {
    this.settle();
    this.cache.deleted(id);
    this.writer.query("DELETE FROM transitions WHERE job_id = ?").run(id);
    this.writer.query("DELETE FROM jobs WHERE id = ?").run(id);
  }

  appendTransition(t: Transition): void {
    this.writer
      .query(
        "INSERT INTO transitions (job_id, seq, at, event, from_state, to_state, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(t.jobId, t.seq, t.at, t.event, t.from, t.to, t.payload === null ? null : JSON.stringify(t.payload));
  }

  findJobById(id: string): JobRecord | undefined {
    this.settle();
    const row = this.findById.get(id);
    return row ? toRecord(row) : undefined;
  }

  findSnapshot(id: string): { snapshot: string | null; machineVersion: string } | undefined {
    this.settle();
    const row = this.writer
      .query<{ snapshot: string | null; machine_version: string }, [string]>(
        "SELECT snapshot, machine_version FROM jobs WHERE id = ?",
      )
      .get(id);
    return row ? { snapshot: row.snapshot, machineVersion: row.machine_version } : undefined;
  }

  findJobByIdempotencyKey(namespace: string, key: string): JobRecord | undefined {
    this.settle();
    const row = this.writer
      .query<DbJob, [string, string]>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE namespace = ? AND idempotency_key = ?`)
      .get(namespace, key);
    return row ? toRecord(row) : undefined;
  }

  findChildIds(parentId: string): string[] {
    this.settle();
    return this.writer
      .query<{ id: string; seq: number }, [string]>("SELECT id, seq FROM jobs WHERE parent_id = ?")
      .all(parentId)
      .sort((a, b) => a.seq - b.seq)
      .map((r) => r.id);
  }

  findDueDeadlines(now: number, limit: number): string[] {
    this.settle();
    return this.writer
      .query<{ id: string }, [number, number]>(
        "SELECT id FROM jobs WHERE deadline_at IS NOT NULL AND deadline_at <= ? ORDER BY deadline_at LIMIT ?",
      )
      .all(now, limit)
      .map((r) => r.id);
  }

  findNextDeadline(): number | null {
    this.settle();
    const row = this.writer
      .query<{ at: number | null }, []>("SELECT MIN(deadline_at) AS at FROM jobs WHERE deadline_at IS NOT NULL")
      .get();
    return row?.at ?? null;
  }

  findWorkingInProcess(): string[] {
    this.settle();
    return this.writer
      .query<{ id: string }, []>(
        "SELECT id FROM jobs WHERE in_process = 1 AND state IN ('running', 'cancelling') ORDER BY seq",
      )
      .all()
      .map((r) => r.id);
  }

  findQueuedDue(now: number, inProcess: boolean, types: string[] | null, limit: number): string[] {
    this.settle();
    if (inProcess && types === null) {
      // Only the due rows, through their own index (0003), then sorted: never a walk of the queue.
      return this.writer
        .query<{ id: string }, [number, number]>(
          `SELECT id FROM jobs INDEXED BY jobs_queued_in_process
           WHERE state = 'queued' AND in_process = 1 AND run_at <= ? ORDER BY priority DESC, seq LIMIT ?`,
        )
        .all(now, limit)
        .map((r) => r.id);
    }
    const typeClause = types ? `AND type IN (${types.map(() => "?").join(", ")})` : "";
    return this.writer
      .query<{ id: string }, (string | number)[]>(
        `SELECT id FROM jobs WHERE state = 'queued' AND in_process = ? AND run_at <= ? ${typeClause}
         ORDER BY priority DESC, seq LIMIT ?`,
      )
      .all(inProcess ? 1 : 0, now, ...(types ?? []), limit)
      .map((r) => r.id);
  }

  findLeasable(now: number, types: string[], namespaces: string[] | null, limit: number): string[] {
    this.settle();
    const nsClause = namespaces ? `AND namespace IN (${namespaces.map(() => "?").join(", ")})` : "";
    return this.writer
      .query<{ id: string }, (string | number)[]>(
        `SELECT id FROM jobs WHERE state = 'queued' AND in_process = 0 AND run_at <= ?
         AND type IN (${types.map(() => "?").join(", ")}) ${nsClause}
         ORDER BY priority DESC, seq LIMIT ?`,
      )
      .all(now, ...types, ...(namespaces ?? []), limit)
      .map((r) => r.id);
  }

  readJobById(id: string): JobRecord | undefined {
    const cached = this.cache.record(id);
    if (cached) return cached;
    if (this.reader === this.writer) this.settle();
    const row = this.readById.get(id);
    return row ? this.cache.keepRecord(toRecord(row)) : undefined;
  }

  readJobBySeq(seq: number): JobRecord | undefined {
    const row = this.readDb().query<DbJob, [number]>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE seq = ?`).get(seq);
    return row ? toRecord(row) : undefined;
  }

  readChildren(parentId: string): JobRecord[] {
    const ids = this.cache.childIds(parentId);
    if (ids) {
      if (ids.length === 0) return [];
      const records = ids.map((id) => this.readJobById(id));
      // A child deleted since the list was kept drops every list; this is only a guard.
      if (records.every((r) => r !== undefined)) return records as JobRecord[];
    }
    // Sorted here, not by ORDER BY: with ORDER BY over the partial index jobs_parent, SQLite spends
    // ~30 µs per call even when there are no children (most jobs), and every job view reads this.
    const rows = this.readDb()
      .query<DbJob, [string]>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE parent_id = ?`)
      .all(parentId)
      .sort((a, b) => a.seq - b.seq)
      .map((row) => this.cache.keepRecord(toRecord(row)));
    this.cache.keepChildIds(parentId, rows.map((r) => r.id));
    return rows;
  }

  readJobs(filter: JobFilter): JobRecord[] {
    const { where, params } = whereClause(filter);
    const order =
      filter.order === "oldest"
        ? "seq ASC"
        : filter.order === "updated"
          ? "updated_at ASC, seq ASC"
          : filter.order === "-updated"
            ? "updated_at DESC, seq DESC"
            : "seq DESC";
    const sql = `SELECT ${JOB_COLUMNS} FROM jobs ${where} ORDER BY ${order} LIMIT ? OFFSET ?`;
    return this.readDb()
      .query<DbJob, (string | number | null)[]>(sql)
      .all(...params, filter.limit, filter.offset ?? 0)
      .map(toRecord);
  }

  countJobs(filter: JobFilter): number {
    const { where, params } = whereClause(filter);
    const row = this.readDb()
      .query<{ n: number }, (string | number | null)[]>(`SELECT COUNT(*) AS n FROM jobs ${where}`)
      .get(...params);
    return row?.n ?? 0;
  }

  readTransitions(jobId: string): Transition[] {
    return this.readDb()
      .query<DbTransition, [string]>("SELECT * FROM transitions WHERE job_id = ? ORDER BY seq")
      .all(jobId)
      .map(toTransition);
  }

  countByState(): { state: string; type: string; count: number }[] {
    return this.readDb()
      .query<{ state: string; type: string; count: number }, []>(
        "SELECT state, type, COUNT(*) AS count FROM jobs GROUP BY state, type",
      )
      .all();
  }

  countActiveLeases(): number {
    const row = this.readDb()
      .query<{ n: number }, []>("SELECT COUNT(*) AS n FROM jobs WHERE in_process = 0 AND state IN ('running', 'cancelling')")
      .get();
    return row?.n ?? 0;
  }

  checkpointing(): CheckpointStatus {
    const c = this.checkpoints;
    return { thread: c?.running ?? false, checkpoints: c?.checkpoints ?? 0, walFrames: c?.walFrames ?? 0 };
  }

  setLogSeq(id: string, logSeq: number): void {
    this.settle();
    // Only the row changes; the parent's list of child ids stays as it is.
    this.cache.written(id, null, false);
    this.writer.query("UPDATE jobs SET log_seq = ? WHERE id = ?").run(logSeq, id);
  }

  insertDelivery(d: NewDelivery): void {
    this.writer
      .query("INSERT INTO webhook_deliveries (job_id, url, event, body, next_at) VALUES (?, ?, ?, ?, ?)")
      .run(d.jobId, d.url, d.event, d.body, d.nextAt);
  }

  findDueDeliveries(now: number, limit: number): Delivery[] {
    return this.writer
      .query<
        { id: number; job_id: string; url: string; event: string; body: string; attempts: number; next_at: number; done_at: number | null; last_status: number | null; last_error: string | null },
        [number, number]
      >("SELECT * FROM webhook_deliveries WHERE done_at IS NULL AND next_at <= ? ORDER BY next_at LIMIT ?")
      .all(now, limit)
      .map((r) => ({
        id: r.id,
        jobId: r.job_id,
        url: r.url,
        event: r.event,
        body: r.body,
        attempts: r.attempts,
        nextAt: r.next_at,
        doneAt: r.done_at,
        lastStatus: r.last_status,
        lastError: r.last_error,
      }));
  }

  updateDelivery(id: number, c: Pick<Delivery, "attempts" | "nextAt" | "doneAt" | "lastStatus" | "lastError">): void {
    this.writer
      .query("UPDATE webhook_deliveries SET attempts = ?, next_at = ?, done_at = ?, last_status = ?, last_error = ? WHERE id = ?")
      .run(c.attempts, c.nextAt, c.doneAt, c.lastStatus, c.lastError, id);
  }

  findNextDelivery(): number | null {
    const row = this.writer
      .query<{ at: number | null }, []>("SELECT MIN(next_at) AS at FROM webhook_deliveries WHERE done_at IS NULL")
      .get();
    return row?.at ?? null;
  }

  readSetting(key: string): string | undefined {
    return this.writer.query<{ value: string }, [string]>("SELECT value FROM settings WHERE key = ?").get(key)?.value;
  }

  writeSetting(key: string, value: string): void {
    this.writer.query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  integrityCheck(): string {
    const row = this.reader.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get();
    return row?.integrity_check ?? "unknown";
  }

  backup(path: string): void {
    this.settle();
    this.commits.flush();
    this.writer.query("VACUUM INTO ?").run(path);
  }

  /**
   * Checkpoints the WAL when the writer has been idle for a moment, so that the checkpoint's I/O
   * falls between requests instead of inside a commit that requests wait on.
   */
  private idleCheckpoint(): void {
    if (this.checkpoints?.running) return;
    if (this.commits.busy || performance.now() - this.commits.lastCommitAt < 200) return;
    if (this.commits.lastCommitAt <= this.checkpointedAt) return;
    this.checkpointedAt = performance.now();
    try {
      this.writer.exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch {
      // A busy reader only makes the checkpoint partial; the next idle moment finishes it.
    }
  }

  close(): void {
    clearInterval(this.idleTimer);
    this.checkpoints?.close();
    this.commits.flush();
    if (this.reader !== this.writer) this.reader.close();
    this.writer.close();
  }
}

function whereClause(filter: JobFilter): { where: string; params: (string | number | null)[] } {
  const parts: string[] = [];
  const params: (string | number | null)[] = [];
  if (filter.states && filter.states.length > 0) {
    parts.push(`state IN (${filter.states.map(() => "?").join(", ")})`);
    params.push(...filter.states);
  }
  if (filter.type !== undefined) {
    parts.push("type = ?");
    params.push(filter.type);
  }
  if (filter.namespace !== undefined) {
    parts.push("namespace = ?");
    params.push(filter.namespace);
  }
  if (filter.namespaces !== undefined) {
    parts.push(filter.namespaces.length > 0 ? `namespace IN (${filter.namespaces.map(() => "?").join(", ")})` : "0");
    params.push(...filter.namespaces);
  }
  if (filter.parentId === null) parts.push("parent_id IS NULL");
  else if (filter.parentId !== undefined) {
    parts.push("parent_id = ?");
    params.push(filter.parentId);
  }
  if (filter.text) {
    parts.push("(description LIKE ? ESCAPE '\\' OR id LIKE ? ESCAPE '\\' OR type LIKE ? ESCAPE '\\')");
    const like = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    params.push(like, like, like);
  }
  if (filter.beforeSeq !== undefined) {
    parts.push("seq < ?");
    params.push(filter.beforeSeq);
  }
  if (filter.afterSeq !== undefined) {
    parts.push("seq > ?");
    params.push(filter.afterSeq);
  }
  if (filter.unreceived) parts.push("received_at IS NULL");
  return { where: parts.length > 0 ? `WHERE ${parts.join(" AND ")}` : "", params };
}
