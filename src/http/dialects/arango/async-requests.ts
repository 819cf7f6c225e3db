/**
 * `x-arango-async` on any request jobd serves. `store` queues the request as an `arango.request` job
 * and answers 202 with `x-arango-async-id`; `true` queues it fire-and-forget (202, no id, never
 * listed); any other value leaves the request to be served as usual. The match is exact.
 */
import type { SurfaceContext } from "../../context.ts";
import { caller, namespaceFor, requireWrite } from "./access.ts";
import { toArangoError } from "./error-hook.ts";
import { queueFull } from "./errors.ts";
import { ARANGO_KIND, dropEntry, pendingCount } from "./entries.ts";
import { ASYNC_HEADER, ASYNC_ID_HEADER, captureRequest } from "./wire.ts";

const ACCEPTED_HEADERS = { "content-type": "text/plain; charset=utf-8" };

type RequestHook = (c: { request: Request; route?: string }) => Promise<Response> | undefined;

/**
 * The global onRequest hook: a Response for queued requests, undefined for everything else.
 *
 * The hook itself is synchronous, so that the many requests without the header do not wait for a
 * microtask; only a queued request gets a promise. Elysia guesses from a hook's source text whether
 * to await it (and the guess makes every request async), so the hook says `isAsync: false` itself.
 */
export const queueAsyncRequests = (ctx: SurfaceContext): { fn: RequestHook; isAsync: false } => ({
  fn: ({ request, route }) => {
    const mode = request.headers.get(ASYNC_HEADER);
    if (mode !== "store" && mode !== "true") return undefined;
    // An answer from a request hook skips the after-response hook that counts the others.
    return queue(ctx, request, mode).then((res) => {
      ctx.http.count(request.method, route || "unmatched", res.status);
      return res;
    });
  },
  isAsync: false,
});

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
