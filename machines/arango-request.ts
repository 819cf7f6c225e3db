/**
 * The `arango.request` kind: an HTTP request that arrived with `x-arango-async: store|true` and runs
 * later. Whatever answer it gets (any status, 4xx and 5xx included) is the job's result: ArangoDB
 * calls such a job "done" whatever its outcome. Only a request that could not produce an answer at all
 * fails the job, never retried: the request may not be idempotent.
 *
 * States
 * - requesting: the `request` actor (provided by the engine side) is running the request.
 * - aborting: a cancel arrived; the request was told to abort and the job waits for it to stop. A
 *   request that still answers after the abort "finished first" and succeeds.
 * - done, stopped: final.
 *
 * The request actor is a callback actor so that it can hear the abort while it keeps running:
 * cancellation is a request, not an instant stop.
 */
import { fromCallback, sendParent, sendTo, setup } from "xstate";
import type { JobErrorValue, WorkCommand } from "./job.ts";

export const ARANGO_REQUEST_MACHINE_VERSION = 1;

/** The stored request: what replays it later. `path` carries the query string. */
export interface ArangoRequestInput {
  method: string;
  path: string;
  /** Lowercase names, hop-by-hop headers and `x-arango-async` already removed. */
  headers: [string, string][];
  body: string | null;
  bodyEncoding: "text" | "base64";
}

/** The stored response: the job's result, answered back by the job API as it was received. */
export interface ArangoResponseValue {
  status: number;
  headers: [string, string][];
  body: string | null;
  bodyEncoding: "text" | "base64";
}

/** What the request actor reports to the machine. */
export type RequestReport =
  | { type: "request.done"; response: ArangoResponseValue }
  | { type: "request.failed"; error: JobErrorValue };

/** What the machine tells the request actor. */
export type RequestCommand = { type: "request.abort" };

/** Runs one request; rejects once the signal aborted it. Supplied by the engine side. */
export type RequestRunner = (input: ArangoRequestInput, signal: AbortSignal) => Promise<ArangoResponseValue>;

/** A rejection whose `code` names the failure (e.g. RESPONSE_TOO_LARGE); anything else is REQUEST_FAILED. */
const failureOf = (error: unknown): JobErrorValue => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[A-Z_]{1,40}$/.test(code)
    ? { code, message: error instanceof Error ? error.message : "the request failed" }
    : { code: "REQUEST_FAILED", message: "the request could not be completed" };
};

/**
 * Wraps a runner as the machine's `request` actor. The run starts a microtask late, so that an actor
 * restored from a snapshot and stopped at once (jobd restarted mid-request) never sends it again.
 */
export const requestActor = (run: RequestRunner) =>
  fromCallback<RequestCommand, ArangoRequestInput>(({ input, sendBack, receive }) => {
    const controller = new AbortController();
    let stopped = false;
    receive((command) => {
      if (command.type === "request.abort") controller.abort();
    });
    queueMicrotask(() => {
      if (stopped) return;
      run(input, controller.signal).then(
        (response) => {
          if (!stopped) sendBack({ type: "request.done", response } satisfies RequestReport);
        },
        (error: unknown) => {
          if (!stopped) sendBack({ type: "request.failed", error: failureOf(error) } satisfies RequestReport);
        },
      );
    });
    return () => {
      stopped = true;
      controller.abort();
    };
  });

/** Pure input check: the shape `ArangoRequestInput` must have. */
export const checkArangoRequest = (input: unknown): string | null => {
  if (!input || typeof input !== "object" || Array.isArray(input)) return "arango.request input must be an object";
  const i = input as Record<string, unknown>;
  if (typeof i.method !== "string" || !/^[A-Za-z]{1,16}$/.test(i.method)) return "method is not valid";
  if (typeof i.path !== "string" || !i.path.startsWith("/") || i.path.length > 8192) return "path must start with / (at most 8192 characters)";
  if (!Array.isArray(i.headers) || i.headers.length > 200) return "headers must be an array of at most 200 [name, value] pairs";
  for (const h of i.headers) {
    if (!Array.isArray(h) || h.length !== 2 || typeof h[0] !== "string" || typeof h[1] !== "string") return "each header must be [name, value]";
  }
  if (i.body !== null && typeof i.body !== "string") return "body must be a string or null";
  if (i.bodyEncoding !== "text" && i.bodyEncoding !== "base64") return "bodyEncoding must be text or base64";
  return null;
};

export const arangoRequestMachine = setup({
  types: {
    context: {} as { request: ArangoRequestInput },
    events: {} as WorkCommand | RequestReport,
    input: {} as { input: unknown; attempt: number },
  },
  actors: {
    // Replaced by the engine side; without it a request cannot run.
    request: fromCallback<RequestCommand, ArangoRequestInput>(({ sendBack }) => {
      sendBack({ type: "request.failed", error: { code: "NO_RUNNER", message: "no request runner provided" } });
    }),
  },
  actions: {
    reportResponse: sendParent(({ event }) => ({
      type: "job.succeed",
      result: event.type === "request.done" ? event.response : null,
    })),
    reportFailure: sendParent(({ event }) => ({
      type: "job.fail",
      error: event.type === "request.failed" ? event.error : { code: "REQUEST_FAILED", message: "the request failed" },
      retryable: false,
    })),
    abortRequest: sendTo("request", { type: "request.abort" } satisfies RequestCommand),
    acknowledgeCancel: sendParent({ type: "job.stopped" }),
  },
}).createMachine({
  id: "arango-request",
  context: ({ input }) => ({ request: input.input as ArangoRequestInput }),
  // At the root, so the request keeps running while the machine moves from requesting to aborting.
  invoke: { id: "request", src: "request", input: ({ context }) => context.request },
  initial: "requesting",
  states: {
    requesting: {
      on: {
        "request.done": { target: "done", actions: "reportResponse" },
        "request.failed": { target: "done", actions: "reportFailure" },
        "work.cancel": { target: "aborting", actions: "abortRequest" },
      },
    },
    aborting: {
      on: {
        "request.done": { target: "done", actions: "reportResponse" },
        "request.failed": { target: "stopped", actions: "acknowledgeCancel" },
      },
    },
    done: { type: "final" },
    stopped: { type: "final" },
  },
});
