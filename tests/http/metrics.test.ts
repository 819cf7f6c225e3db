import { expect, test } from "bun:test";
import { eachTarget, type Target } from "../helpers/target.ts";

const value = (lines: string[], prefix: string) => {
  const line = lines.find((l) => l.startsWith(prefix));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(" ") + 1));
};

// In process every request goes through Elysia's own router; the binary's go through Bun's, where
// each route has its own handler. The counts must be the same either way.
eachTarget("metrics", (current: () => Target) => {
  const scrape = async () => (await (await current().fetch("/metrics")).text()).split("\n");

  test("/metrics is Prometheus text and its values move with the work", async () => {
    const res = await current().fetch("/metrics");
    expect(res.headers.get("content-type")).toContain("text/plain");
    const before = await scrape();
    const waitingBefore = value(before, 'jobd_jobs{state="waiting",type="script"}');
    const created = value(before, 'jobd_http_requests_total{method="POST",route="/api/v1/jobs/",status="201"}');

    const job = await current().createJob({ type: "script", input: { steps: [{ prompt: "q", buttons: ["a"] }] } });
    await current().createJob({ type: "script" });
    await current().fetch("/api/v1/jobs", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const mid = await scrape();
    expect(value(mid, 'jobd_jobs{state="waiting",type="script"}')).toBe(waitingBefore + 1);
    expect(value(mid, 'jobd_http_requests_total{method="POST",route="/api/v1/jobs/",status="201"}')).toBe(created + 2);
    expect(value(mid, 'jobd_http_requests_total{method="POST",route="/api/v1/jobs/",status="400"}')).toBeGreaterThanOrEqual(1);
    expect(value(mid, "jobd_store_commit_batch_size_count")).toBeGreaterThan(0);
    expect(value(mid, 'jobd_transitions_total{event="job.prompt"}')).toBeGreaterThanOrEqual(1);

    await current().fetch(`/api/v1/jobs/${job.id}/answer`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"button":0}' });
    const after = await scrape();
    expect(value(after, 'jobd_jobs{state="waiting",type="script"}')).toBe(waitingBefore);
    expect(value(after, "jobd_run_time_seconds_count")).toBeGreaterThanOrEqual(2);
    expect(value(after, "jobd_sse_clients")).toBe(0);
  });

  test("HTTP counts cover every way a request ends: answers, each dialect's errors, queued and unmatched requests", async () => {
    const before = await scrape();
    const key = (method: string, route: string, status: number) =>
      `jobd_http_requests_total{method="${method}",route="${route}",status="${status}"}`;
    const cases: [string, RequestInit, string, string, number][] = [
      ["/jobs/not-a-guid", {}, "GET", "/jobs/:id", 400],
      [`/v1/${"a".repeat(32)}/jobs/${"0".repeat(32)}`, {}, "GET", "/v1/:project_id/jobs/:job_id", 404],
      ["/api/2.0/jobs/", { method: "POST", body: "{}" }, "POST", "/api/2.0/jobs/", 405],
      ["/_api/job/12345678", {}, "GET", "/_api/job/:id", 404],
      ["/no/such/route", {}, "GET", "unmatched", 404],
      ["/healthz", {}, "GET", "/healthz", 200],
      // One route, many paths: the label is the template, whichever path came first.
      ["/api/v1/jobs/01890000-0000-7000-8000-000000000001", {}, "GET", "/api/v1/jobs/:id", 404],
      ["/api/v1/jobs/01890000-0000-7000-8000-000000000002", {}, "GET", "/api/v1/jobs/:id", 404],
      ["/api/v1/jobs/01890000-0000-7000-8000-000000000003/log", {}, "GET", "/api/v1/jobs/:id/log", 404],
      ["/api/v1/jobs/?limit=1", {}, "GET", "/api/v1/jobs/", 200],
      ["/api/v1/jobs?limit=2", {}, "GET", "/api/v1/jobs/", 200],
    ];
    for (const [path, init, method, route, status] of cases) {
      const res = await current().fetch(path, init);
      expect(res.status).toBe(status);
      await res.arrayBuffer();
    }
    const after = await scrape();
    const expected = new Map<string, number>();
    for (const [, , method, route, status] of cases) {
      const k = key(method, route, status);
      expected.set(k, (expected.get(k) ?? value(before, k)) + 1);
    }
    for (const [k, n] of expected) expect(`${k} ${value(after, k)}`).toBe(`${k} ${n}`);
    // A request queued by x-arango-async is answered in front of the router: its route label is the header.
    const queued = key("GET", "x-arango-async", 202);
    for (const path of ["/_api/version", "/no/such/route"]) {
      const res = await current().fetch(path, { headers: { "x-arango-async": "store" } });
      expect(res.status).toBe(202);
    }
    expect(value(await scrape(), queued)).toBe(value(after, queued) + 2);
  });

  test("a /_db/{name} request is counted once, under the route that answers it without the prefix", async () => {
    const key = (route: string) => `jobd_http_requests_total{method="GET",route="${route}",status="200"}`;
    const before = await scrape();
    for (let i = 0; i < 3; i++) expect((await current().fetch("/_db/_system/_api/version")).status).toBe(200);
    const after = await scrape();
    expect(value(after, key("/_api/version")) - value(before, key("/_api/version"))).toBe(3);
    expect(value(after, key("unmatched")) - value(before, key("unmatched"))).toBe(0);
  });

  test("a queued request is counted once, when queued: its replay is not counted again", async () => {
    const key = (method: string, route: string, status: number) => `jobd_http_requests_total{method="${method}",route="${route}",status="${status}"}`;
    const listed = key("GET", "/api/v1/jobs/", 200);
    const before = await scrape();
    // Without and with the /_db/{name} prefix drivers send.
    for (const path of ["/api/v1/jobs?limit=1", "/_db/_system/api/v1/jobs?limit=1"]) {
      const res = await current().fetch(path, { headers: { "x-arango-async": "store" } });
      expect(res.status).toBe(202);
      const id = res.headers.get("x-arango-async-id");
      let fetched: Response | undefined;
      for (let i = 0; i < 200 && !fetched; i++) {
        const r = await current().fetch(`/_api/job/${id}`, { method: "PUT" });
        if (r.status !== 204) fetched = r;
        else await Bun.sleep(10);
      }
      expect(fetched?.status).toBe(200);
    }
    const after = await scrape();
    expect(value(after, key("GET", "x-arango-async", 202)) - value(before, key("GET", "x-arango-async", 202))).toBe(2);
    expect(value(after, listed) - value(before, listed)).toBe(0);
    expect(value(after, key("GET", "unmatched", 200)) - value(before, key("GET", "unmatched", 200))).toBe(0);
  });

  test("HEAD is counted under the GET route's template, also when a route's first request is a HEAD", async () => {
    const job = await current().createJob({ type: "test.external", namespace: "heads", input: {} });
    const key = (method: string, route: string) => `jobd_http_requests_total{method="${method}",route="${route}",status="200"}`;
    // Routes no other test here reads: their first request is the HEAD.
    const routes: [string, string][] = [
      [`/api/v1/jobs/${job.id}/children`, "/api/v1/jobs/:id/children"],
      [`/api/databases/heads/jobs/${job.id}`, "/api/databases/:dbid/jobs/:job"],
      [`/api/2.0/jobs/${job.id}/`, "/api/2.0/jobs/:uuid/"],
    ];
    const before = await scrape();
    for (const [path] of routes) {
      for (const method of ["HEAD", "GET", "GET"]) {
        const res = await current().fetch(path, { method });
        expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 200`);
        await res.arrayBuffer();
      }
    }
    const after = await scrape();
    for (const [, route] of routes) {
      expect(`${route} HEAD ${value(after, key("HEAD", route)) - value(before, key("HEAD", route))}`).toBe(`${route} HEAD 1`);
      expect(`${route} GET ${value(after, key("GET", route)) - value(before, key("GET", route))}`).toBe(`${route} GET 2`);
    }
  });
});
