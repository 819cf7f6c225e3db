/**
 * The `http` kind: one HTTP request whose response becomes the result. 5xx answers and transport
 * errors (timeouts included) fail the attempt as retryable; other answers succeed with
 * `{ status, headers, body }`. The request itself is the `request` actor, provided by the engine; when
 * it fails with an `HttpRequestError` (a refusal by policy, a name that did not resolve), that error's
 * code and retryability are kept, so a refusal that no retry can change ends the job at once.
 */
import { fromPromise, sendParent, setup, type DoneActorEvent, type ErrorActorEvent } from "xstate";
import type { WorkCommand } from "./job.ts";

export const HTTP_MACHINE_VERSION = 1;

export interface HttpRequestInput {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
}

/** A failure of the request that knows its own code and whether another attempt could succeed. */
export class HttpRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "HttpRequestError";
  }
}

export interface HttpResponseValue {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export const httpMachine = setup({
  types: {
    context: {} as { request: HttpRequestInput },
    events: {} as WorkCommand,
    input: {} as { input: unknown; attempt: number },
  },
  actors: {
    // Replaced by the engine; without it a request cannot leave the process.
    request: fromPromise<HttpResponseValue, HttpRequestInput>(async () => {
      throw new Error("no HTTP client provided");
    }),
  },
  actions: {
    reportResponse: sendParent(({ event }) => {
      const response = (event as unknown as DoneActorEvent<HttpResponseValue>).output;
      return response.status >= 500
        ? {
            type: "job.fail",
            error: { code: "HTTP_5XX", message: `upstream answered ${response.status}`, details: response },
            retryable: true,
          }
        : { type: "job.succeed", result: response };
    }),
    reportError: sendParent(({ event }) => {
      const error = (event as unknown as ErrorActorEvent).error;
      if (error instanceof HttpRequestError) {
        return { type: "job.fail", error: { code: error.code, message: error.message }, retryable: error.retryable };
      }
      const message = error instanceof Error ? error.message : "request failed";
      return { type: "job.fail", error: { code: "HTTP_ERROR", message }, retryable: true };
    }),
    acknowledgeCancel: sendParent({ type: "job.stopped" }),
  },
}).createMachine({
  id: "http",
  context: ({ input }) => ({ request: input.input as HttpRequestInput }),
  initial: "requesting",
  on: { "work.cancel": { target: ".stopped", actions: "acknowledgeCancel" } },
  states: {
    requesting: {
      invoke: {
        src: "request",
        input: ({ context }) => context.request,
        onDone: { target: "done", actions: "reportResponse" },
        onError: { target: "done", actions: "reportError" },
      },
    },
    done: { type: "final" },
    stopped: { type: "final" },
  },
});
