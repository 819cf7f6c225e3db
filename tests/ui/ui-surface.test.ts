/**
 * The UI surface and the machines API over HTTP, in process and against the binary: the shell and
 * every asset it needs are served from jobd, and the graph exports answer in each format.
 */
import { expect, test } from "bun:test";
import { eachTarget } from "../helpers/target.ts";

eachTarget("UI surface", (target) => {
  test("every UI path serves the shell, with a policy that allows nothing but jobd", async () => {
    for (const path of ["/ui", "/ui/", "/ui/jobs/0190-anything", "/ui/machines", "/ui/machines/script"]) {
      const res = await target().fetch(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/html");
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("connect-src 'self'");
      const html = await res.text();
      expect(html).toContain('<script type="module" src="/ui/assets/app.js">');
      // No address outside jobd anywhere in the page.
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });

  test("every asset the shell and the modules name is served, and nothing else", async () => {
    const seen = new Set<string>();
    const queue = ["app.js", "style.css"];
    while (queue.length > 0) {
      const file = queue.shift() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      const res = await target().fetch(`/ui/assets/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain(file.endsWith(".css") ? "text/css" : "text/javascript");
      const text = await res.text();
      expect(text).not.toMatch(/https?:\/\//);
      for (const m of text.matchAll(/from "\.\/([a-z-]+\.js)"/g)) queue.push(m[1] as string);
    }
    expect(seen.size).toBeGreaterThan(8);
    const missing = await target().fetch("/ui/assets/nope.js");
    expect(missing.status).toBe(404);
    const traversal = await target().fetch("/ui/assets/..%2F..%2Fpackage.json");
    expect(traversal.status).toBe(404);
  });
});

eachTarget("machines API", (target) => {
  const get = (path: string) => target().fetch(path);

  test("lists every built-in kind and `external`", async () => {
    const res = await get("/api/v1/machines");
    expect(res.status).toBe(200);
    const { machines } = (await res.json()) as { machines: { kind: string; version: string; inProcess: boolean }[] };
    const kinds = machines.map((m) => m.kind);
    expect(kinds).toContain("script");
    expect(kinds).toContain("http");
    expect(kinds.at(-1)).toBe("external");
    expect(machines.find((m) => m.kind === "external")?.inProcess).toBe(false);
    expect(machines.find((m) => m.kind === "script")?.version).toMatch(/^job@\d+\/script@\d+$/);
  });

  test("a kind's graph as JSON: nested nodes, labelled edges and a layout for each", async () => {
    const res = await get("/api/v1/machines/script");
    expect(res.status).toBe(200);
    const graph = (await res.json()) as {
      id: string;
      roots: string[];
      nodes: { id: string; parent: string | null }[];
      edges: { id: string; source: string; target: string; label: string[] }[];
      layout: { width: number; nodes: Record<string, unknown>; edges: Record<string, unknown> };
    };
    expect(graph.id).toBe("script");
    expect(graph.roots).toEqual(["job", "script"]);
    expect(graph.nodes.find((n) => n.id === "job.running.waiting")?.parent).toBe("job.running");
    const answer = graph.edges.find((e) => e.source === "job.running.waiting" && e.target === "job.running.working");
    expect(answer?.label).toContain("job.answer [isValidAnswer]");
    for (const n of graph.nodes) expect(graph.layout.nodes[n.id]).toBeDefined();
    for (const e of graph.edges) expect(graph.layout.edges[e.id]).toBeDefined();
    expect(graph.layout.width).toBeGreaterThan(0);
  });

  test("?format=mermaid and ?format=svg", async () => {
    const mermaid = await get("/api/v1/machines/http?format=mermaid");
    expect(mermaid.status).toBe(200);
    expect(mermaid.headers.get("content-type")).toContain("text/plain");
    const text = await mermaid.text();
    expect(text.startsWith("stateDiagram-v2")).toBe(true);
    expect(text).toContain("http_requesting --> http_done : done: request");

    const svg = await get("/api/v1/machines/external?format=svg");
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toContain("image/svg+xml");
    const body = await svg.text();
    expect(body.startsWith("<svg")).toBe(true);
    expect(body).toContain('data-node="external.leased"');
  });

  test("a job's machine is its kind's; a type no kind claims is drawn as external", async () => {
    const script = await target().createJob({ type: "script", input: { steps: [] } });
    const graph = (await (await get(`/api/v1/jobs/${script.id}/machine`)).json()) as { id: string };
    expect(graph.id).toBe("script");
    const posing = await target().createJob({ type: "drive_clone", kind: "script", input: { steps: [] } });
    expect(((await (await get(`/api/v1/jobs/${posing.id}/machine`)).json()) as { id: string }).id).toBe("script");
    const worker = await target().createJob({ type: "thumbnails" });
    const svg = await get(`/api/v1/jobs/${worker.id}/machine?format=svg`);
    expect(svg.status).toBe(200);
    expect(await svg.text()).toContain('data-node="external.leased"');
  });

  test("bad input is a clear 4xx in the native envelope", async () => {
    const cases: [string, number, string][] = [
      ["/api/v1/machines/no-such-kind", 404, "NOT_FOUND"],
      ["/api/v1/machines/script?format=png", 400, "BAD_REQUEST"],
      [`/api/v1/machines/${"x".repeat(300)}`, 400, "BAD_REQUEST"],
      ["/api/v1/jobs/01900000-0000-7000-8000-000000000000/machine", 404, "NOT_FOUND"],
      ["/api/v1/jobs/x/machine?format=gif", 400, "BAD_REQUEST"],
    ];
    for (const [path, status, code] of cases) {
      const res = await get(path);
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
  });
});
