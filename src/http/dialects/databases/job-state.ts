import { t } from "elysia";
import { isFinished, type JobView } from "../../../job-view.ts";

/** CentriQS job statuses. Closed covers success, failure (with Exception) and abort alike. */
export const STATUS = { PendingRun: 0, Running: 1, WaitingResponse: 2, Closed: 3 } as const;

const ProgressSchema = t.Object({
  Message: t.String({ description: "may be empty" }),
  Percent: t.Number({ minimum: 0, maximum: 100 }),
});

const RequestSchema = t.Object({
  Message: t.String(),
  Buttons: t.Array(t.String(), { description: "answer with the 0-based index of one of them" }),
  DefaultButtonIndex: t.Optional(t.Integer({ description: "jobd extension: the button taken when the deadline passes" })),
  Deadline: t.Optional(t.String({ format: "date-time", description: "jobd extension: when the question times out (UTC)" })),
});

const ExceptionSchema = t.Object({ Message: t.String(), Code: t.String({ description: "jobd's error code" }) });

export const JobStateSchema = t.Object(
  {
    JobId: t.String({ format: "uuid" }),
    Status: t.Integer({ minimum: 0, maximum: 3, description: "0 PendingRun, 1 Running, 2 WaitingResponse, 3 Closed" }),
    Progress: t.Optional(ProgressSchema),
    Request: t.Optional(RequestSchema),
    Exception: t.Optional(ExceptionSchema),
  },
  { description: "Members without a value are left out, never null." },
);

export const StartedSchema = t.Object({ JobId: t.String({ format: "uuid" }), Status: t.Literal(STATUS.PendingRun) });

export const MessageSchema = t.Object({ Message: t.String() }, { description: "jobd's error envelope for this dialect (inferred)" });

export type JobStateWire = typeof JobStateSchema.static;

/**
 * A job as CentriQS shows it. `asking` is the job whose question stands for this one: the job itself
 * while it waits, or a waiting descendant (CentriQS has no sub-jobs, so a parent shows its child's
 * question as its own).
 */
export function toJobState(job: JobView, asking: JobView | undefined): JobStateWire {
  const prompt = isFinished(job.state) ? null : (asking?.prompt ?? null);
  const wire: JobStateWire = { JobId: job.id, Status: statusOf(job, prompt !== null) };
  if (job.startedAt !== null || job.progress.percent > 0 || job.progress.message !== "") {
    wire.Progress = { Message: job.progress.message, Percent: job.progress.percent };
  }
  if (prompt) {
    wire.Request = { Message: prompt.message, Buttons: prompt.buttons };
    if (prompt.defaultButton !== undefined) wire.Request.DefaultButtonIndex = prompt.defaultButton;
    if (prompt.deadline !== undefined) wire.Request.Deadline = new Date(prompt.deadline).toISOString();
  }
  if (job.state === "failed") {
    wire.Exception = { Message: job.error?.message ?? "the job failed", Code: job.error?.code ?? "FAILED" };
  }
  return wire;
}

function statusOf(job: JobView, asking: boolean): number {
  if (isFinished(job.state)) return STATUS.Closed;
  if (asking) return STATUS.WaitingResponse;
  if (job.state === "queued") return STATUS.PendingRun;
  return STATUS.Running;
}
