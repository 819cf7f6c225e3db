import type { KindDefinition } from "../../machines/index.ts";
import type { JobSpec } from "../job-view.ts";
import type { JobRecord } from "../store/index.ts";
import { DEFAULT_BACKOFF } from "./check-spec.ts";
import type { CreateOptions } from "./engine.ts";

export interface NewJob {
  id: string;
  spec: JobSpec;
  parentId: string | null;
  kind: KindDefinition;
  kindName: string;
  options: CreateOptions;
  now: number;
  machineVersion: string;
}

/** The stored record of a job as it is created: queued, nothing run, defaults filled in. */
export function newRecord({ id, spec, parentId, kind, kindName, options, now, machineVersion }: NewJob): JobRecord {
  return {
    seq: 0,
    id,
    type: spec.type,
    kind: kindName,
    description: spec.description ?? spec.type,
    namespace: spec.namespace ?? "default",
    owner: options.owner ?? null,
    state: "queued",
    stateValue: "queued",
    inProcess: kind.inProcess,
    progressPercent: 0,
    progressMessage: "",
    ownProgress: false,
    prompt: null,
    answers: [],
    input: spec.input ?? null,
    result: null,
    error: null,
    resources: spec.resources ?? [],
    parentId,
    failurePolicy: spec.failurePolicy ?? "wait-all",
    attempts: 0,
    maxAttempts: spec.maxAttempts ?? kind.defaultMaxAttempts,
    backoff: spec.backoff ?? DEFAULT_BACKOFF,
    timeoutMs: spec.timeoutMs ?? null,
    runAt: spec.runAt ?? now,
    priority: spec.priority ?? 0,
    idempotencyKey: parentId === null ? (options.idempotencyKey ?? null) : null,
    lease: null,
    cancelRequestedAt: null,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
    receivedAt: null,
    expiresAt: null,
    deadlineAt: null,
    logSeq: 1,
    machineVersion,
    callback: spec.callbackUrl ? { url: spec.callbackUrl, events: spec.callbackEvents ?? "finished" } : null,
  };
}
