import { Elysia } from "elysia";
import { Authenticator } from "../auth/index.ts";
import { Leases, type Engine } from "../engine/index.ts";
import { DEFAULT_HTTP_OPTIONS, type HttpOptions, type SurfaceContext } from "./context.ts";
import { arangoDialect } from "./dialects/arango.ts";
import { cloudsigmaDialect } from "./dialects/cloudsigma.ts";
import { databasesDialect } from "./dialects/databases.ts";
import { imsDialect } from "./dialects/ims.ts";
import { jobsDialect } from "./dialects/jobs.ts";
import { docs } from "./docs.ts";
import { toSafeError } from "./errors.ts";
import { health } from "./health.ts";
import { HttpMetrics, metricsSurface } from "./metrics.ts";
import { RouteLabels, type RouteTemplate } from "./route-labels.ts";
import { nativeEvents } from "./native/events.ts";
import { nativeJobs } from "./native/jobs.ts";
import { nativeMachines } from "./native/machines.ts";
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
  const ctx: SurfaceContext = {
    engine,
    auth,
    options: { ...DEFAULT_HTTP_OPTIONS, ...options },
    handle: (request) => handle(request),
    log,
    http: state.http,
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
    .use(workerApi(ctx, leases));

  // normalize: false — schemas reject unknown fields instead of silently dropping them.
  const labels: RouteLabels = new RouteLabels((): readonly RouteTemplate[] => app.routes);
  const app = new Elysia({ normalize: false })
    // Every answer is counted by a wrapper around each route's handler. The arango dialect's wrapper
    // (`x-arango-async`) goes around this one, and counts the requests it queues itself.
    .wrap(state.http.wrapper(labels) as unknown as Parameters<Elysia["wrap"]>[0])
    // The arango dialect goes first: `x-arango-async` applies to any request jobd serves.
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
    .onError(({ code, error, set }) => {
      // Routes that no surface claims, and anything a surface let through.
      const safe = toSafeError(code, error, (e) => log("unhandled error", { error: String(e) }));
      set.status = safe.status;
      return { error: { code: safe.code, message: safe.message } };
    });
  handle = (request) => app.handle(request);
  return { app, state, ctx, leases };
}

export type App = ReturnType<typeof createApp>["app"];
