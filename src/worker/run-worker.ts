import { WorkerClient, type WorkerClientOptions } from "./client.ts";
import { CancelRequestedError, JobFailure, LeaseLostError } from "./errors.ts";
import { LeasedJob } from "./leased-job.ts";
import type { JobError } from "./types.ts";

export type JobHandler = (job: LeasedJob) => unknown;

export interface RunWorkerOptions extends WorkerClientOptions {
  /** Job types this worker does. */
  types: string[];
  /** Does one job. Its return value is the result; a throw fails the attempt (see JobFailure). */
  handler: JobHandler;
  /** Jobs held at once (default 1). */
  concurrency?: number;
  /** Lease length (default 30 s); heartbeats go out every `heartbeatMs` (default a third of it). */
  leaseMs?: number;
  heartbeatMs?: number;
  /** Long poll for new jobs (default 30 s, at most 60 s). */
  pollMs?: number;
  /** Aborting it stops leasing; jobs in hand run to their end. */
  signal?: AbortSignal;
  /** Errors that do not stop the worker: network trouble, a lost lease, a failed settle. */
  onError?: (error: unknown, job?: LeasedJob) => void;
}

export interface RunningWorker {
  /** Stops leasing and resolves once every job in hand has settled. */
  stop(): Promise<void>;
  /** Resolves when the worker has stopped. */
  done: Promise<void>;
}

/**
 * The lease loop: leases jobs while it has room, runs the handler on each, keeps the lease alive,
 * and settles the job from the handler's outcome:
 * - returned → complete with the value (even after a cancel request: the work finished first);
 * - threw after a cancel request → stopped (the job ends `canceled`);
 * - threw JobFailure → fail with its code and retryable; anything else → fail, retryable;
 * - the lease was lost → nothing: the job is someone else's now.
 */
export function runWorker(options: RunWorkerOptions): RunningWorker {
  const client = new WorkerClient(options);
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const leaseMs = options.leaseMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(100, Math.floor(leaseMs / 3));
  const pollMs = Math.min(options.pollMs ?? 30_000, 60_000);
  const onError = options.onError ?? (() => {});
  const stopper = new AbortController();
  const stopSignal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  const active = new Set<Promise<void>>();

  const run = async (job: LeasedJob): Promise<void> => {
    job.startHeartbeats();
    try {
      const result = await options.handler(job);
      if (!job.settled && !job.leaseLost) await job.complete(result);
    } catch (error) {
      if (job.leaseLost || job.settled) {
        if (!(error instanceof LeaseLostError) && !(error instanceof CancelRequestedError)) onError(error, job);
        return;
      }
      try {
        if (job.cancelRequested) await job.stopped();
        else await job.fail(...failureOf(error));
      } catch (settleError) {
        onError(settleError, job);
      }
    } finally {
      job.stopHeartbeats();
    }
  };

  const loop = async (): Promise<void> => {
    let backoff = 100;
    while (!stopSignal.aborted) {
      if (active.size >= concurrency) {
        await Promise.race(active);
        continue;
      }
      try {
        const views = await client.lease(options.types, {
          max: concurrency - active.size,
          waitMs: pollMs,
          leaseMs,
          signal: stopSignal,
        });
        backoff = 100;
        for (const view of views) {
          const job = new LeasedJob(client, view, { leaseMs, heartbeatMs, onError: (e) => onError(e, job) });
          const task = run(job).catch((error) => onError(error, job));
          active.add(task);
          task.finally(() => active.delete(task));
        }
      } catch (error) {
        if (stopSignal.aborted) break;
        onError(error);
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
    await Promise.allSettled([...active]);
  };

  const done = loop();
  return {
    done,
    stop() {
      stopper.abort();
      return done;
    },
  };
}

function failureOf(error: unknown): [JobError, boolean] {
  if (error instanceof JobFailure) {
    return [{ code: error.code, message: error.message, ...(error.details !== undefined ? { details: error.details } : {}) }, error.retryable];
  }
  const message = error instanceof Error ? error.message : String(error);
  return [{ code: "WORKER_ERROR", message: message.slice(0, 2000) }, true];
}
