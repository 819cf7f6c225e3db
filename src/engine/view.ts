import type { JobView } from "../job-view.ts";
import { isFinished } from "../job-view.ts";
import type { JobRecord } from "../store/index.ts";
import { deepFreeze } from "../deep-freeze.ts";
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

/**
 * Views of committed records, kept while the record and its children are the same objects. The store
 * hands out one frozen object per committed row until a commit changes it, so "same object" means
 * "unchanged"; a WeakMap lets a view go when its record does. Views handed out are frozen too.
 */
export class ViewMemo {
  private readonly views = new WeakMap<JobRecord, { children: JobRecord[]; view: JobView }>();

  of(record: JobRecord, children: JobRecord[]): JobView {
    const kept = this.views.get(record);
    if (kept && sameItems(kept.children, children)) return kept.view;
    // Only the store's shared records are frozen; any other record may change under the same object.
    if (!Object.isFrozen(record)) return toView(record, children);
    const view = deepFreeze(toView(record, children));
    this.views.set(record, { children, view });
    return view;
  }
}

const sameItems = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
