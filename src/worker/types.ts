/**
 * What the worker API sends and receives. Job views are jobd's JobView; a leased job carries its
 * `lease` ({id, worker, expiresAt}).
 */
export type { JobError, JobSpec, JobState, JobView, Lease, PromptOutcome, WorkerStatus } from "../job-view.ts";

export interface PromptOptions {
  defaultButton?: number;
  /** The prompt's deadline, from when it is asked; past it the default button is taken, or the job fails. */
  timeoutMs?: number;
}
