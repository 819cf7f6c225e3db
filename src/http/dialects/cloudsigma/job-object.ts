import { t } from "elysia";
import { isFinished, type JobState, type JobView } from "../../../job-view.ts";

/** CloudSigma's job states. `error` and `canceled` are jobd's choice: CloudSigma documents only the first two. */
export type CloudsigmaState = "started" | "success" | "error" | "canceled";

export const CLOUDSIGMA_STATES: Record<CloudsigmaState, JobState[]> = {
  started: ["queued", "running", "waiting", "cancelling"],
  success: ["succeeded"],
  error: ["failed"],
  canceled: ["canceled"],
};

export const isCloudsigmaState = (value: string): value is CloudsigmaState => Object.hasOwn(CLOUDSIGMA_STATES, value);

export function toCloudsigmaState(state: JobState): CloudsigmaState {
  switch (state) {
    case "succeeded":
      return "success";
    case "failed":
      return "error";
    case "canceled":
      return "canceled";
    default:
      return "started";
  }
}

export interface CloudsigmaJob {
  children: CloudsigmaJob[];
  created: string;
  data: { progress: number };
  last_modified: string;
  operation: string | null;
  resource_uri: string;
  resources: string[];
  state: CloudsigmaState;
  uuid: string;
}

export const JOBS_PATH = "/api/2.0/jobs/";
export const jobUri = (id: string): string => `${JOBS_PATH}${id}/`;

/** `2014-06-05T09:45:08.003595+00:00`: ISO-8601 in UTC with microseconds, the way CloudSigma writes it. */
export function formatTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2014-06-05T09:45:08.003Z
  return `${iso.slice(0, 23)}000+00:00`;
}

/** 100 means finished, so an unfinished job tops out at 99 even when its work says 100. */
export function progressOf(view: JobView): number {
  if (isFinished(view.state)) return 100;
  const percent = Math.floor(Number.isFinite(view.progress.percent) ? view.progress.percent : 0);
  return Math.min(99, Math.max(0, percent));
}

/**
 * One job as CloudSigma shows it. `childrenOf` returns a job's children (already projected), so the
 * caller decides how they are read; the keys are in the dumps' alphabetical order.
 */
export function toCloudsigmaJob(view: JobView, childrenOf: (view: JobView) => CloudsigmaJob[]): CloudsigmaJob {
  return {
    children: childrenOf(view),
    created: formatTimestamp(view.createdAt),
    data: { progress: progressOf(view) },
    last_modified: formatTimestamp(Math.max(view.updatedAt, view.createdAt)),
    operation: view.type,
    resource_uri: jobUri(view.id),
    resources: view.resources,
    state: toCloudsigmaState(view.state),
    uuid: view.id,
  };
}

// Children are typed loosely: Elysia cannot infer a recursive response type, and the shape is this one again.
export const JobSchema = t.Object(
  {
    children: t.Array(t.Unknown(), { description: "sub-jobs, embedded in full with this same shape, any depth" }),
    created: t.String({ description: "ISO-8601 with microseconds, +00:00" }),
    data: t.Object({ progress: t.Integer({ minimum: 0, maximum: 100, description: "100 means finished" }) }),
    last_modified: t.String({ description: "ISO-8601 with microseconds, +00:00" }),
    operation: t.Union([t.String(), t.Null()], { description: "what the job does: drive_clone, server_clone, …" }),
    resource_uri: t.String({ description: "/api/2.0/jobs/{uuid}/" }),
    resources: t.Array(t.String(), { description: "URIs of the resources the job acts on" }),
    state: t.Union([t.Literal("started"), t.Literal("success"), t.Literal("error"), t.Literal("canceled")]),
    uuid: t.String(),
  },
  { description: "A CloudSigma job" },
);

export const JobListSchema = t.Object({
  meta: t.Object({ limit: t.Integer(), offset: t.Integer(), total_count: t.Integer() }),
  objects: t.Array(JobSchema),
});
