/**
 * Dialect 001 (ArangoDB async jobs): every check of section 6 of the spec, then the choices jobd made
 * where the spec was silent, the queue bound, and the async gateway in front of a slow upstream.
 * Runs in process and against the binary.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Principal } from "../../src/auth/index.ts";
import { eachTarget, type Target } from "../helpers/target.ts";

type T = () => Target;

const NOT_FOUND = { error: true, code: 404, errorNum: 404, errorMessage: "not found" };
const BAD_PARAMETER = { error: true, code: 400, errorNum: 400, errorMessage: "bad parameter" };

/** Sends a request with `x-arango-async: store`; returns the job id. */
async function store(t: Target, path: string, init: RequestInit = {}): Promise<string> {
  const res = await t.fetch(path, { method: "PUT", ...init, headers: { ...(init.headers as Record<string, string>), "x-arango-async": "store" } });
  expect(res.status).toBe(202);
  const id = res.headers.get("x-arango-async-id");
  expect(id).toMatch(/^[1-9][0-9]*$/);
  return id ?? "";
}

/** Polls the peek route until the job is done. */
async function waitDone(t: Target, id: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.fetch(`/_api/job/${id}`);
    await res.arrayBuffer();
    if (res.status === 200) return;
    if (res.status !== 204) throw new Error(`job ${id}: ${res.status}`);
    if (Date.now() > deadline) throw new Error(`job ${id} still pending`);
    await Bun.sleep(20);
  }
}

async function list(t: Target, which: string, query = ""): Promise<string[]> {
  const res = await t.fetch(`/_api/job/${which}${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as string[];
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(20);
  }
}

/**
 * A slow request whose end the test decides: a long poll on a script job that waits for an answer.
 * The long poll does not stop when its job is cancelled, so the job stays pending until `release`.
 */
async function slowJob(t: Target): Promise<{ id: string; release: () => Promise<void> }> {
  const gate = await t.createJob({ type: "script", input: { steps: [{ prompt: "go?", buttons: ["go"] }] } });
  await t.waitFor(gate.id, (j) => j.state === "waiting");
  const id = await store(t, `/api/v1/jobs/${gate.id}/wait?timeout=60000`, { method: "GET" });
  const release = async () => {
    const res = await t.fetch(`/api/v1/jobs/${gate.id}/answer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ button: 0 }),
    });
    expect(res.status).toBe(200);
  };
  return { id, release };
}

const expectEnvelope = async (res: Response, status: number, body: Record<string, unknown>) => {
  expect(res.status).toBe(status);
  expect(await res.json()).toEqual(body);
};

eachTarget("arango dialect: section 6 checks", (target: T) => {
  test("1. x-arango-async: store → 202, empty body, numeric x-arango-async-id", async () => {
    const res = await target().fetch("/_api/version", { method: "PUT", headers: { "x-arango-async": "store" } });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe("");
    expect(res.headers.get("x-arango-async-id")).toMatch(/^[1-9][0-9]*$/);
  });

  test("2. x-arango-async: true → 202 with no id; the job runs but is never listed", async () => {
    const t = target();
    const res = await t.fetch("/_api/version", { method: "PUT", headers: { "x-arango-async": "true" } });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe("");
    expect(res.headers.get("x-arango-async-id")).toBeNull();
    // A store job sent afterwards is done after the fire-and-forget one ran: neither list shows the latter.
    const later = await store(t, "/_api/version");
    await waitDone(t, later);
    const seen = [...(await list(t, "done")), ...(await list(t, "pending"))].map(Number);
    expect(seen.filter((id) => id < Number(later) && id > Number(later) - 2)).toEqual([]);
  });

  test("3. any other value → the normal synchronous answer", async () => {
    const res = await target().fetch("/_api/version", { method: "PUT", headers: { "x-arango-async": "yes" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-arango-async-id")).toBeNull();
    expect(await res.json()).toMatchObject({ server: "arango" });
  });

  test("4. GET on a done job → 200, empty, no id header; again → still 200 (a peek)", async () => {
    const t = target();
    const id = await store(t, "/_api/version");
    await waitDone(t, id);
    for (let i = 0; i < 2; i++) {
      const res = await t.fetch(`/_api/job/${id}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("");
      expect(res.headers.get("x-arango-async-id")).toBeNull();
    }
  });

  test("5. GET /_api/job/done → ids as strings, ascending", async () => {
    const t = target();
    const a = await store(t, "/_api/version");
    const b = await store(t, "/_api/version");
    await waitDone(t, a);
    await waitDone(t, b);
    const done = await list(t, "done");
    expect(done).toContain(a);
    expect(done).toContain(b);
    for (const id of done) expect(typeof id).toBe("string");
    expect(done.map(Number)).toEqual([...done.map(Number)].sort((x, y) => x - y));
  });

  test("6. PUT /_api/job/{id} → the original response plus x-arango-async-id", async () => {
    const t = target();
    const sync = await t.fetch("/_api/version", { method: "PUT" });
    const id = await store(t, "/_api/version");
    await waitDone(t, id);
    const res = await t.fetch(`/_api/job/${id}`, { method: "PUT" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-arango-async-id")).toBe(id);
    expect(res.headers.get("content-type")).toBe(sync.headers.get("content-type"));
    expect(await res.text()).toBe(await sync.text());
  });

  test("7. a result is fetched once: then PUT/GET → 404 and the id leaves done", async () => {
    const t = target();
    const id = await store(t, "/_api/version");
    await waitDone(t, id);
    expect((await t.fetch(`/_api/job/${id}`, { method: "PUT" })).status).toBe(200);
    await expectEnvelope(await t.fetch(`/_api/job/${id}`, { method: "PUT" }), 404, NOT_FOUND);
    await expectEnvelope(await t.fetch(`/_api/job/${id}`), 404, NOT_FOUND);
    expect(await list(t, "done")).not.toContain(id);
  });

  test("8. a job whose request failed is done: its fetch is the original error, with the id header", async () => {
    const t = target();
    const id = await store(t, "/_admin/sleep?duration=not-a-number", { method: "POST" });
    await waitDone(t, id);
    expect(await list(t, "done")).toContain(id);
    const res = await t.fetch(`/_api/job/${id}`, { method: "PUT" });
    expect(res.headers.get("x-arango-async-id")).toBe(id);
    await expectEnvelope(res, 400, BAD_PARAMETER);
  });

  test("9. a slow job: GET and PUT → 204 (no id header), still pending, listed in pending", async () => {
    const t = target();
    const slow = await slowJob(t);
    const get = await t.fetch(`/_api/job/${slow.id}`);
    expect(get.status).toBe(204);
    const put = await t.fetch(`/_api/job/${slow.id}`, { method: "PUT" });
    expect(put.status).toBe(204);
    expect(put.headers.get("x-arango-async-id")).toBeNull();
    expect(await list(t, "pending")).toContain(slow.id);
    expect((await t.fetch(`/_api/job/${slow.id}`)).status).toBe(204);
    await slow.release();
    await waitDone(t, slow.id);
    expect((await t.fetch(`/_api/job/${slow.id}`, { method: "PUT" })).status).toBe(200);
  });

  test("10. cancel → 200 {result:true}; still pending at once; done (canceled) once the work stops", async () => {
    const t = target();
    const slow = await slowJob(t);
    const res = await t.fetch(`/_api/job/${slow.id}/cancel`, { method: "PUT" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: true });
    expect(await list(t, "pending")).toContain(slow.id);
    await slow.release();
    await until(async () => !(await list(t, "pending")).includes(slow.id));
    expect(await list(t, "done")).toContain(slow.id);
    const fetched = await t.fetch(`/_api/job/${slow.id}`, { method: "PUT" });
    expect(fetched.headers.get("x-arango-async-id")).toBe(slow.id);
    await expectEnvelope(fetched, 410, { error: true, code: 410, errorNum: 21, errorMessage: "canceled request" });
  });

  test("10b. a request that listens for the abort stops early: /_admin/sleep is cancelled", async () => {
    const t = target();
    const id = await store(t, "/_admin/sleep?duration=60", { method: "POST" });
    expect(await list(t, "pending")).toContain(id);
    expect((await t.fetch(`/_api/job/${id}/cancel`, { method: "PUT" })).status).toBe(200);
    await waitDone(t, id);
    expect((await t.fetch(`/_api/job/${id}`, { method: "PUT" })).status).toBe(410);
  });

  test("11. cancel of an unknown job → 404, errorNum 404", async () => {
    const res = await target().fetch("/_api/job/12345678901/cancel", { method: "PUT" });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: true, code: 404, errorNum: 404 });
  });

  test("12. PUT /_api/job/{id}/foo → 400 bad parameter", async () => {
    const t = target();
    const id = await store(t, "/_api/version");
    await expectEnvelope(await t.fetch(`/_api/job/${id}/foo`, { method: "PUT" }), 400, BAD_PARAMETER);
  });

  test("13. PUT /_api/job and /_api/job/ → 400 bad parameter", async () => {
    await expectEnvelope(await target().fetch("/_api/job", { method: "PUT" }), 400, BAD_PARAMETER);
    await expectEnvelope(await target().fetch("/_api/job/", { method: "PUT" }), 400, BAD_PARAMETER);
  });

  test("14. routing quirk: PUT foobar → 404, GET foobar → 400, GET 0 → 400", async () => {
    const t = target();
    await expectEnvelope(await t.fetch("/_api/job/foobar", { method: "PUT" }), 404, NOT_FOUND);
    await expectEnvelope(await t.fetch("/_api/job/foobar"), 400, BAD_PARAMETER);
    await expectEnvelope(await t.fetch("/_api/job/0"), 400, BAD_PARAMETER);
  });

  test("15. DELETE /_api/job/{id} → 200 {result:true}; then GET → 404", async () => {
    const t = target();
    const id = await store(t, "/_api/version");
    await waitDone(t, id);
    const res = await t.fetch(`/_api/job/${id}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: true });
    await expectEnvelope(await t.fetch(`/_api/job/${id}`), 404, NOT_FOUND);
  });

  test("16. DELETE /_api/job/AreYouThere → 404", async () => {
    await expectEnvelope(await target().fetch("/_api/job/AreYouThere", { method: "DELETE" }), 404, NOT_FOUND);
  });

  test("17. expired: no stamp → 400; stamp=1 removes nothing; stamp=now+1000 removes all", async () => {
    const t = target();
    const id = await store(t, "/_api/version");
    await waitDone(t, id);
    await expectEnvelope(await t.fetch("/_api/job/expired", { method: "DELETE" }), 400, BAD_PARAMETER);
    const old = await t.fetch("/_api/job/expired?stamp=1", { method: "DELETE" });
    expect(old.status).toBe(200);
    expect(await old.json()).toEqual({ result: true });
    expect(await list(t, "done")).toContain(id);
    const future = Date.now() / 1000 + 1000;
    expect((await t.fetch(`/_api/job/expired?stamp=${future}`, { method: "DELETE" })).status).toBe(200);
    expect(await list(t, "done")).toEqual([]);
    await expectEnvelope(await t.fetch(`/_api/job/${id}`), 404, NOT_FOUND);
  });

  test("18. DELETE /_api/job/all → 200 {result:true}; both lists empty", async () => {
    const t = target();
    const slow = await slowJob(t);
    const id = await store(t, "/_api/version");
    await waitDone(t, id);
    const res = await t.fetch("/_api/job/all", { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: true });
    expect(await list(t, "done")).toEqual([]);
    expect(await list(t, "pending")).toEqual([]);
    await slow.release();
  });

  test("19. done?count=2 of three → the two smallest ids", async () => {
    const t = target();
    await t.fetch("/_api/job/all", { method: "DELETE" });
    const ids = [await store(t, "/_api/version"), await store(t, "/_api/version"), await store(t, "/_api/version")];
    for (const id of ids) await waitDone(t, id);
    expect(await list(t, "done", "?count=2")).toEqual(ids.slice(0, 2));
    expect(await list(t, "done")).toEqual(ids);
  });

  test("20. POST /_api/job/done → 405 method not supported", async () => {
    await expectEnvelope(await target().fetch("/_api/job/done", { method: "POST" }), 405, {
      error: true,
      code: 405,
      errorNum: 405,
      errorMessage: "method not supported",
    });
  });

  // 21 needs principals: it runs below, against targets with auth on.

  test("22. /_db/_system/_api/job/done answers as /_api/job/done", async () => {
    const t = target();
    const id = await store(t, "/_api/version");
    await waitDone(t, id);
    const plain = await t.fetch("/_api/job/done");
    const prefixed = await t.fetch("/_db/_system/_api/job/done");
    expect(prefixed.status).toBe(plain.status);
    expect(await prefixed.json()).toEqual(await plain.json());
  });
});

eachTarget("arango dialect: jobd's choices", (target: T) => {
  test("/_admin/job is an alias of /_api/job", async () => {
    const t = target();
    const id = await store(t, "/_api/version");
    await waitDone(t, id);
    expect(await (await t.fetch("/_admin/job/done")).json()).toContain(id);
    const res = await t.fetch(`/_admin/job/${id}`, { method: "PUT" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-arango-async-id")).toBe(id);
  });

  test("the /_db prefix works on every route, and on the queued request itself", async () => {
    const t = target();
    const res = await t.fetch("/_db/anything/_api/version", { method: "PUT", headers: { "x-arango-async": "store" } });
    const id = res.headers.get("x-arango-async-id") ?? "";
    await waitDone(t, id);
    const fetched = await t.fetch(`/_db/_system/_api/job/${id}`, { method: "PUT" });
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toMatchObject({ server: "arango" });
    expect((await t.fetch("/_db/_system/api/v1/jobs?limit=1")).status).toBe(200);
  });

  test("GET /_api/version answers as drivers expect", async () => {
    const res = await target().fetch("/_api/version");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { server: string; version: string; license: string };
    expect(body.server).toBe("arango");
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof body.license).toBe("string");
    const details = (await (await target().fetch("/_api/version?details=true")).json()) as { details?: Record<string, string> };
    expect(details.details?.["jobd-version"]).toBeString();
  });

  test("any jobd route can be queued: a native API call becomes a job with its whole answer", async () => {
    const t = target();
    const id = await store(t, "/api/v1/jobs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "script", description: "made by a queued request", input: { steps: [] } }),
    });
    await waitDone(t, id);
    const res = await t.fetch(`/_api/job/${id}`, { method: "PUT" });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toContain("application/json");
    const created = (await res.json()) as { description: string };
    expect(created.description).toBe("made by a queued request");
  });

  test("the job is an arango.request job in the native API, its seq is the arango id", async () => {
    const t = target();
    const id = await store(t, "/_api/version?x=1", { headers: { "x-custom": "kept", connection: "keep-alive" } });
    await waitDone(t, id);
    const res = await t.fetch("/api/v1/jobs?type=arango.request&limit=1000");
    const { jobs } = (await res.json()) as { jobs: { seq: number; state: string; input: { method: string; path: string; headers: [string, string][] }; result: { status: number } }[] };
    const job = jobs.find((j) => String(j.seq) === id);
    expect(job?.state).toBe("succeeded");
    expect(job?.input.method).toBe("PUT");
    expect(job?.input.path).toBe("/_api/version?x=1");
    const names = (job?.input.headers ?? []).map(([name]) => name);
    expect(names).toContain("x-custom");
    expect(names).not.toContain("x-arango-async");
    expect(names).not.toContain("connection");
    expect(job?.result.status).toBe(200);
  });

  test("DELETE of a pending job drops the entry but the work goes on, and is removed when it ends", async () => {
    const t = target();
    const slow = await slowJob(t);
    const res = await t.fetch(`/_api/job/${slow.id}`, { method: "DELETE" });
    expect(await res.json()).toEqual({ result: true });
    expect(await list(t, "pending")).not.toContain(slow.id);
    await expectEnvelope(await t.fetch(`/_api/job/${slow.id}`), 404, NOT_FOUND);
    const native = async () => {
      const { jobs } = (await (await t.fetch("/api/v1/jobs?type=arango.request&limit=1000")).json()) as { jobs: { seq: number; state: string }[] };
      return jobs.find((j) => String(j.seq) === slow.id);
    };
    expect((await native())?.state).toBe("running");
    await slow.release();
    await until(async () => (await native()) === undefined);
    expect(await list(t, "done")).not.toContain(slow.id);
  });

  test("cancel on a done job → 200 and the result stays fetchable", async () => {
    const t = target();
    const id = await store(t, "/_api/version");
    await waitDone(t, id);
    expect(await (await t.fetch(`/_api/job/${id}/cancel`, { method: "PUT" })).json()).toEqual({ result: true });
    expect((await t.fetch(`/_api/job/${id}`, { method: "PUT" })).status).toBe(200);
  });

  test("bad input is a 4xx in the envelope: methods, depth, stamps, counts, ids", async () => {
    const t = target();
    await expectEnvelope(await t.fetch("/_api/job/1", { method: "PATCH" }), 405, { error: true, code: 405, errorNum: 405, errorMessage: "method not supported" });
    await expectEnvelope(await t.fetch("/_api/job", { method: "POST" }), 405, { error: true, code: 405, errorNum: 405, errorMessage: "method not supported" });
    await expectEnvelope(await t.fetch("/_api/job", { method: "DELETE" }), 400, BAD_PARAMETER);
    await expectEnvelope(await t.fetch("/_api/job"), 400, BAD_PARAMETER);
    await expectEnvelope(await t.fetch("/_api/job/1/2", { method: "DELETE" }), 400, BAD_PARAMETER);
    await expectEnvelope(await t.fetch("/_api/job/1/cancel/x", { method: "PUT" }), 400, BAD_PARAMETER);
    await expectEnvelope(await t.fetch("/_api/job/1/x"), 400, BAD_PARAMETER);
    await expectEnvelope(await t.fetch("/_api/job/expired?stamp=soon", { method: "DELETE" }), 400, BAD_PARAMETER);
    await expectEnvelope(await t.fetch("/_api/job/99999999999999999999", { method: "PUT" }), 404, NOT_FOUND);
    await expectEnvelope(await t.fetch("/_api/job/99999999999999999999"), 404, NOT_FOUND);
    expect((await t.fetch("/_api/job/done?count=abc")).status).toBe(200);
    await expectEnvelope(await t.fetch("/_api/version", { method: "DELETE" }), 405, { error: true, code: 405, errorNum: 405, errorMessage: "method not supported" });
    await expectEnvelope(await t.fetch("/_admin/sleep?duration=-1"), 400, BAD_PARAMETER);
  });

  test("/_admin/sleep takes a plain decimal duration only; anything else is 400 bad parameter", async () => {
    const t = target();
    for (const bad of ["0x1", "0b1", "0o1", "1e0", "+1", "-0", " 1", "1 ", "Infinity", "NaN", "", ".", "1,5", "300.5", "301"]) {
      const res = await t.fetch(`/_admin/sleep?duration=${encodeURIComponent(bad)}`);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      expect(await res.json()).toEqual(BAD_PARAMETER);
    }
    for (const good of ["0", "0.0", "00", ".0", "0.", "0.05"]) {
      const res = await t.fetch(`/_admin/sleep?duration=${good}`);
      expect({ good, status: res.status }).toEqual({ good, status: 200 });
      expect(await res.json()).toEqual({ error: false, code: 200, duration: Number(good) });
    }
  });

  test("a job id of another kind is not an arango job", async () => {
    const t = target();
    const job = await t.createJob({ type: "script", input: { steps: [] } });
    await t.waitFor(job.id);
    await expectEnvelope(await t.fetch(`/_api/job/${job.seq}`, { method: "PUT" }), 404, NOT_FOUND);
    expect(await list(t, "done")).not.toContain(String(job.seq));
  });

  test("without an upstream, unknown ArangoDB paths get ArangoDB's 404, and queue as such", async () => {
    const t = target();
    await expectEnvelope(await t.fetch("/_api/collection"), 404, {
      error: true,
      code: 404,
      errorNum: 404,
      errorMessage: "unknown path '/_api/collection'",
    });
    const id = await store(t, "/_db/_system/_api/collection", { method: "POST", body: "{}" });
    await waitDone(t, id);
    const res = await t.fetch(`/_api/job/${id}`, { method: "PUT" });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-arango-async-id")).toBe(id);
    expect(await res.json()).toMatchObject({ errorMessage: "unknown path '/_db/_system/_api/collection'" });
  });
});

eachTarget(
  "arango dialect: queue bound",
  (target: T) => {
    test("past --arango-max-pending pending jobs → 503, errorNum 21003, in both modes", async () => {
      const t = target();
      const a = await slowJob(t);
      const b = await slowJob(t);
      for (const mode of ["store", "true"]) {
        await expectEnvelope(
          await t.fetch("/_api/version", { method: "PUT", headers: { "x-arango-async": mode } }),
          503,
          { error: true, code: 503, errorNum: 21003, errorMessage: "named queue is full" },
        );
      }
      expect((await t.fetch("/_api/version", { method: "PUT" })).status).toBe(200);
      await a.release();
      await waitDone(t, a.id);
      expect((await t.fetch("/_api/version", { method: "PUT", headers: { "x-arango-async": "store" } })).status).toBe(202);
      await b.release();
    });
  },
  { args: ["--arango-max-pending", "2"], http: { arangoMaxPending: 2 } },
);

// ---- the async gateway ---------------------------------------------------------------------------

interface Seen {
  method: string;
  path: string;
  body: string;
  headers: Record<string, string>;
  aborted: boolean;
}
const seen: Seen[] = [];
const upstream = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(request) {
    const url = new URL(request.url);
    const entry: Seen = {
      method: request.method,
      path: url.pathname + url.search,
      body: await request.text(),
      headers: Object.fromEntries(request.headers),
      aborted: false,
    };
    seen.push(entry);
    request.signal.addEventListener("abort", () => (entry.aborted = true));
    const ms = Number(url.searchParams.get("ms") ?? "0");
    if (ms > 0) await Bun.sleep(ms);
    if (url.pathname.endsWith("/redirect")) return new Response(null, { status: 302, headers: { location: "http://example.invalid/" } });
    if (url.pathname.endsWith("/binary")) return new Response(new Uint8Array([0, 255, 1, 254, 128]), { headers: { "content-type": "application/octet-stream" } });
    if (url.pathname.endsWith("/broken")) return Response.json({ oops: true }, { status: 500 });
    if (url.pathname.endsWith("/stream")) {
      const parts = ["one ", "two ", "three"];
      return new Response(
        new ReadableStream({
          async pull(controller) {
            const next = parts.shift();
            if (next === undefined) return controller.close();
            await Bun.sleep(10);
            controller.enqueue(new TextEncoder().encode(next));
          },
        }),
        { headers: { "content-type": "text/plain" } },
      );
    }
    return Response.json(
      { method: entry.method, path: entry.path, body: entry.body },
      { status: entry.method === "POST" ? 201 : 200, headers: { "x-upstream": "yes", "set-cookie": "a=1" } },
    );
  },
});
const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
afterAll(() => upstream.stop(true));
const lastSeen = (path: string) => [...seen].reverse().find((s) => s.path === path);

eachTarget(
  "arango dialect: async gateway in front of a slow upstream",
  (target: T) => {
    test("a request jobd does not serve is proxied, headers kept both ways", async () => {
      const t = target();
      const res = await t.fetch("/reports/echo?x=1", { headers: { "x-test": "abc", "x-arango-async": "no" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-upstream")).toBe("yes");
      expect(res.headers.get("set-cookie")).toBe("a=1");
      expect(await res.json()).toEqual({ method: "GET", path: "/reports/echo?x=1", body: "" });
      expect(lastSeen("/reports/echo?x=1")?.headers["x-test"]).toBe("abc");
    });

    test("jobd's own routes are not proxied", async () => {
      const t = target();
      const before = seen.length;
      expect(await (await t.fetch("/_api/version")).json()).toMatchObject({ server: "arango" });
      expect((await t.fetch("/_db/_system/_api/job/pending")).status).toBe(200);
      expect((await t.fetch("/api/v1/jobs?limit=1")).status).toBe(200);
      expect(seen.length).toBe(before);
    });

    test("a path jobd serves for other methods is jobd's 405, never the upstream's", async () => {
      const t = target();
      const before = seen.length;
      const res = await t.fetch("/api/v1/jobs/01890000-0000-7000-8000-000000000000", { method: "DELETE" });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD");
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("METHOD_NOT_ALLOWED");
      expect((await t.fetch("/healthz", { method: "POST" })).status).toBe(405);
      expect(seen.length).toBe(before);
      // With the /_db/{name} prefix drivers send, the same.
      const prefixed = await t.fetch("/_db/_system/api/v1/jobs/01890000-0000-7000-8000-000000000000", { method: "DELETE" });
      expect(prefixed.status).toBe(405);
      expect(prefixed.headers.get("allow")).toBe("GET, HEAD");
      expect(seen.length).toBe(before);
      // A path jobd serves for no method still goes to the upstream, whatever the method.
      expect((await t.fetch("/api/v1/reports", { method: "DELETE" })).headers.get("x-upstream")).toBe("yes");
    });

    test("with x-arango-async: store the upstream call becomes a job; its answer is the stored result", async () => {
      const t = target();
      const path = `/reports/slow?ms=300&run=store-${t.name}`;
      const res = await t.fetch(path, {
        method: "POST",
        headers: { "x-arango-async": "store", "content-type": "application/json", "x-test": "q" },
        body: JSON.stringify({ report: 7 }),
      });
      expect(res.status).toBe(202);
      const id = res.headers.get("x-arango-async-id") ?? "";
      expect(await list(t, "pending")).toContain(id);
      expect((await t.fetch(`/_api/job/${id}`, { method: "PUT" })).status).toBe(204);
      await waitDone(t, id);
      const fetched = await t.fetch(`/_api/job/${id}`, { method: "PUT" });
      expect(fetched.status).toBe(201);
      expect(fetched.headers.get("x-arango-async-id")).toBe(id);
      expect(fetched.headers.get("x-upstream")).toBe("yes");
      expect(await fetched.json()).toEqual({ method: "POST", path, body: JSON.stringify({ report: 7 }) });
      const calls = seen.filter((s) => s.path === path);
      expect(calls.length).toBe(1);
      expect(calls[0]?.headers["x-test"]).toBe("q");
      expect(calls[0]?.headers["x-arango-async"]).toBeUndefined();
    });

    test("the /_db prefix of a proxied request reaches the upstream unchanged", async () => {
      const t = target();
      const res = await t.fetch("/_db/mydb/_api/collection", { method: "POST", body: "{}" });
      expect(res.status).toBe(201);
      expect(((await res.json()) as { path: string }).path).toBe("/_db/mydb/_api/collection");
    });

    test("an upstream 500 is a done job whose fetch is that 500", async () => {
      const t = target();
      const id = await store(t, "/reports/broken", { method: "GET" });
      await waitDone(t, id);
      const res = await t.fetch(`/_api/job/${id}`, { method: "PUT" });
      expect(res.status).toBe(500);
      expect(res.headers.get("x-arango-async-id")).toBe(id);
      expect(await res.json()).toEqual({ oops: true });
    });

    test("binary bodies survive the round trip", async () => {
      const t = target();
      const id = await store(t, "/reports/binary", { method: "GET" });
      await waitDone(t, id);
      const res = await t.fetch(`/_api/job/${id}`, { method: "PUT" });
      expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([0, 255, 1, 254, 128]);
    });

    test("answers stream through; redirects are passed back, not followed", async () => {
      const t = target();
      expect(await (await t.fetch("/reports/stream")).text()).toBe("one two three");
      const res = await t.fetch("/reports/redirect", { redirect: "manual" });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("http://example.invalid/");
    });

    test("a path that looks like another host still goes to the upstream", async () => {
      const t = target();
      const res = await t.fetch("//example.invalid/x");
      expect(res.status).toBe(200);
      // The upstream answered (Bun's server folds the double slash when it parses the request line).
      expect(((await res.json()) as { path: string }).path).toEndWith("/example.invalid/x");
    });

    test("cancelling a proxied job aborts the upstream call; the job ends canceled", async () => {
      const t = target();
      const path = `/reports/slow?ms=5000&run=cancel-${t.name}`;
      const id = await store(t, path, { method: "GET" });
      await until(async () => lastSeen(path) !== undefined);
      expect((await t.fetch(`/_api/job/${id}/cancel`, { method: "PUT" })).status).toBe(200);
      await waitDone(t, id);
      expect((await t.fetch(`/_api/job/${id}`, { method: "PUT" })).status).toBe(410);
      await until(async () => lastSeen(path)?.aborted === true);
    });
  },
  { args: ["--upstream", upstreamUrl], http: { upstream: upstreamUrl } },
);

eachTarget(
  "arango dialect: an upstream that is down",
  (target: T) => {
    test("the gateway answers 503 in ArangoDB's envelope, and a queued request stores that 503", async () => {
      const t = target();
      await expectEnvelope(await t.fetch("/reports/x"), 503, {
        error: true,
        code: 503,
        errorNum: 503,
        errorMessage: "upstream unreachable",
      });
      const id = await store(t, "/reports/x", { method: "GET" });
      await waitDone(t, id);
      expect((await t.fetch(`/_api/job/${id}`, { method: "PUT" })).status).toBe(503);
    });
  },
  // Port 9 (discard) on loopback: nothing listens there on a test machine.
  { args: ["--upstream", "http://127.0.0.1:9"], http: { upstream: "http://127.0.0.1:9" } },
);

// ---- users (auth on) -------------------------------------------------------------------------------

const PRINCIPALS: Principal[] = [
  { name: "alice", token: "alice-token-0123456789", namespaces: "*", role: "write" },
  { name: "bob", token: "bob-token-0123456789ab", namespaces: "*", role: "write" },
  { name: "root", token: "root-token-0123456789a", namespaces: "*", role: "admin" },
  { name: "reader", token: "reader-token-01234567", namespaces: "*", role: "read" },
];
const tokensFile = join(mkdtempSync(join(tmpdir(), "jobd-arango-tokens-")), "tokens.json");
writeFileSync(tokensFile, JSON.stringify(PRINCIPALS.map((p) => ({ ...p, namespaces: ["*"] }))));
const basic = (name: string) => {
  const p = PRINCIPALS.find((x) => x.name === name);
  return { authorization: `Basic ${btoa(`${name}:${p?.token ?? ""}`)}` };
};

eachTarget(
  "arango dialect: users",
  (target: T) => {
    const as = (name: string, path: string, init: RequestInit = {}) =>
      target().fetch(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...basic(name) } });
    const ids = async (name: string, which: string) => (await (await as(name, `/_api/job/${which}`)).json()) as string[];

    test("21. a job queued by alice is 404 and unlisted for bob; alice and a superuser see it", async () => {
      const res = await as("alice", "/_api/version", { method: "PUT", headers: { "x-arango-async": "store" } });
      expect(res.status).toBe(202);
      const id = res.headers.get("x-arango-async-id") ?? "";
      await until(async () => (await as("alice", `/_api/job/${id}`)).status === 200);
      await expectEnvelope(await as("bob", `/_api/job/${id}`), 404, NOT_FOUND);
      await expectEnvelope(await as("bob", `/_api/job/${id}`, { method: "PUT" }), 404, NOT_FOUND);
      expect((await as("bob", `/_api/job/${id}/cancel`, { method: "PUT" })).status).toBe(404);
      await expectEnvelope(await as("bob", `/_api/job/${id}`, { method: "DELETE" }), 404, NOT_FOUND);
      await as("bob", "/_api/job/all", { method: "DELETE" });
      expect(await ids("bob", "done")).not.toContain(id);
      expect(await ids("alice", "done")).toContain(id);
      expect(await ids("root", "done")).toContain(id);
      // The replay ran as alice: her credentials went with the stored request.
      const fetched = await as("alice", `/_api/job/${id}`, { method: "PUT" });
      expect(fetched.status).toBe(200);
      expect(await fetched.json()).toMatchObject({ server: "arango" });
    });

    test("authentication comes before queueing: no credentials → 401 and no job", async () => {
      const before = await ids("root", "pending");
      const res = await target().fetch("/_admin/sleep?duration=30", { method: "POST", headers: { "x-arango-async": "store" } });
      await expectEnvelope(res, 401, { error: true, code: 401, errorNum: 11, errorMessage: "not authorized to execute this request" });
      const wrong = await target().fetch("/_api/version", { headers: { authorization: "Basic " + btoa("alice:nope") } });
      expect(wrong.status).toBe(401);
      expect(await ids("root", "pending")).toEqual(before);
      expect((await target().fetch("/_api/job/done")).status).toBe(401);
    });

    test("a read-only token may list but not queue, fetch, cancel or delete: 403 whatever the id; bearer works too", async () => {
      const FORBIDDEN = { error: true, code: 403, errorNum: 11, errorMessage: "forbidden" };
      await expectEnvelope(await as("reader", "/_api/version", { method: "PUT", headers: { "x-arango-async": "store" } }), 403, FORBIDDEN);
      expect((await as("reader", "/_api/job/done")).status).toBe(200);
      expect((await as("reader", "/_api/job/all", { method: "DELETE" })).status).toBe(403);
      // The check comes before the lookup: alice's job, an unknown id and a word all answer the same.
      const queued = await as("alice", "/_api/version", { method: "PUT", headers: { "x-arango-async": "store" } });
      const id = queued.headers.get("x-arango-async-id") ?? "";
      await until(async () => (await as("alice", `/_api/job/${id}`)).status === 200);
      for (const word of [id, "12345678901", "foobar"]) {
        await expectEnvelope(await as("reader", `/_api/job/${word}`, { method: "PUT" }), 403, FORBIDDEN);
        await expectEnvelope(await as("reader", `/_api/job/${word}/cancel`, { method: "PUT" }), 403, FORBIDDEN);
        await expectEnvelope(await as("reader", `/_api/job/${word}`, { method: "DELETE" }), 403, FORBIDDEN);
      }
      // Nothing was taken: alice still fetches her result.
      expect((await as("alice", `/_api/job/${id}`, { method: "PUT" })).status).toBe(200);
      const res = await target().fetch("/_api/version", {
        method: "PUT",
        headers: { "x-arango-async": "store", authorization: "Bearer bob-token-0123456789ab" },
      });
      expect(res.status).toBe(202);
    });
  },
  { args: ["--tokens", tokensFile], principals: PRINCIPALS },
);

eachTarget(
  "arango dialect: stored body limit",
  (target: T) => {
    test("a queued request body past 8 MiB → 413 in the envelope, no job", async () => {
      const t = target();
      const before = await list(t, "pending");
      const res = await t.fetch("/_api/version", {
        method: "PUT",
        headers: { "x-arango-async": "store" },
        body: new Uint8Array(8 * 1024 * 1024 + 1),
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: true, code: 413, errorNum: 413 });
      expect(await list(t, "pending")).toEqual(before);
    });
  },
  // The server's own --max-body (1 MiB by default) would refuse the body before the dialect sees it.
  { args: ["--max-body", String(16 * 1024 * 1024)] },
);
