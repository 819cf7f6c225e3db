import { Elysia } from "elysia";
import type { Histogram } from "../engine/metrics.ts";
import type { SurfaceContext } from "./context.ts";

export interface Counter {
  n: number;
}

/**
 * HTTP requests by route template and status. Kept as nested maps so that counting a request builds
 * no key: the method and route strings are the same objects on every request, and the status is a
 * number. Every answer is counted as it leaves its route (`routeWrapper`, route-wrapper.ts).
 */
export class HttpMetrics {
  private readonly counts = new Map<string, Map<string, Map<number, Counter>>>();
  /**
   * Requests not to count: one answered by another request made from it (a `/_db/{name}` path without
   * the prefix), which is counted in its place, and replays of queued requests, counted when queued.
   */
  private readonly passed = new WeakSet<Request>();

  count(method: string, route: string, status: number): void {
    this.counter(method, route, status).n++;
  }

  /** The one counter of a method, route and status; a caller may keep it and add to it directly. */
  counter(method: string, route: string, status: number): Counter {
    let routes = this.counts.get(method);
    if (!routes) this.counts.set(method, (routes = new Map()));
    let statuses = routes.get(route);
    if (!statuses) routes.set(route, (statuses = new Map()));
    let counter = statuses.get(status);
    if (!counter) statuses.set(status, (counter = { n: 0 }));
    return counter;
  }

  /** `request` is not counted as it leaves its route (see `passed`). Only requests made in process. */
  passOn(request: Request): void {
    this.passed.add(request);
  }

  passedOn(request: Request): boolean {
    return this.passed.has(request);
  }

  *requests(): Generator<{ method: string; route: string; status: number; n: number }> {
    for (const [method, routes] of this.counts)
      for (const [route, statuses] of routes) for (const [status, { n }] of statuses) yield { method, route, status, n };
  }
}

const esc = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${esc(v)}"`)
    .join(",")}}`;

function histogram(out: string[], name: string, help: string, h: Histogram): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
  h.buckets.forEach((b, i) => out.push(`${name}_bucket{le="${b}"} ${h.counts[i] ?? 0}`));
  out.push(`${name}_bucket{le="+Inf"} ${h.count}`, `${name}_sum ${h.sum}`, `${name}_count ${h.count}`);
}

/** Prometheus text exposition of what the engine and the HTTP layer count. */
export function renderMetrics(ctx: SurfaceContext, http: HttpMetrics, sseClients: number): string {
  const m = ctx.engine.metrics;
  const out: string[] = [];
  out.push("# HELP jobd_jobs Jobs stored, by state and type.", "# TYPE jobd_jobs gauge");
  for (const row of m.jobsByStateAndType()) out.push(`jobd_jobs${labels({ state: row.state, type: row.type })} ${row.count}`);
  out.push("# HELP jobd_transitions_total Transitions committed, by event.", "# TYPE jobd_transitions_total counter");
  for (const [event, n] of m.transitions) out.push(`jobd_transitions_total${labels({ event })} ${n}`);
  histogram(out, "jobd_queue_wait_seconds", "Time from due to started.", m.queueWait);
  histogram(out, "jobd_run_time_seconds", "Time from started to finished.", m.runTime);
  histogram(out, "jobd_store_commit_milliseconds", "Group commit latency.", m.commitLatency);
  histogram(out, "jobd_store_commit_batch_size", "Writes per group commit.", m.commitBatch);
  out.push("# HELP jobd_http_requests_total HTTP requests, by method, route and status.", "# TYPE jobd_http_requests_total counter");
  for (const { method, route, status, n } of http.requests()) {
    out.push(`jobd_http_requests_total${labels({ method, route, status: String(status) })} ${n}`);
  }
  out.push("# HELP jobd_leases_active Jobs held by external workers.", "# TYPE jobd_leases_active gauge");
  out.push(`jobd_leases_active ${ctx.engine.activeLeases()}`);
  out.push("# HELP jobd_actors_live Job actors in memory.", "# TYPE jobd_actors_live gauge");
  out.push(`jobd_actors_live ${ctx.engine.liveCount()}`);
  const checkpoints = ctx.engine.checkpointing();
  out.push("# HELP jobd_store_checkpoint_thread 1 when WAL checkpoints run on their own thread.", "# TYPE jobd_store_checkpoint_thread gauge");
  out.push(`jobd_store_checkpoint_thread ${checkpoints.thread ? 1 : 0}`);
  out.push("# HELP jobd_store_checkpoints_total WAL checkpoints run by the checkpoint thread.", "# TYPE jobd_store_checkpoints_total counter");
  out.push(`jobd_store_checkpoints_total ${checkpoints.checkpoints}`);
  out.push("# HELP jobd_store_wal_frames Frames in the WAL after the last checkpoint.", "# TYPE jobd_store_wal_frames gauge");
  out.push(`jobd_store_wal_frames ${checkpoints.walFrames}`);
  out.push("# HELP jobd_sse_clients Connected event-stream clients.", "# TYPE jobd_sse_clients gauge");
  out.push(`jobd_sse_clients ${sseClients}`);
  return `${out.join("\n")}\n`;
}

/**
 * With tokens on, /metrics takes a Bearer token that reaches every namespace (the counts cover them
 * all); a scraper's token may be read-only. Errors are plain text, as Prometheus shows them.
 */
export const metricsSurface = (ctx: SurfaceContext, http: HttpMetrics, sse: { clients: number; closing: AbortController }) =>
  new Elysia({ name: "metrics" }).get(
    "/metrics",
    ({ request }) => {
      const text = { "content-type": "text/plain; charset=utf-8" };
      try {
        const principal = ctx.auth.authenticate(request, ["bearer"]);
        if (principal.namespaces !== "*") {
          return new Response("this token does not reach every namespace\n", { status: 403, headers: text });
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : "credentials are required";
        return new Response(`${message}\n`, { status: 401, headers: { ...text, "www-authenticate": 'Bearer realm="jobd"' } });
      }
      return new Response(renderMetrics(ctx, http, sse.clients), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
      });
    },
    { detail: { summary: "Prometheus metrics", description: "Bearer token (reaching every namespace) when tokens are on.", tags: ["operations"] } },
  );
