/** What the worker API asks of Leases and what it answers (see leases.ts). */

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

export type { PromptOutcome, WorkerStatus } from "../job-view.ts";
