/**
 * What the worker API sends and receives. Job views are jobd's JobView; a leased job carries its
 * `lease` ({id, worker, expiresAt}).
 */
import type { JobError, JobSpec, JobState, JobView, Lease, Progress, Prompt } from "../job-view.ts";

export type { JobError, JobSpec, JobState, JobView, Lease };

/** What every heartbeat answers: is the job still wanted, and what was answered. */
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
  /** The prompt's place in `answers`. */
  index: number;
  answered: boolean;
  button: number | null;
}

export interface PromptOptions {
  defaultButton?: number;
  /** The prompt's deadline, from when it is asked; past it the default button is taken, or the job fails. */
  timeoutMs?: number;
}
