/**
 * Dialect 001: ArangoDB's async jobs (`x-arango-async` + `/_api/job`), and the async gateway.
 *
 * `queueAsyncRequests` sees every request first (any of them may be queued; the app's route wrapper
 * asks it), and the dialect's NOT_FOUND hook sees every request no route claims (`/_db/{name}` prefix,
 * `--upstream`). Jobs are `arango.request` jobs; the dialect lists only those, by their `seq`. See
 * docs/dialects/arango.md.
 */
import { Elysia } from "elysia";
import type { SurfaceContext } from "../context.ts";
import { forgetDropped } from "./arango/entries.ts";
import { unmatchedRequests } from "./arango/gateway.ts";
import { jobRoutes } from "./arango/job-routes.ts";
import { registerArangoKind } from "./arango/kind.ts";
import { systemRoutes } from "./arango/system-routes.ts";

export { queueAsyncRequests } from "./arango/async-requests.ts";

export const arangoDialect = (ctx: SurfaceContext) => {
  registerArangoKind(ctx);
  forgetDropped(ctx.engine);
  const unmatched = unmatchedRequests(ctx);
  return (
    new Elysia({ name: "dialect-arango" })
      // `route` is unset only when no route matched: a route's own 404 is left to its surface.
      // The hook must be `async` itself: Elysia awaits only handlers it can see are async.
      .onError({ as: "global" }, async ({ code, route, request }) =>
        code === "NOT_FOUND" && route === undefined ? await unmatched(request) : undefined,
      )
      .use(jobRoutes(ctx, "/_api/job"))
      .use(jobRoutes(ctx, "/_admin/job"))
      .use(systemRoutes(ctx))
  );
};
