/**
 * The job lifecycle machine. Every job, whatever its kind, is an actor of this machine.
 *
 * States
 * - queued: accepted, not started. `job.start` begins an attempt; `job.cancel` ends it `canceled` at once.
 * - running: an attempt is under way; the kind's work runs as the child actor `work`.
 *   - working: the work is busy. `job.prompt` opens a question and moves to `waiting`.
 *   - waiting: a question is open. A valid `job.answer` hands the button to the work and returns to
 *     `working`; an invalid one is not a transition at all. A due prompt deadline takes the default
 *     button, or fails the job when there is none.
 *   - joining: the work is done; the job waits for its children before it ends.
 * - cancelling: a cancel was requested while running. The work is told and the job ends `canceled`
 *   when the work stops, or `succeeded`/`failed` if it finishes first. The engine ends a stuck
 *   cancelling with `job.cancel.expired` after a grace period.
 * - succeeded, failed, canceled: final.
 *
 * Rules
 * - A failed attempt (`job.fail` with retryable not false, `job.timeout`, `job.lease.expired`) goes back
 *   to `queued` while attempts remain, with `retryDelayMs` from the backoff; otherwise the job fails.
 * - Children: the failure policy decides what a failed (or canceled) child does. `fail-fast` fails the
 *   parent at once (the engine cancels the siblings), `wait-all` fails it once every child has ended,
 *   `ignore` never fails it.
 * - The open prompt lives in context only while `waiting`: every other state clears it on entry (entry, not
 *   exit, so that taking the default button can still read it).
 * - The machine holds no clock: the engine stamps times and turns delays into stored deadlines.
 */
import { assign, sendTo, setup, spawnChild, stopChild, type AnyActorLogic } from "xstate";

export const JOB_MACHINE_VERSION = 1;

export type FailurePolicy = "wait-all" | "fail-fast" | "ignore";
export type ChildEnd = "succeeded" | "failed" | "canceled";

export interface JobErrorValue {
  code: string;
  message: string;
  details?: unknown;
}

export interface PromptValue {
  message: string;
  buttons: string[];
  defaultButton?: number;
  /** How long the question stays open; the engine turns it into a stored deadline. */
  timeoutMs?: number;
}

export interface BackoffValue {
  type: "fixed" | "exponential";
  delayMs: number;
  maxDelayMs?: number;
}

export interface JobInput {
  kind: string;
  input: unknown;
  maxAttempts: number;
  backoff: BackoffValue;
  failurePolicy: FailurePolicy;
  interruptPolicy: "rerun" | "fail";
}

export interface JobContext extends JobInput {
  attempts: number;
  progress: { percent: number; message: string };
  ownProgress: boolean;
  prompt: PromptValue | null;
  answers: number[];
  result: unknown;
  error: JobErrorValue | null;
  children: Record<string, ChildEnd | "pending">;
  cancelRequested: boolean;
  /** Set when an attempt failed and the job went back to the queue; the engine adds it to now. */
  retryDelayMs: number | null;
}

export type JobEvent =
  | { type: "job.start" }
  | { type: "job.progress"; percent?: number; message?: string }
  | { type: "job.prompt"; prompt: PromptValue }
  | { type: "job.answer"; button: number }
  | { type: "job.prompt.expired" }
  | { type: "job.succeed"; result?: unknown }
  | { type: "job.fail"; error: JobErrorValue; retryable?: boolean }
  | { type: "job.timeout" }
  | { type: "job.lease.expired" }
  | { type: "job.interrupted" }
  | { type: "job.cancel" }
  | { type: "job.stopped" }
  | { type: "job.cancel.expired" }
  | { type: "job.children.added"; ids: string[] }
  | { type: "job.child.settled"; childId: string; state: ChildEnd };

/** Events the lifecycle sends to its `work` child. */
export type WorkCommand = { type: "work.answer"; button: number } | { type: "work.cancel" };

type Ev<T extends JobEvent["type"]> = Extract<JobEvent, { type: T }>;
const as = <T extends JobEvent["type"]>(event: JobEvent, type: T): Ev<T> | undefined =>
  event.type === type ? (event as Ev<T>) : undefined;

const failureOf = (event: JobEvent): JobErrorValue => {
  switch (event.type) {
    case "job.fail":
      return event.error;
    case "job.timeout":
      return { code: "TIMEOUT", message: "the job ran past its timeout" };
    case "job.lease.expired":
      return { code: "LEASE_EXPIRED", message: "the worker stopped heartbeating and its lease expired" };
    case "job.interrupted":
      return { code: "INTERRUPTED", message: "jobd stopped while the job was running" };
    case "job.prompt.expired":
      return { code: "PROMPT_EXPIRED", message: "the question was not answered in time" };
    default:
      return { code: "FAILED", message: "the job failed" };
  }
};

const pendingChildren = (context: JobContext): number =>
  Object.values(context.children).filter((s) => s === "pending").length;
const failedChildren = (context: JobContext): number =>
  Object.values(context.children).filter((s) => s === "failed" || s === "canceled").length;

export const backoffDelay = (backoff: BackoffValue, attempt: number): number => {
  const raw = backoff.type === "fixed" ? backoff.delayMs : backoff.delayMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(raw, backoff.maxDelayMs ?? 5 * 60_000);
};

export const jobMachine = setup({
  types: {
    context: {} as JobContext,
    events: {} as JobEvent,
    input: {} as JobInput,
  },
  actors: {
    // Each kind provides its own work logic through machine.provide(); this one does nothing.
    work: {} as AnyActorLogic,
  },
  guards: {
    canRetry: ({ context, event }) =>
      context.attempts < context.maxAttempts && (as(event, "job.fail")?.retryable ?? true) !== false,
    isValidAnswer: ({ context, event }) => {
      const button = as(event, "job.answer")?.button;
      return (
        context.prompt !== null &&
        typeof button === "number" &&
        Number.isInteger(button) &&
        button >= 0 &&
        button < context.prompt.buttons.length
      );
    },
    hasDefaultButton: ({ context }) => context.prompt?.defaultButton !== undefined,
    childrenPending: ({ context }) => pendingChildren(context) > 0,
    childrenFailedUnderWaitAll: ({ context }) =>
      context.failurePolicy === "wait-all" && failedChildren(context) > 0,
    failsFast: ({ context, event }) => {
      const settled = as(event, "job.child.settled");
      return (
        context.failurePolicy === "fail-fast" &&
        settled !== undefined &&
        settled.state !== "succeeded" &&
        context.children[settled.childId] === "pending"
      );
    },
    allChildrenSettled: ({ context }) => pendingChildren(context) === 0,
    joinFailed: ({ context }) =>
      pendingChildren(context) === 0 && context.failurePolicy === "wait-all" && failedChildren(context) > 0,
    rerunsOnInterrupt: ({ context }) => context.interruptPolicy === "rerun",
  },
  actions: {
    beginAttempt: assign({
      attempts: ({ context }) => context.attempts + 1,
      progress: () => ({ percent: 0, message: "" }),
      ownProgress: false,
      retryDelayMs: null,
      error: null,
    }),
    spawnWork: spawnChild("work", {
      id: "work",
      input: ({ context }: { context: JobContext }) => ({ input: context.input, attempt: context.attempts }),
    }),
    stopWork: stopChild("work"),
    recordProgress: assign(({ context, event }) => {
      const e = as(event, "job.progress");
      if (!e) return {};
      const percent =
        typeof e.percent === "number" && Number.isFinite(e.percent)
          ? Math.max(context.progress.percent, Math.min(100, Math.max(0, e.percent)))
          : context.progress.percent;
      return {
        progress: { percent, message: e.message ?? context.progress.message },
        ownProgress: context.ownProgress || typeof e.percent === "number",
      };
    }),
    openPrompt: assign({ prompt: ({ event }) => as(event, "job.prompt")?.prompt ?? null }),
    clearPrompt: assign({ prompt: null }),
    completeProgress: assign({ progress: ({ context }) => ({ ...context.progress, percent: 100 }) }),
    recordAnswer: assign({
      answers: ({ context, event }) => [...context.answers, as(event, "job.answer")?.button ?? -1],
    }),
    takeDefaultAnswer: assign({
      answers: ({ context }) => [...context.answers, context.prompt?.defaultButton ?? -1],
    }),
    forwardAnswer: sendTo("work", ({ context }) => ({
      type: "work.answer",
      button: context.answers[context.answers.length - 1] ?? -1,
    })),
    forwardCancel: sendTo("work", { type: "work.cancel" }),
    markCancelRequested: assign({ cancelRequested: true }),
    storeResult: assign({ result: ({ event }) => as(event, "job.succeed")?.result ?? null }),
    storeError: assign({ error: ({ event }) => failureOf(event) }),
    failForChildren: assign({
      error: ({ context }) => ({
        code: "CHILD_FAILED",
        message: `${failedChildren(context)} of ${Object.keys(context.children).length} sub-jobs did not succeed`,
      }),
    }),
    scheduleRetry: assign({
      retryDelayMs: ({ context }) => backoffDelay(context.backoff, context.attempts),
    }),
    refundAttempt: assign({ attempts: ({ context }) => Math.max(0, context.attempts - 1), retryDelayMs: 0 }),
    addChildren: assign({
      children: ({ context, event }) => {
        const ids = as(event, "job.children.added")?.ids ?? [];
        const next = { ...context.children };
        for (const id of ids) next[id] ??= "pending";
        return next;
      },
    }),
    recordChild: assign({
      children: ({ context, event }) => {
        const e = as(event, "job.child.settled");
        if (!e || context.children[e.childId] !== "pending") return context.children;
        return { ...context.children, [e.childId]: e.state };
      },
    }),
  },
}).createMachine({
  id: "job",
  initial: "queued",
  context: ({ input }) => ({
    ...input,
    attempts: 0,
    progress: { percent: 0, message: "" },
    ownProgress: false,
    prompt: null,
    answers: [],
    result: null,
    error: null,
    children: {},
    cancelRequested: false,
    retryDelayMs: null,
  }),
  on: {
    "job.children.added": { actions: "addChildren" },
  },
  states: {
    queued: {
      entry: "clearPrompt",
      on: {
        "job.start": { target: "running", actions: "beginAttempt" },
        "job.cancel": { target: "canceled", actions: "markCancelRequested" },
        "job.child.settled": { actions: "recordChild" },
      },
    },
    running: {
      entry: "spawnWork",
      initial: "working",
      states: {
        working: {
          entry: "clearPrompt",
          on: { "job.prompt": { target: "waiting", actions: "openPrompt" } },
        },
        waiting: {
          on: {
            "job.answer": { guard: "isValidAnswer", target: "working", actions: ["recordAnswer", "forwardAnswer"] },
            "job.prompt.expired": [
              { guard: "hasDefaultButton", target: "working", actions: ["takeDefaultAnswer", "forwardAnswer"] },
              { target: "#job.failed", actions: ["stopWork", "storeError"] },
            ],
          },
        },
        joining: {
          entry: "clearPrompt",
          on: { "job.cancel": { target: "#job.canceled", actions: "markCancelRequested" } },
          always: [
            { guard: "joinFailed", target: "#job.failed", actions: "failForChildren" },
            { guard: "allChildrenSettled", target: "#job.succeeded" },
          ],
        },
      },
      on: {
        "job.progress": { actions: "recordProgress" },
        "job.succeed": [
          { guard: "childrenPending", target: ".joining", actions: ["storeResult", "stopWork"] },
          { guard: "childrenFailedUnderWaitAll", target: "failed", actions: ["storeResult", "stopWork", "failForChildren"] },
          { target: "succeeded", actions: ["storeResult", "stopWork"] },
        ],
        "job.fail": [
          { guard: "canRetry", target: "queued", actions: ["stopWork", "storeError", "scheduleRetry"] },
          { target: "failed", actions: ["stopWork", "storeError"] },
        ],
        "job.timeout": [
          { guard: "canRetry", target: "queued", actions: ["stopWork", "storeError", "scheduleRetry"] },
          { target: "failed", actions: ["stopWork", "storeError"] },
        ],
        "job.lease.expired": [
          { guard: "canRetry", target: "queued", actions: ["stopWork", "storeError", "scheduleRetry"] },
          { target: "failed", actions: ["stopWork", "storeError"] },
        ],
        "job.interrupted": [
          { guard: "rerunsOnInterrupt", target: "queued", actions: ["stopWork", "refundAttempt"] },
          { target: "failed", actions: ["stopWork", "storeError"] },
        ],
        "job.cancel": { target: "cancelling", actions: ["markCancelRequested", "forwardCancel"] },
        "job.child.settled": [
          { guard: "failsFast", target: "failed", actions: ["recordChild", "stopWork", "failForChildren"] },
          { actions: "recordChild" },
        ],
      },
    },
    cancelling: {
      entry: "clearPrompt",
      on: {
        "job.progress": { actions: "recordProgress" },
        "job.stopped": { target: "canceled", actions: "stopWork" },
        "job.cancel.expired": { target: "canceled", actions: "stopWork" },
        "job.interrupted": { target: "canceled", actions: "stopWork" },
        "job.lease.expired": { target: "canceled", actions: "stopWork" },
        "job.succeed": { target: "succeeded", actions: ["storeResult", "stopWork"] },
        "job.fail": { target: "failed", actions: ["storeError", "stopWork"] },
        "job.timeout": { target: "canceled", actions: "stopWork" },
        "job.child.settled": { actions: "recordChild" },
      },
    },
    succeeded: { type: "final", entry: ["clearPrompt", "completeProgress"] },
    failed: { type: "final", entry: "clearPrompt" },
    canceled: { type: "final", entry: "clearPrompt" },
  },
});

export type JobMachine = typeof jobMachine;
