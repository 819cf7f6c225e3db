/**
 * `x-arango-async` on any request jobd serves. `store` queues the request as an `arango.request` job
 * and answers 202 with `x-arango-async-id`; `true` queues it fire-and-forget (202, no id, never
 * listed); any other value leaves the request to be served as usual. The match is exact.
 */
import type { RouteHandler, SurfaceContext } from "../../context.ts";
import type { Takeover } from "../../route-wrapper.ts";
import { caller, namespaceFor, requireWrite } from "./access.ts";
import { toArangoError } from "./error-hook.ts";
import { queueFull } from "./errors.ts";
import { ARANGO_KIND, dropEntry, pendingCount } from "./entries.ts";
import { ASYNC_HEADER, ASYNC_ID_HEADER, captureRequest } from "./wire.ts";

const ACCEPTED_HEADERS = { "content-type": "text/plain; charset=utf-8" };

/**
 * `x-arango-async` in front of the router: the app's route wrapper (route-wrapper.ts) asks this first
 * for each request, and a request without the header goes straight to its route.
 *
 * An `onRequest` hook would do the same, but any request hook makes Elysia build every request's
 * context before routing, including `request.url` as a string: ~1.5 µs a request on top of the header
 * read, for a header that almost no request carries.
 */
export const queueAsyncRequests = (ctx: SurfaceContext): Takeover => {
  // These answers never reach a route or its counting, so they are counted here, under the header
  // that queued them as their route label.
  const queued =
    (mode: "store" | "true"): RouteHandler =>
    (request) =>
      queue(ctx, request, mode).then((res) => {
        ctx.http.count(request.method, ASYNC_HEADER, res.status);
        return res;
      });
  const stored = queued("store");
  const fireAndForget = queued("true");
  return (request) => {
    const mode = request.headers.get(ASYNC_HEADER);
    return mode === "store" ? stored : mode === "true" ? fireAndForget : undefined;
  };
};

async function queue(ctx: SurfaceContext, request: Request, mode: "store" | "true"): Promise<Response> {
  try {
    // Authentication comes before queueing: a request that would get 401 creates no job.
    const principal = caller(ctx, request);
    requireWrite(principal);
    if (pendingCount(ctx.engine) >= ctx.options.arangoMaxPending) throw queueFull();
    const input = await captureRequest(request);
    const job = await ctx.engine.create(
      {
        type: ARANGO_KIND,
        description: `${input.method} ${input.path}`.slice(0, 1000),
        namespace: namespaceFor(principal),
        input,
        maxAttempts: 1,
      },
      { owner: principal.name },
    );
    if (mode === "true") {
      dropEntry(ctx.engine, job.id);
      await ctx.engine.committed();
      return new Response(null, { status: 202, headers: ACCEPTED_HEADERS });
    }
    return new Response(null, { status: 202, headers: { ...ACCEPTED_HEADERS, [ASYNC_ID_HEADER]: String(job.seq) } });
  } catch (error) {
    return toArangoError("QUEUE", error, ctx).toResponse();
  }
}
