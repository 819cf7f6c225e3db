import { Elysia, t } from "elysia";
import { canSee } from "../../auth/index.ts";
import type { SurfaceContext } from "../context.ts";
import { visibleRecord } from "./access.ts";
import { NamespaceSchema } from "./schemas.ts";

const encoder = new TextEncoder();

/**
 * Server-sent events: one `transition` event per committed transition, and `progress` events, as
 * JSON. `?job=ID` narrows the stream to one job (and its direct children with `&children=true`).
 */
export const nativeEvents = ({ engine, auth }: SurfaceContext, sse: { clients: number; closing: AbortController }) =>
  new Elysia({ name: "native-events", detail: { tags: ["events"] } })
    // EventSource cannot send headers, so a browser may pass its token as ?access_token=.
    .derive(({ request }) => ({ principal: auth.authenticate(request, ["bearer", "access-token"]) }))
    .get(
    "/api/v1/events",
    ({ query, request, principal, server }) => {
      // HEAD gets the headers only: a stream that never ends would hold the request (and a client slot) forever.
      if (request.method === "HEAD") return new Response(null, { headers: { "content-type": "text/event-stream", "cache-control": "no-store" } });
      // A stream stays open for as long as the client listens; pings keep proxies from closing it.
      server?.timeout(request, 0);
      const jobId = query.job;
      // A stream narrowed to a job nobody can see would only ever be silent: that job is 404.
      if (jobId !== undefined) visibleRecord(engine, principal, jobId);
      const withChildren = query.children === "true";
      const namespace = query.namespace;
      const matches = (job: { id: string; parentId: string | null; namespace: string }) =>
        (jobId === undefined || job.id === jobId || (withChildren && job.parentId === jobId)) &&
        (namespace === undefined || job.namespace === namespace) &&
        canSee(principal, job.namespace);
      let cleanup = () => {};
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          const send = (event: string, data: unknown) => {
            try {
              controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
            } catch {
              cleanup();
            }
          };
          sse.clients++;
          const offs = [
            engine.bus.on("job:transition", ({ job, transition }) => {
              if (matches(job)) send("transition", { ...transition, state: job.state, progress: { percent: job.progressPercent, message: job.progressMessage } });
            }),
            engine.bus.on("job:progress", ({ job }) => {
              if (matches(job)) send("progress", { jobId: job.id, percent: job.progressPercent, message: job.progressMessage });
            }),
            engine.bus.on("job:created", ({ job }) => {
              if (matches(job)) send("created", { jobId: job.id, parentId: job.parentId, type: job.type, state: job.state });
            }),
          ];
          const ping = setInterval(() => send("ping", {}), 15_000);
          controller.enqueue(encoder.encode(`: connected\nretry: 2000\n\n`));
          const onAbort = () => cleanup();
          let closed = false;
          cleanup = () => {
            if (closed) return;
            closed = true;
            sse.clients--;
            clearInterval(ping);
            for (const off of offs) off();
            // The shutdown signal lives as long as the process: a listener left on it would keep every
            // closed stream's state alive.
            request.signal.removeEventListener("abort", onAbort);
            sse.closing.signal.removeEventListener("abort", onAbort);
            try {
              controller.close();
            } catch {
              // Already closed by the client.
            }
          };
          request.signal.addEventListener("abort", onAbort);
          sse.closing.signal.addEventListener("abort", onAbort);
        },
        cancel() {
          cleanup();
        },
      });
      return new Response(stream, {
        headers: { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" },
      });
    },
    {
      query: t.Object({
        job: t.Optional(t.String({ maxLength: 100, description: "only this job (404 when there is no such job)" })),
        children: t.Optional(t.Union([t.Literal("true"), t.Literal("false")], { description: "with `job`: its direct children too" })),
        namespace: t.Optional(NamespaceSchema),
        access_token: t.Optional(t.String({ maxLength: 1000, description: "the bearer token, for EventSource (which cannot send headers)" })),
      }),
      detail: { summary: "Live events (SSE)", description: "transition, progress and created events as JSON." },
    },
  );
