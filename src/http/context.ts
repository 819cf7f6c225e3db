import type { Authenticator } from "../auth/index.ts";
import type { Engine } from "../engine/index.ts";
import type { DatabasesJobTable } from "./dialects/databases/config.ts";
import type { HttpMetrics } from "./metrics.ts";
import type { RouteLabels } from "./route-labels.ts";

/** Elysia's handler for one request, as the app's wrappers (`app.wrap`) see and return it. */
export type RouteHandler = (request: Request) => Response | Promise<Response>;

/** Options every surface may read. Filled from `jobd serve` flags; tests pass their own. */
export interface HttpOptions {
  /** ArangoDB gateway: requests jobd does not serve itself go to this upstream (never anywhere else). */
  upstream?: string;
  /** ArangoDB dialect: past this many pending async jobs, new ones get 503 / errorNum 21003. */
  arangoMaxPending: number;
  /** Worker API: how long a lease lasts when the worker does not say (ms). */
  leaseMs: number;
  /** CentriQS dialect: job names → jobs; default: demo scripts for the names the CentriQS docs list. */
  databasesJobs?: DatabasesJobTable;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = { arangoMaxPending: 10_000, leaseMs: 60_000 };

/** What a dialect (or any surface) is given: the engine and a way back into the app itself. */
export interface SurfaceContext {
  engine: Engine;
  options: HttpOptions;
  /** Maps each surface's native credentials to a principal (a local admin when auth is off). */
  auth: Authenticator;
  /** Runs a request through the whole app, as if it came from the network (the arango async queue). */
  handle(request: Request): Promise<Response>;
  log(message: string, fields?: Record<string, unknown>): void;
  /** HTTP counts, for answers the route wrapper does not count (a queued x-arango-async request). */
  http: HttpMetrics;
  /** The app's routes by method and path template. */
  routes: RouteLabels;
}
