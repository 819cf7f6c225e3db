/**
 * The neutral projection of a job that every surface reads.
 *
 * Glossary
 * - job: one unit of work with its own id, row, actor and transition log.
 * - kind: what does the work (`script`, `http`, an external worker queue name…). Stored as `type`.
 * - state: the flat lifecycle state. `running` means the work is working; `waiting` means a prompt is
 *   open; `cancelling` means a cancel was requested and the work has not stopped yet.
 * - prompt: a question with buttons that pauses the job until answered.
 * - receipt: a client of a receipt-taking dialect (jobs, arango) read the finished job; it is gone
 *   from those dialects at once.
 * - namespace: the scope a job lives in (IMS project id, CentriQS dbid); `default` otherwise.
 */
export const JOB_STATES = [
  "queued",
  "running",
  "waiting",
  "cancelling",
  "succeeded",
  "failed",
  "canceled",
] as const;
export type JobState = (typeof JOB_STATES)[number];

export const FINISHED_STATES: ReadonlySet<JobState> = new Set(["succeeded", "failed", "canceled"]);
export const isFinished = (state: JobState): boolean => FINISHED_STATES.has(state);

export type FailurePolicy = "wait-all" | "fail-fast" | "ignore";

export interface JobError {
  code: string;
  message: string;
  details?: unknown;
}

export interface Progress {
  percent: number;
  message: string;
}

export interface Prompt {
  message: string;
  buttons: string[];
  defaultButton?: number;
  /** ms since epoch; past it the default button is taken, or the job fails. */
  deadline?: number;
  askedAt: number;
}

export interface Backoff {
  type: "fixed" | "exponential";
  delayMs: number;
  maxDelayMs?: number;
}

export interface Lease {
  id: string;
  worker: string;
  expiresAt: number;
}

export interface JobView {
  id: string;
  seq: number;
  type: string;
  description: string;
  namespace: string;
  owner: string | null;
  state: JobState;
  /** The full machine state value, e.g. `running.waiting`. */
  stateValue: string;
  progress: Progress;
  prompt: Omit<Prompt, "askedAt"> | null;
  answers: number[];
  input: unknown;
  result: unknown;
  error: JobError | null;
  resources: string[];
  parentId: string | null;
  children: string[];
  failurePolicy: FailurePolicy;
  attempts: number;
  maxAttempts: number;
  backoff: Backoff;
  timeoutMs: number | null;
  runAt: number;
  priority: number;
  idempotencyKey: string | null;
  lease: Lease | null;
  cancelRequested: boolean;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
  receivedAt: number | null;
  expiresAt: number | null;
  callbackUrl: string | null;
}

/** What a client asks for when it creates a job; children have the same shape, any depth. */
export interface JobSpec {
  type: string;
  /** The built-in kind that does the work when it differs from `type` (a `script` posing as `drive_clone`). */
  kind?: string;
  description?: string;
  namespace?: string;
  input?: unknown;
  resources?: string[];
  children?: JobSpec[];
  failurePolicy?: FailurePolicy;
  maxAttempts?: number;
  backoff?: Backoff;
  timeoutMs?: number;
  runAt?: number;
  priority?: number;
  /** Webhook: jobd POSTs the job here when it finishes (or on every transition), signed with HMAC. */
  callbackUrl?: string;
  callbackEvents?: "finished" | "transitions";
}

export interface Transition {
  jobId: string;
  seq: number;
  at: number;
  event: string;
  from: string;
  to: string;
  payload: unknown;
}

/** What a worker learns from every call (heartbeat, prompt): is the job still wanted, what was answered. */
export interface WorkerStatus {
  id: string;
  state: JobState;
  lease: Lease | null;
  cancelRequested: boolean;
  progress: Progress;
  prompt: Omit<Prompt, "askedAt"> | null;
  /** Every prompt answer of this job, in the order the prompts were asked. */
  answers: number[];
}

export interface PromptOutcome extends WorkerStatus {
  /** The prompt's place in `answers`: its answer is `answers[index]` once given. */
  index: number;
  answered: boolean;
  button: number | null;
}
