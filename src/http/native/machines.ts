import { Elysia, t } from "elysia";
import { notFound } from "../../errors.ts";
import { KindGraphs, toMermaid, toSvg, type LaidOutGraph } from "../../graph/index.ts";
import type { SurfaceContext } from "../context.ts";
import { visibleRecord } from "./access.ts";
import { ErrorSchema, IdParams } from "./schemas.ts";

const FormatQuery = t.Object({
  format: t.Optional(
    t.Union([t.Literal("json"), t.Literal("mermaid"), t.Literal("svg")], {
      description: "json (default: nodes, edges, nesting and layout), mermaid (stateDiagram-v2) or svg",
    }),
  ),
});
const KindParams = t.Object({ kind: t.String({ minLength: 1, maxLength: 100 }) });

function render(graph: LaidOutGraph, format: "json" | "mermaid" | "svg" | undefined): Response | LaidOutGraph {
  if (format === "svg") {
    return new Response(toSvg(graph), { headers: { "content-type": "image/svg+xml; charset=utf-8" } });
  }
  if (format === "mermaid") {
    return new Response(toMermaid(graph), { headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  return graph;
}

/**
 * Machine graphs at /api/v1/machines: each kind's statechart (the lifecycle machine beside the kind's
 * work machine) as JSON, Mermaid or SVG, drawn from the machine definitions compiled into jobd.
 */
export const nativeMachines = (ctx: SurfaceContext) => {
  const graphs = new KindGraphs(ctx.engine.kinds);
  return new Elysia({ name: "native-machines", detail: { tags: ["machines"] } })
    // Graphs hold no job data, but they are part of the API: with tokens on, any principal may read them.
    .derive(({ request }) => ({ principal: ctx.auth.authenticate(request, ["bearer"]) }))
    .get("/api/v1/machines", () => ({ machines: graphs.list() }), {
      detail: {
        summary: "List machine kinds",
        description: "Every built-in kind, and `external` for the types external workers run.",
      },
    })
    .get(
      "/api/v1/machines/:kind",
      async ({ params, query }) => {
        const graph = graphs.graph(params.kind);
        if (!graph) throw notFound("machine");
        return render(await graph, query.format);
      },
      {
        params: KindParams,
        query: FormatQuery,
        detail: {
          summary: "A kind's statechart",
          description:
            "The lifecycle machine and the kind's work machine as one graph. States are nested nodes whose " +
            "ids are XState's (`job.running.waiting`); transitions between the same two states share an edge.",
        },
        response: { 400: ErrorSchema, 404: ErrorSchema },
      },
    )
    .get(
      "/api/v1/jobs/:id/machine",
      async ({ params, query, principal }) => {
        const record = visibleRecord(ctx.engine, principal, params.id);
        const graph = graphs.graph(graphs.kindOf(record.kind));
        if (!graph) throw notFound("machine");
        return render(await graph, query.format);
      },
      {
        params: IdParams,
        query: FormatQuery,
        detail: {
          summary: "The statechart a job runs",
          description: "The graph of the job's kind. Its lifecycle node for state value `a.b` is `job.a.b`.",
          tags: ["jobs"],
        },
        response: { 400: ErrorSchema, 404: ErrorSchema },
      },
    );
};
