/**
 * The jobd worker client: lease jobs of your types, heartbeat, ask prompts, spawn sub-jobs and
 * finish them, over jobd's worker API (docs/workers.md).
 *
 *   const worker = runWorker({ url, worker: "cloner-1", types: ["drive_clone"], handler: async (job) => {
 *     await job.progress(10, "copying");
 *     if ((await job.prompt("Overwrite the target?", ["Yes", "No"])) === 1) throw new JobFailure("DECLINED", "no");
 *     job.signal.throwIfAborted();
 *     return { copied: true };
 *   } });
 */
export { runWorker, type JobHandler, type RunWorkerOptions, type RunningWorker } from "./run-worker.ts";
export { LeasedJob, type LeasedJobOptions } from "./leased-job.ts";
export { WorkerClient, type WorkerClientOptions } from "./client.ts";
export { CancelRequestedError, JobFailure, LeaseLostError, WorkerApiError } from "./errors.ts";
export type { JobError, JobSpec, JobState, JobView, Lease, PromptOptions, PromptOutcome, WorkerStatus } from "./types.ts";
