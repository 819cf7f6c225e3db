import { Elysia } from "elysia";
import { Authenticator } from "../auth/index.ts";
import { Leases, type Engine } from "../engine/index.ts";
import { JobdError } from "../errors.ts";
import { DEFAULT_HTTP_OPTIONS, type HttpOptions, type SurfaceContext } from "./context.ts";
import { arangoDialect, queueAsyncRequests } from "./dialects/arango.ts";
import { cloudsigmaDialect } from "./dialects/cloudsigma.ts";
import { databasesDialect } from "./dialects/databases.ts";
import { imsDialect } from "./dialects/ims.ts";
import { jobsDialect } from "./dialects/jobs.ts";
import { docs } from "./docs.ts";
import { toSafeError } from "./errors.ts";
import { health } from "./health.ts";
import { HttpMetrics, metricsSurface } from "./metrics.ts";
import { RouteLabels, type RouteTemplate } from "./route-labels.ts";
import { routeWrapper, withHeaders } from "./route-wrapper.ts";
import { nativeEvents } from "./native/events.ts";
import { nativeJobs } from "./native/jobs.ts";
import { nativeMachines } from "./native/machines.ts";
import { nativeWhoami } from "./native/whoami.ts";
import { uiSurface } from "./ui.ts";
import { workerApi } from "./workers.ts";

export interface AppOptions {
  engine: Engine;
  auth?: Authenticator;
  options?: Partial<HttpOptions>;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface AppState {
  /** Open event streams; `closing` ends them all when jobd shuts down. */
  sse: { clients: number; closing: AbortController };
  http: HttpMetrics;
}

/** Every surface, wired on one screen. Each dialect keeps its own error envelope. */
export function createApp({ engine, auth = new Authenticator([]), options = {}, log = () => {} }: AppOptions) {
  const state: AppState = { sse: { clients: 0, closing: new AbortController() }, http: new HttpMetrics() };
  let handle: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
  // Read on first use, once every surface has added its routes.
  const routes: RouteLabels = new RouteLabels((): readonly RouteTemplate[] => app.routes);
  const ctx: SurfaceContext = {
    engine,
    auth,
    options: { ...DEFAULT_HTTP_OPTIONS, ...options },
    handle: (request) => handle(request),
    log,
    http: state.http,
    routes,
  };
  // Worker leases; `leases.close()` ends their long polls so that a shutdown need not wait for them.
  const leases = new Leases(engine, ctx.options.leaseMs);
  // ctx is complete before any surface reads it; `handle` is bound once the app exists.
  const native = new Elysia({ name: "native" })
    .onError(({ code, error, set }) => {
      const safe = toSafeError(code, error, (e) => log("unhandled error", { error: String(e) }));
      set.status = safe.status;
      if (safe.status === 401) set.headers["www-authenticate"] = 'Bearer realm="jobd"';
      return { error: { code: safe.code, message: safe.message } };
    })
    .use(nativeJobs(ctx))
    .use(nativeEvents(ctx, state.sse))
    .use(nativeMachines(ctx))
    .use(nativeWhoami(ctx))
    .use(workerApi(ctx, leases));

  // normalize: false — schemas reject unknown fields instead of silently dropping them.
  const app = new Elysia({ normalize: false })
    // One wrapper around each route's handler: `x-arango-async` may take any request jobd serves
    // (and counts what it queues itself); every other answer is counted as it leaves its route.
    .wrap(routeWrapper(routes, state.http, queueAsyncRequests(ctx)) as unknown as Parameters<Elysia["wrap"]>[0])
    .use(arangoDialect(ctx))
    .use(health(engine))
    .use(metricsSurface(ctx, state.http, state.sse))
    .use(docs())
    .use(native)
    .use(jobsDialect(ctx))
    .use(databasesDialect(ctx))
    .use(imsDialect(ctx))
    .use(cloudsigmaDialect(ctx))
    .use(uiSurface(ctx))
    .onError(({ code, error, set, route, request }) => {
      // Routes that no surface claims, and anything a surface let through. A path jobd serves for
      // other methods is 405 with those methods in Allow.
      if (code === "NOT_FOUND" && route === undefined) {
        const allowed = routes.methods(request.url);
        if (allowed.length > 0 && !allowed.includes(request.method)) {
          const allow = allowed.join(", ");
          set.headers.allow = allow;
          error = new JobdError("METHOD_NOT_ALLOWED", `${request.method} is not allowed here; allowed: ${allow}`);
        }
      }
      const safe = toSafeError(code, error, (e) => log("unhandled error", { error: String(e) }));
      set.status = safe.status;
      return { error: { code: safe.code, message: safe.message } };
    });
  // In process (the ArangoDB replay, tests), answers come with their headers read: a kept answer's
  // content type is its Blob's, which Bun fills in when the headers are first read, and never once the
  // body was read (json-memo.ts). Bun.serve does not go through `handle`.
  const handleRoutes = app.handle;
  app.handle = (request) => handleRoutes(request).then(withHeaders);
  handle = (request) => app.handle(request);
  return { app, state, ctx, leases };
}

export type App = ReturnType<typeof createApp>["app"];
