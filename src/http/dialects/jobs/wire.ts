import { t } from "elysia";
import type { JobState, JobView } from "../../../job-view.ts";

/** JobStatus as the Crystite API numbers it. There is no 0: a job is Running from the start. */
export const JobStatus = { Running: 1, Completed: 2, Canceled: 3, Faulted: 4 } as const;
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

const STATUS_OF: Record<JobState, JobStatus> = {
  queued: JobStatus.Running,
  running: JobStatus.Running,
  waiting: JobStatus.Running,
  cancelling: JobStatus.Running,
  succeeded: JobStatus.Completed,
  canceled: JobStatus.Canceled,
  failed: JobStatus.Faulted,
};

export const JobSchema = t.Object(
  {
    id: t.String({ format: "uuid", description: "the job id, lowercase hyphenated (.NET `D` format)" }),
    description: t.String({ description: "human-readable text, e.g. `start world SpaceWorld`" }),
    status: t.Union([t.Literal(1), t.Literal(2), t.Literal(3), t.Literal(4)], {
      description: "JobStatus: 1 Running, 2 Completed, 3 Canceled, 4 Faulted",
    }),
  },
  { additionalProperties: false },
);

export interface WireJob {
  id: string;
  description: string;
  status: JobStatus;
}

/** Exactly the three keys of the original; nothing else of the job leaks out. */
export const toWireJob = (job: JobView): WireJob => ({
  id: job.id,
  description: job.description || job.type,
  status: STATUS_OF[job.state],
});
