import { t } from "elysia";
import { isFinished, type JobState, type JobView } from "../../../job-view.ts";
import { toImsJobId } from "./job-id.ts";

/**
 * The IMS job object. Status: INIT (not started), RUNNING (working, waiting, cancelling, or queued for
 * a retry), SUCCESS, FAIL (failed or canceled: IMS has no cancel of its own).
 */
export type ImsStatus = "INIT" | "RUNNING" | "SUCCESS" | "FAIL";

export interface ImsJob {
  status: ImsStatus;
  job_id: string;
  job_type: string;
  begin_time: string;
  end_time: string;
  error_code: string | null;
  fail_reason: string | null;
  entities: Record<string, unknown>;
}

export const ImsJobSchema = t.Object({
  status: t.Union([t.Literal("INIT"), t.Literal("RUNNING"), t.Literal("SUCCESS"), t.Literal("FAIL")]),
  job_id: t.String({ description: "32 lowercase hex digits" }),
  job_type: t.String(),
  begin_time: t.String({ description: "ISO-8601 UTC with milliseconds (when the job was submitted)" }),
  end_time: t.String({ description: 'ISO-8601 UTC with milliseconds; "" until the job has finished' }),
  error_code: t.Union([t.String(), t.Null()], { description: "null unless the job failed" }),
  fail_reason: t.Union([t.String(), t.Null()], { description: "null unless the job failed" }),
  entities: t.Record(t.String(), t.Unknown(), {
    description: "the job's result object; sub_jobs_list and sub_jobs_result when it has sub-jobs",
  }),
});

const STATUS_OF: Record<JobState, ImsStatus> = {
  queued: "INIT",
  running: "RUNNING",
  waiting: "RUNNING",
  cancelling: "RUNNING",
  succeeded: "SUCCESS",
  failed: "FAIL",
  canceled: "FAIL",
};

const iso = (ms: number | null): string => (ms === null ? "" : new Date(ms).toISOString());

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function imsStatus(job: JobView): ImsStatus {
  // A job queued again for a retry has begun already: IMS never goes back to INIT.
  return job.state === "queued" && job.attempts > 0 ? "RUNNING" : STATUS_OF[job.state];
}

/** The job's result as entities: an object is used as is, anything else sits under `result`. */
function entitiesOf(job: JobView): Record<string, unknown> {
  if (isPlainObject(job.result)) return { ...job.result };
  return job.result === null || job.result === undefined ? {} : { result: job.result };
}

function failureOf(job: JobView): { error_code: string | null; fail_reason: string | null } {
  if (job.state === "failed") {
    return { error_code: job.error?.code ?? "FAILED", fail_reason: job.error?.message ?? "the job failed" };
  }
  if (job.state === "canceled") {
    return { error_code: job.error?.code ?? "CANCELED", fail_reason: job.error?.message ?? "the job was canceled" };
  }
  return { error_code: null, fail_reason: null };
}

/** One job as IMS shows it; `subJobs` are its children, already in IMS form. */
export function toImsJob(job: JobView, subJobs: ImsJob[]): ImsJob {
  const entities = entitiesOf(job);
  if (subJobs.length > 0) {
    entities.sub_jobs_list = subJobs.map((s) => s.job_id);
    entities.sub_jobs_result = subJobs;
  }
  return {
    status: imsStatus(job),
    job_id: toImsJobId(job.id),
    job_type: job.type,
    begin_time: iso(job.createdAt),
    end_time: isFinished(job.state) ? iso(job.finishedAt ?? job.updatedAt) : "",
    ...failureOf(job),
    entities,
  };
}

/** Huawei's progress query adds how far the job is (a fraction 0..1) and what it is doing. */
export function withProgress(body: ImsJob, job: JobView): ImsJob {
  const fraction = job.state === "succeeded" ? 1 : Math.min(1, Math.max(0, job.progress.percent / 100));
  return {
    ...body,
    entities: {
      ...body.entities,
      process_percent: Number(fraction.toFixed(4)),
      ...(job.progress.message ? { current_task: job.progress.message } : {}),
    },
  };
}
