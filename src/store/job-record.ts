import type { Backoff, FailurePolicy, JobError, JobState, Lease, Prompt } from "../job-view.ts";

/** The stored job as the engine sees it. `DbJob` is the raw row; `toRecord`/`toParams` map them. */
export interface JobRecord {
  seq: number;
  id: string;
  type: string;
  kind: string;
  description: string;
  namespace: string;
  owner: string | null;
  state: JobState;
  stateValue: string;
  inProcess: boolean;
  progressPercent: number;
  progressMessage: string;
  ownProgress: boolean;
  prompt: Prompt | null;
  answers: number[];
  input: unknown;
  result: unknown;
  error: JobError | null;
  resources: string[];
  parentId: string | null;
  failurePolicy: FailurePolicy;
  attempts: number;
  maxAttempts: number;
  backoff: Backoff;
  timeoutMs: number | null;
  runAt: number;
  priority: number;
  idempotencyKey: string | null;
  lease: Lease | null;
  cancelRequestedAt: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
  receivedAt: number | null;
  expiresAt: number | null;
  deadlineAt: number | null;
  logSeq: number;
  machineVersion: string;
  callback: Callback | null;
  /**
   * JSON columns whose stored text did not parse (a hand-edited or corrupted row), by column. Such a
   * column reads as its empty value and is written back as the text it was, so one damaged row stops
   * neither reads nor boot and loses nothing. Absent on every row jobd wrote itself.
   */
  damaged?: Readonly<Partial<Record<JsonColumn, string>>>;
}

/** The damaged columns a change leaves damaged: a column given a new value is written from it. */
export function stillDamaged(record: JobRecord, changed: readonly string[]): JobRecord["damaged"] {
  if (!record.damaged) return undefined;
  const left = { ...record.damaged };
  for (const key of changed) delete left[key as JsonColumn];
  return Object.keys(left).length > 0 ? left : undefined;
}

/** The columns stored as JSON text; each has the same name in the record. */
export type JsonColumn = "prompt" | "answers" | "input" | "result" | "error" | "resources" | "backoff" | "lease" | "callback";

/** Where a job's webhooks go, and whether every transition or only the finish is sent. */
export interface Callback {
  url: string;
  events: "finished" | "transitions";
}

export interface DbJob {
  seq: number;
  id: string;
  type: string;
  kind: string;
  description: string;
  namespace: string;
  owner: string | null;
  state: string;
  state_value: string;
  in_process: number;
  progress_percent: number;
  progress_message: string;
  own_progress: number;
  prompt: string | null;
  answers: string;
  input: string | null;
  result: string | null;
  error: string | null;
  resources: string;
  parent_id: string | null;
  failure_policy: string;
  attempts: number;
  max_attempts: number;
  backoff: string;
  timeout_ms: number | null;
  run_at: number;
  priority: number;
  idempotency_key: string | null;
  lease: string | null;
  cancel_requested_at: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
  received_at: number | null;
  expires_at: number | null;
  deadline_at: number | null;
  log_seq: number;
  machine_version: string;
  callback: string | null;
}

/** Every column but the snapshot: lists and reads never pay for it. */
export const JOB_COLUMNS =
  "seq, id, type, kind, description, namespace, owner, state, state_value, in_process, progress_percent, " +
  "progress_message, own_progress, prompt, answers, input, result, error, resources, parent_id, " +
  "failure_policy, attempts, max_attempts, backoff, timeout_ms, run_at, priority, idempotency_key, lease, " +
  "cancel_requested_at, created_at, started_at, finished_at, updated_at, received_at, expires_at, " +
  "deadline_at, log_seq, machine_version, callback";

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

export function toRecord(row: DbJob): JobRecord {
  let damaged: Partial<Record<JsonColumn, string>> | undefined;
  const parse = <T>(column: JsonColumn, fallback: T): T => {
    const text = row[column];
    if (text === null) return fallback;
    try {
      return JSON.parse(text) as T;
    } catch {
      (damaged ??= {})[column] = text;
      return fallback;
    }
  };
  const record: JobRecord = {
    seq: row.seq,
    id: row.id,
    type: row.type,
    kind: row.kind,
    description: row.description,
    namespace: row.namespace,
    owner: row.owner,
    state: row.state as JobState,
    stateValue: row.state_value,
    inProcess: row.in_process === 1,
    progressPercent: row.progress_percent,
    progressMessage: row.progress_message,
    ownProgress: row.own_progress === 1,
    prompt: parse("prompt", null),
    answers: parse("answers", []),
    input: parse("input", null),
    result: parse("result", null),
    error: parse("error", null),
    resources: parse("resources", []),
    parentId: row.parent_id,
    failurePolicy: row.failure_policy as FailurePolicy,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    backoff: parse("backoff", { type: "exponential", delayMs: 1000 }),
    timeoutMs: row.timeout_ms,
    runAt: row.run_at,
    priority: row.priority,
    idempotencyKey: row.idempotency_key,
    lease: parse("lease", null),
    cancelRequestedAt: row.cancel_requested_at,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
    receivedAt: row.received_at,
    expiresAt: row.expires_at,
    deadlineAt: row.deadline_at,
    logSeq: row.log_seq,
    machineVersion: row.machine_version,
    callback: parse("callback", null),
  };
  if (damaged) record.damaged = damaged;
  return record;
}

/**
 * Named parameters for INSERT/UPDATE (strict mode: keys without the `$`). `seq` is passed apart: the
 * store hands it out, and a row waiting to be inserted keeps the one it was given.
 */
export function toParams(r: JobRecord, snapshot: string | null, seq: number) {
  const d = r.damaged;
  return {
    seq,
    id: r.id,
    type: r.type,
    kind: r.kind,
    description: r.description,
    namespace: r.namespace,
    owner: r.owner,
    state: r.state,
    state_value: r.stateValue,
    in_process: r.inProcess ? 1 : 0,
    progress_percent: r.progressPercent,
    progress_message: r.progressMessage,
    own_progress: r.ownProgress ? 1 : 0,
    prompt: d?.prompt ?? json(r.prompt),
    answers: d?.answers ?? JSON.stringify(r.answers),
    input: d?.input ?? json(r.input),
    result: d?.result ?? json(r.result),
    error: d?.error ?? json(r.error),
    resources: d?.resources ?? JSON.stringify(r.resources),
    parent_id: r.parentId,
    failure_policy: r.failurePolicy,
    attempts: r.attempts,
    max_attempts: r.maxAttempts,
    backoff: d?.backoff ?? JSON.stringify(r.backoff),
    timeout_ms: r.timeoutMs,
    run_at: r.runAt,
    priority: r.priority,
    idempotency_key: r.idempotencyKey,
    lease: d?.lease ?? json(r.lease),
    cancel_requested_at: r.cancelRequestedAt,
    created_at: r.createdAt,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    updated_at: r.updatedAt,
    received_at: r.receivedAt,
    expires_at: r.expiresAt,
    deadline_at: r.deadlineAt,
    log_seq: r.logSeq,
    machine_version: r.machineVersion,
    callback: d?.callback ?? json(r.callback),
    snapshot,
  };
}
