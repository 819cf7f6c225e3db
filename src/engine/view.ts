import type { JobView } from "../job-view.ts";
import { isFinished } from "../job-view.ts";
import type { JobRecord } from "../store/index.ts";
import { redactInput } from "./redact.ts";

/**
 * The neutral view of a stored job. A parent that reports no progress of its own shows the mean of
 * its children's (a finished child counts as 100).
 */
export function toView(r: JobRecord, children: JobRecord[]): JobView {
  let percent = r.progressPercent;
  if (!r.ownProgress && children.length > 0 && !isFinished(r.state)) {
    const sum = children.reduce((acc, c) => acc + (isFinished(c.state) ? 100 : c.progressPercent), 0);
    percent = Math.floor((sum / children.length) * 100) / 100;
  }
  return {
    id: r.id,
    seq: r.seq,
    type: r.type,
    description: r.description,
    namespace: r.namespace,
    owner: r.owner,
    state: r.state,
    stateValue: r.stateValue,
    progress: { percent, message: r.progressMessage },
    prompt: r.prompt
      ? {
          message: r.prompt.message,
          buttons: r.prompt.buttons,
          ...(r.prompt.defaultButton !== undefined ? { defaultButton: r.prompt.defaultButton } : {}),
          ...(r.prompt.deadline !== undefined ? { deadline: r.prompt.deadline } : {}),
        }
      : null,
    answers: r.answers,
    input: redactInput(r.input),
    result: r.result,
    error: r.error,
    resources: r.resources,
    parentId: r.parentId,
    children: children.map((c) => c.id),
    failurePolicy: r.failurePolicy,
    attempts: r.attempts,
    maxAttempts: r.maxAttempts,
    backoff: r.backoff,
    timeoutMs: r.timeoutMs,
    runAt: r.runAt,
    priority: r.priority,
    idempotencyKey: r.idempotencyKey,
    lease: r.lease,
    cancelRequested: r.cancelRequestedAt !== null,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    updatedAt: r.updatedAt,
    receivedAt: r.receivedAt,
    expiresAt: r.expiresAt,
    callbackUrl: r.callback?.url ?? null,
  };
}
