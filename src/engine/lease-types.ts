/** What the worker API asks of Leases and what it answers (see leases.ts). */
import type { JobState, Lease, Progress, Prompt } from "../job-view.ts";

export const LEASE_LIMITS = { minMs: 500, maxMs: 3_600_000, maxWaitMs: 60_000, maxJobs: 100 } as const;

export interface LeaseRequest {
  worker: string;
  types: string[];
  /** Only jobs in these namespaces; null or left out: any. */
  namespaces?: string[] | null;
  /** At most this many jobs. */
  max: number;
  /** Long poll: how long to wait for a job when none is queued now. */
  waitMs: number;
  leaseMs?: number;
  /** Ends the wait early (the client went away); nothing is leased after it fires. */
  signal?: AbortSignal;
}

export interface HeartbeatRequest {
  progress?: number;
  message?: string;
  leaseMs?: number;
}

export interface PromptRequest {
  message: string;
  buttons: string[];
  defaultButton?: number;
  /** How long the question stays open; past it the default button is taken, or the job fails. */
  timeoutMs?: number;
  waitMs: number;
  leaseMs?: number;
  signal?: AbortSignal;
}

/** What a worker learns from every call: is it still wanted, and what was answered. */
export interface WorkerStatus {
  id: string;
  state: JobState;
  lease: Lease | null;
  cancelRequested: boolean;
  progress: Progress;
  prompt: Omit<Prompt, "askedAt"> | null;
  answers: number[];
}

export interface PromptOutcome extends WorkerStatus {
  /** The prompt's place in `answers`: its answer is `answers[index]` once given. */
  index: number;
  answered: boolean;
  button: number | null;
}
