import type { JobState, Transition } from "../job-view.ts";
import type { JobRecord } from "./job-record.ts";

export interface JobFilter {
  states?: JobState[];
  type?: string;
  namespace?: string;
  /** Only these namespaces (a principal's reach); undefined means all. */
  namespaces?: string[];
  /** A job id, or `null` for root jobs only. */
  parentId?: string | null;
  text?: string;
  /** Newest first: only jobs with a smaller seq. */
  beforeSeq?: number;
  /** Oldest first: only jobs with a larger seq. */
  afterSeq?: number;
  order?: "newest" | "oldest" | "updated" | "-updated";
  /** Hide jobs a receipt-taking dialect already received. */
  unreceived?: boolean;
  limit: number;
  offset?: number;
}

/**
 * The narrow door to persistence. Writes go through `write()` (group commit: they run now, inside the
 * open transaction) and become durable when `committed()` resolves. `read*` functions see only
 * committed data; `find*` functions see the writer's own uncommitted writes and are for the engine.
 */
export interface NewDelivery {
  jobId: string;
  url: string;
  event: string;
  body: string;
  nextAt: number;
}

export interface Delivery extends NewDelivery {
  id: number;
  attempts: number;
  doneAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
}

/**
 * A job's machine snapshot as JSON, or a function that returns it. A function is called once, when the
 * row goes out to SQLite (before the COMMIT, or before a query that reads the jobs table): a job that
 * changes several times in one commit is serialized once, as it is at the last change.
 */
export type SnapshotSource = string | null | (() => string | null);

export interface Store {
  write<T>(fn: () => T): T;
  committed(): Promise<void>;
  /** Called after every COMMIT with the number of writes it carried and how long it took. */
  onCommit(listener: (info: { size: number; ms: number }) => void): void;

  insertJob(job: JobRecord, snapshot: SnapshotSource): number;
  updateJob(job: JobRecord, snapshot: SnapshotSource): void;
  deleteJob(id: string): void;
  appendTransition(t: Transition): void;

  findJobById(id: string): JobRecord | undefined;
  findSnapshot(id: string): { snapshot: string | null; machineVersion: string } | undefined;
  findJobByIdempotencyKey(namespace: string, key: string): JobRecord | undefined;
  findChildIds(parentId: string): string[];
  findDueDeadlines(now: number, limit: number): string[];
  findNextDeadline(): number | null;
  findWorkingInProcess(): string[];
  findQueuedDue(now: number, inProcess: boolean, types: string[] | null, limit: number): string[];
  /** Queued, due jobs for external workers: of these types, in these namespaces (null: any). */
  findLeasable(now: number, types: string[], namespaces: string[] | null, limit: number): string[];

  readJobById(id: string): JobRecord | undefined;
  readJobBySeq(seq: number): JobRecord | undefined;
  readChildren(parentId: string): JobRecord[];
  readJobs(filter: JobFilter): JobRecord[];
  countJobs(filter: JobFilter): number;
  readTransitions(jobId: string): Transition[];
  countByState(): { state: string; type: string; count: number }[];
  /** Jobs of external kinds that are running or cancelling: each holds a worker's lease. */
  countActiveLeases(): number;
  /** WAL checkpoints: whether they run on their own thread, how many did, and frames left after the last. */
  checkpointing(): CheckpointStatus;

  setLogSeq(id: string, logSeq: number): void;

  insertDelivery(d: NewDelivery): void;
  findDueDeliveries(now: number, limit: number): Delivery[];
  updateDelivery(id: number, change: Pick<Delivery, "attempts" | "nextAt" | "doneAt" | "lastStatus" | "lastError">): void;
  findNextDelivery(): number | null;

  readSetting(key: string): string | undefined;
  writeSetting(key: string, value: string): void;

  integrityCheck(): string;
  backup(path: string): void;
  close(): void;
}

export interface CheckpointStatus {
  thread: boolean;
  checkpoints: number;
  walFrames: number;
}
