/**
 * Dialect 001, `x-arango-async` at its edges. Who a queued request runs as: the queue takes ArangoDB's
 * credentials (Basic, arangojs's default, or Bearer), while the route that serves the replay may take
 * only another form (the native API only Bearer, CloudSigma only Basic, IMS only X-Auth-Token); the
 * replay must run as the principal who queued it there too, within its namespaces, and as no one else.
 * And a chunked body past the server's own limit (`--max-body`). In process and against the binary.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Principal } from "../../src/auth/index.ts";
import { eachTarget, type Target } from "../helpers/target.ts";

type T = () => Target;

const PRINCIPALS: Principal[] = [
  { name: "root", token: "root-token-0123456789a", namespaces: "*", role: "admin" },
  { name: "b", token: "b-token-0123456789abcd", namespaces: ["nsb"], role: "write" },
  { name: "reader", token: "reader-token-01234567", namespaces: "*", role: "read" },
];
const tokenOf = (name: string) => PRINCIPALS.find((p) => p.name === name)?.token ?? "";
const basic = (name: string) => ({ authorization: `Basic ${btoa(`${name}:${tokenOf(name)}`)}` });
const bearer = (name: string) => ({ authorization: `Bearer ${tokenOf(name)}` });
const tokensFile = join(mkdtempSync(join(tmpdir(), "jobd-arango-replay-")), "tokens.json");
writeFileSync(tokensFile, JSON.stringify(PRINCIPALS.map((p) => ({ ...p, namespaces: p.namespaces === "*" ? ["*"] : p.namespaces }))));
const AUTH = { args: ["--tokens", tokensFile], principals: PRINCIPALS, authorization: bearer("root").authorization };

const headersOf = (init: RequestInit) => init.headers as Record<string, string> | undefined;

/** Queues `path` with `x-arango-async: store`; returns the job id. */
async function store(t: Target, path: string, init: RequestInit = {}): Promise<string> {
  const res = await t.fetch(path, { method: "GET", ...init, headers: { ...headersOf(init), "x-arango-async": "store" } });
  expect(res.status).toBe(202);
  return res.headers.get("x-arango-async-id") ?? "";
}

/** Waits until the job is done, then fetches its result (as `who`, with Basic). */
async function result(t: Target, id: string, who: string): Promise<Response> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await t.fetch(`/_api/job/${id}`, { method: "PUT", headers: basic(who) });
    if (res.status !== 204) {
      expect(res.headers.get("x-arango-async-id")).toBe(id);
      return res;
    }
    if (Date.now() > deadline) throw new Error(`job ${id} still pending`);
    await Bun.sleep(20);
  }
}

interface JobList {
  jobs: { id: string; namespace: string; owner?: string }[];
}

eachTarget(
  "arango dialect: a queued request runs as the principal who queued it",
  (target: T) => {
    test("queued with Basic to the native API (Bearer only): the replay runs as its sender", async () => {
      const t = target();
      const mine = await t.createJob({ type: "script", namespace: "nsb", input: { steps: [] } });
      const id = await store(t, "/api/v1/jobs?namespace=nsb", { headers: basic("b") });
      const res = await result(t, id, "b");
      expect(res.status).toBe(200);
      const listed = (await res.json()) as JobList;
      expect(listed.jobs.map((j) => j.id)).toContain(mine.id);
    });

    test("the replay stays within the sender's namespaces, and creates as the sender", async () => {
      const t = target();
      const elsewhere = await t.createJob({ type: "script", namespace: "nsa", input: { steps: [] } });
      // Listing a namespace out of reach is an empty list for b, as when b calls directly.
      const listed = await result(t, await store(t, "/api/v1/jobs?namespace=nsa", { headers: basic("b") }), "b");
      expect(listed.status).toBe(200);
      const jobs = ((await listed.json()) as JobList).jobs;
      expect(jobs.map((j) => j.id)).not.toContain(elsewhere.id);
      expect(jobs).toEqual([]);
      // Creating there is refused as it is for b's own Bearer call.
      const create = (namespace: string) => ({
        method: "POST",
        headers: { ...basic("b"), "content-type": "application/json" },
        body: JSON.stringify({ type: "script", namespace, input: { steps: [] } }),
      });
      const direct = await t.fetch("/api/v1/jobs", { ...create("nsa"), headers: { ...create("nsa").headers, ...bearer("b") } });
      const refused = await result(t, await store(t, "/api/v1/jobs", create("nsa")), "b");
      expect(refused.status).toBe(direct.status);
      expect(refused.status).toBe(403);
      // In its own namespace the job is created, owned by b (not by an admin or the local user).
      const created = await result(t, await store(t, "/api/v1/jobs", create("nsb")), "b");
      expect(created.status).toBe(201);
      const job = (await created.json()) as { id: string; namespace: string };
      expect(job.namespace).toBe("nsb");
      const native = (await (await t.fetch(`/api/v1/jobs?namespace=nsb&limit=1000`, { headers: bearer("root") })).json()) as JobList;
      expect(native.jobs.find((j) => j.id === job.id)?.owner).toBe("b");
    });

    test("queued with Bearer to CloudSigma (Basic only): the replay runs as its sender", async () => {
      const t = target();
      const direct = await t.fetch("/api/2.0/jobs/", { headers: basic("root") });
      expect(direct.status).toBe(200);
      const res = await result(t, await store(t, "/api/2.0/jobs/", { headers: bearer("root") }), "root");
      expect(res.status).toBe(200);
      expect(Object.keys((await res.json()) as object)).toEqual(Object.keys((await direct.json()) as object));
    });

    test("queued with Basic to IMS (X-Auth-Token only): the replay answers as b's own call does", async () => {
      const t = target();
      const path = "/v1/nsb/jobs/0123456789abcdef0123456789abcdef";
      const direct = await t.fetch(path, { headers: { "x-auth-token": tokenOf("b") } });
      expect(direct.status).not.toBe(401);
      const res = await result(t, await store(t, path, { headers: basic("b") }), "b");
      expect(res.status).toBe(direct.status);
      expect(await res.json()).toEqual(await direct.json());
    });

    test("a wrong X-Auth-Token beside the ArangoDB credentials: the replay still runs as b", async () => {
      const t = target();
      // IMS reads only X-Auth-Token; the token the queue accepted (b's) is the one the replay presents.
      const path = "/v1/nsa/jobs/0123456789abcdef0123456789abcdef";
      const asB = await t.fetch(path, { headers: { "x-auth-token": tokenOf("b") } });
      const res = await result(t, await store(t, path, { headers: { ...basic("b"), "x-auth-token": "not-a-token-at-all-x" } }), "b");
      expect(res.status).toBe(asB.status);
    });
  },
  AUTH,
);

// ---- a 401 from the upstream is its answer, sent once ----------------------------------------------

const calls: { path: string; authorization: string | null }[] = [];
const upstream = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(request) {
    const url = new URL(request.url);
    calls.push({ path: url.pathname + url.search, authorization: request.headers.get("authorization") });
    return Response.json({ upstream: "no" }, { status: 401 });
  },
});
const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
afterAll(() => upstream.stop(true));

eachTarget(
  "arango dialect: replay credentials and the upstream",
  (target: T) => {
    test("an upstream's 401 is the stored answer: sent once, with the headers the client sent", async () => {
      const t = target();
      for (const prefix of ["", "/_db/_system"]) {
        const path = `${prefix}/reports/locked?run=${t.name}`;
        const res = await result(t, await store(t, path, { method: "POST", body: "{}", headers: basic("b") }), "b");
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ upstream: "no" });
        const sent = calls.filter((c) => c.path === path);
        expect(sent).toEqual([{ path, authorization: basic("b").authorization }]);
      }
    });
  },
  { ...AUTH, args: [...AUTH.args, "--upstream", upstreamUrl], http: { upstream: upstreamUrl } },
);

// ---- a chunked body past --max-body ------------------------------------------------------------------

const MAX_BODY = 1024;

/** A chunked body past MAX_BODY. In process no server enforces a limit: the body fails as Bun's does there. */
function overLimit(t: Target): ReadableStream<Uint8Array> {
  if (t.name === "in-process") {
    return new ReadableStream({ pull: (c) => c.error(new Error("Request body exceeded maxRequestBodySize")) });
  }
  let sent = 0;
  return new ReadableStream({
    pull(c) {
      if (sent >= 8 * MAX_BODY) return c.close();
      sent += MAX_BODY;
      c.enqueue(new Uint8Array(MAX_BODY));
    },
  });
}

const countOf = (metrics: string, status: number) =>
  Number(new RegExp(`jobd_http_requests_total\\{method="PUT",route="x-arango-async",status="${status}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);

eachTarget(
  "arango dialect: a chunked body past the server's limit",
  (target: T) => {
    test("x-arango-async → 413 in ArangoDB's envelope, counted as 413 (not 500), no job", async () => {
      const t = target();
      const pending = async () => (await (await t.fetch("/_api/job/pending")).json()) as string[];
      const before = await pending();
      const metricsBefore = await (await t.fetch("/metrics")).text();
      const res = await t.fetch("/_api/version", {
        method: "PUT",
        headers: { "x-arango-async": "store", "content-type": "application/octet-stream" },
        body: overLimit(t),
        duplex: "half",
      } as RequestInit);
      expect(res.status).toBe(413);
      // The binary's client gets Bun's own 413, sent before jobd's handler could answer: no body to check.
      if (t.name === "in-process") {
        expect(await res.json()).toEqual({
          error: true,
          code: 413,
          errorNum: 413,
          errorMessage: "the request body is larger than the server accepts",
        });
      }
      await res.arrayBuffer().catch(() => undefined);
      const metrics = await (await t.fetch("/metrics")).text();
      expect(countOf(metrics, 413) - countOf(metricsBefore, 413)).toBe(1);
      expect(countOf(metrics, 500)).toBe(0);
      expect(await pending()).toEqual(before);
    });
  },
  { args: ["--max-body", String(MAX_BODY)] },
);
