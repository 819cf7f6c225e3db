import type { AnyMachineSnapshot } from "xstate";
import type { JobContext, JobEvent } from "../../machines/index.ts";
import { isFinished, type JobState } from "../job-view.ts";
import type { JobRecord } from "../store/index.ts";

export interface Timing {
  now: number;
  cancelGraceMs: number;
  retentionFinishedMs: number;
}

/** `{ running: "waiting" }` → `running.waiting`. */
export function stateValueString(value: AnyMachineSnapshot["value"]): string {
  if (typeof value === "string") return value;
  return Object.entries(value)
    .map(([key, inner]) => `${key}.${stateValueString(inner as AnyMachineSnapshot["value"])}`)
    .join(",");
}

/** The flat state every surface reads. */
export function flatState(stateValue: string): JobState {
  if (stateValue === "running.waiting") return "waiting";
  if (stateValue.startsWith("running")) return "running";
  return stateValue as JobState;
}

/**
 * Folds a new machine snapshot into the stored record: the machine says what happened, the engine
 * stamps when, and turns relative delays into stored deadlines.
 */
export function project(previous: JobRecord, snapshot: AnyMachineSnapshot, t: Timing): JobRecord {
  const context = snapshot.context as JobContext;
  const stateValue = stateValueString(snapshot.value);
  const state = flatState(stateValue);
  const next: JobRecord = { ...previous, stateValue, state, updatedAt: t.now };

  next.attempts = context.attempts;
  next.progressPercent = context.progress.percent;
  next.progressMessage = context.progress.message;
  next.ownProgress = context.ownProgress;
  next.answers = context.answers;
  next.result = context.result;
  next.error = context.error;

  if (context.prompt) {
    const same = previous.prompt && previous.state === "waiting";
    const askedAt = same && previous.prompt ? previous.prompt.askedAt : t.now;
    next.prompt = {
      message: context.prompt.message,
      buttons: context.prompt.buttons,
      ...(context.prompt.defaultButton !== undefined ? { defaultButton: context.prompt.defaultButton } : {}),
      ...(context.prompt.timeoutMs !== undefined ? { deadline: askedAt + context.prompt.timeoutMs } : {}),
      askedAt,
    };
  } else {
    next.prompt = null;
  }

  if (context.cancelRequested && previous.cancelRequestedAt === null) next.cancelRequestedAt = t.now;
  if (previous.state === "queued" && state !== "queued" && !isFinished(state)) next.startedAt = t.now;
  if (state === "queued" && previous.state !== "queued") {
    next.runAt = t.now + (context.retryDelayMs ?? 0);
    next.lease = null;
  }
  if (isFinished(state) && !isFinished(previous.state)) {
    next.finishedAt = t.now;
    next.expiresAt = t.now + t.retentionFinishedMs;
    next.lease = null;
  }
  next.deadlineAt = nextDeadline(next, t);
  return next;
}

/** The earliest stored deadline of a job, or null. One indexed column serves them all. */
export function nextDeadline(r: JobRecord, t: Pick<Timing, "cancelGraceMs" | "now">): number | null {
  const candidates: number[] = [];
  switch (r.state) {
    case "queued":
      if (r.runAt > t.now) candidates.push(r.runAt);
      break;
    case "running":
    case "waiting":
    case "cancelling":
      if (r.timeoutMs !== null && r.startedAt !== null) candidates.push(r.startedAt + r.timeoutMs);
      if (r.lease) candidates.push(r.lease.expiresAt);
      if (r.state === "waiting" && r.prompt?.deadline !== undefined) candidates.push(r.prompt.deadline);
      if (r.state === "cancelling" && r.cancelRequestedAt !== null) candidates.push(r.cancelRequestedAt + t.cancelGraceMs);
      break;
    default:
      if (r.expiresAt !== null) candidates.push(r.expiresAt);
  }
  return candidates.length > 0 ? Math.min(...candidates) : null;
}

/** What a due deadline asks of the engine. The twin of nextDeadline: it reads the same fields. */
export type DueAction =
  | { kind: "expire" }
  | { kind: "start" }
  | { kind: "announce" }
  | { kind: "send"; event: JobEvent }
  | null;

export function dueAction(r: JobRecord, t: Pick<Timing, "cancelGraceMs" | "now">): DueAction {
  const { now } = t;
  if (isFinished(r.state)) return r.expiresAt !== null && r.expiresAt <= now ? { kind: "expire" } : null;
  if (r.state === "queued") return r.inProcess ? { kind: "start" } : { kind: "announce" };
  if (r.timeoutMs !== null && r.startedAt !== null && r.startedAt + r.timeoutMs <= now) {
    return { kind: "send", event: { type: "job.timeout" } };
  }
  if (r.lease && r.lease.expiresAt <= now) return { kind: "send", event: { type: "job.lease.expired" } };
  if (r.state === "waiting" && r.prompt?.deadline !== undefined && r.prompt.deadline <= now) {
    return { kind: "send", event: { type: "job.prompt.expired" } };
  }
  if (r.state === "cancelling" && r.cancelRequestedAt !== null && r.cancelRequestedAt + t.cancelGraceMs <= now) {
    return { kind: "send", event: { type: "job.cancel.expired" } };
  }
  return null;
}
