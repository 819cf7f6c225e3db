/**
 * Who may do what, on every surface: each dialect's read and write routes × (no credentials, wrong
 * credentials, a read-only token for the job's namespace, a write token for another namespace, the
 * admin), each with the status it must get, in the surface's own envelope and with its challenge.
 * Runs in process and against the binary started with `--tokens FILE --token T`.
 */
import { beforeAll, expect, test } from "bun:test";
import type { JobView } from "../../src/job-view.ts";
import { eachTarget, type Target } from "../helpers/target.ts";
import { basic, bearer, CALLERS, securedTarget, token, tokenOf, xAuthToken, type Caller } from "./principals.ts";

interface Fixtures {
  /** One long-running script job in nsa per write case (created by writer-a), and one to read. */
  read: JobView;
  running: Record<string, JobView>;
  /** A script job in nsa waiting on a question. */
  asking: JobView;
  /** ArangoDB entries queued by writer-a: one done (to read), one pending (to cancel). */
  arangoDone: string;
  arangoPending: string;
}

type Credentials = (token: string) => Record<string, string>;
type Expect = [none: number, wrong: number, readOnly: number, otherNamespace: number, admin: number];

interface Case {
  surface: string;
  what: string;
  credentials: Credentials;
  request(f: Fixtures): { method: string; path: string; body?: string; headers?: Record<string, string> };
  expect: Expect;
  /** What a 401 body looks like on this surface. */
  envelope?(body: unknown): void;
  /** The WWW-Authenticate challenge a 401 carries (a prefix), or null for none. */
  challenge?: string | null;
}

const SLEEP = { steps: [{ progress: 5 }, { sleep: 600_000 }] };
const ASK = { steps: [{ prompt: "Go on?", buttons: ["yes", "no"] }, { sleep: 600_000 }] };
const hex = (id: string) => id.replaceAll("-", "");

const native = (body: unknown) => expect((body as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
const problem = (body: unknown) => expect(body).toMatchObject({ status: 401, title: "Unauthorized" });
const arango = (body: unknown) => expect(body).toMatchObject({ error: true, code: 401, errorNum: 11 });
const centriqs = (body: unknown) => expect(typeof (body as { Message: unknown }).Message).toBe("string");
const ims = (body: unknown) => expect((body as { error: { code: string } }).error.code).toBe("IMG.0087");
const cloudsigma = (body: unknown) => expect((body as { error_type: string }[])[0]?.error_type).toBe("permission");

const CASES: Case[] = [
  // native API, worker API, events, operations
  { surface: "native", what: "GET a job", credentials: bearer, request: (f) => ({ method: "GET", path: `/api/v1/jobs/${f.read.id}` }), expect: [401, 401, 200, 404, 200], envelope: native, challenge: "Bearer" },
  { surface: "native", what: "cancel a job", credentials: bearer, request: (f) => ({ method: "POST", path: `/api/v1/jobs/${f.running["native"]?.id}/cancel` }), expect: [401, 401, 403, 404, 200], envelope: native },
  { surface: "native", what: "answer a prompt", credentials: bearer, request: (f) => ({ method: "POST", path: `/api/v1/jobs/${f.asking.id}/answer`, body: JSON.stringify({ button: 0 }), headers: { "content-type": "application/json" } }), expect: [401, 401, 403, 404, 200], envelope: native },
  { surface: "native", what: "create a job in nsa", credentials: bearer, request: () => ({ method: "POST", path: "/api/v1/jobs", body: JSON.stringify({ type: "script", namespace: "nsa", input: { steps: [] } }), headers: { "content-type": "application/json" } }), expect: [401, 401, 403, 403, 201] },
  { surface: "workers", what: "lease from nsa", credentials: bearer, request: () => ({ method: "POST", path: "/api/v1/workers/lease", body: JSON.stringify({ worker: "w", types: ["sec.none"], namespaces: ["nsa"] }), headers: { "content-type": "application/json" } }), expect: [401, 401, 403, 200, 200], envelope: native },
  { surface: "events", what: "HEAD the event stream", credentials: bearer, request: () => ({ method: "HEAD", path: "/api/v1/events" }), expect: [401, 401, 200, 200, 200] },
  { surface: "operations", what: "/metrics", credentials: bearer, request: () => ({ method: "GET", path: "/metrics" }), expect: [401, 401, 403, 403, 200], challenge: "Bearer" },
  { surface: "operations", what: "/healthz (open)", credentials: bearer, request: () => ({ method: "GET", path: "/healthz" }), expect: [200, 200, 200, 200, 200] },
  { surface: "operations", what: "/readyz (open)", credentials: bearer, request: () => ({ method: "GET", path: "/readyz" }), expect: [200, 200, 200, 200, 200] },
  { surface: "operations", what: "/swagger/json (open)", credentials: bearer, request: () => ({ method: "GET", path: "/swagger/json" }), expect: [200, 200, 200, 200, 200] },
  // 000 Crystite jobs: Bearer, and Basic
  { surface: "jobs", what: "GET a job (Bearer)", credentials: bearer, request: (f) => ({ method: "GET", path: `/jobs/${f.read.id}?peek=true` }), expect: [401, 401, 200, 404, 200], envelope: problem, challenge: "Bearer" },
  { surface: "jobs", what: "GET a job (Basic)", credentials: basic, request: (f) => ({ method: "GET", path: `/jobs/${f.read.id}?peek=true` }), expect: [401, 401, 200, 404, 200], envelope: problem },
  { surface: "jobs", what: "list", credentials: bearer, request: () => ({ method: "GET", path: "/jobs" }), expect: [401, 401, 200, 200, 200] },
  { surface: "jobs", what: "DELETE (cancel) a job", credentials: bearer, request: (f) => ({ method: "DELETE", path: `/jobs/${f.running["jobs"]?.id}` }), expect: [401, 401, 403, 404, 200], envelope: problem },
  // 001 ArangoDB: Basic and Bearer; a job is its owner's (writer-a) or an admin's
  { surface: "arango", what: "GET a job's status", credentials: basic, request: (f) => ({ method: "GET", path: `/_api/job/${f.arangoDone}` }), expect: [401, 401, 404, 404, 200], envelope: arango, challenge: "Bearer" },
  { surface: "arango", what: "cancel a job", credentials: basic, request: (f) => ({ method: "PUT", path: `/_api/job/${f.arangoPending}/cancel` }), expect: [401, 401, 403, 404, 200], envelope: arango },
  { surface: "arango", what: "queue a request (x-arango-async)", credentials: bearer, request: () => ({ method: "GET", path: "/_api/version", headers: { "x-arango-async": "store" } }), expect: [401, 401, 403, 202, 202], envelope: arango },
  { surface: "arango", what: "GET /_api/version", credentials: bearer, request: () => ({ method: "GET", path: "/_api/version" }), expect: [401, 401, 200, 200, 200], envelope: arango },
  // 002 CentriQS: Basic (and sessions, below); the dbid is the namespace
  { surface: "databases", what: "GetJobState", credentials: basic, request: (f) => ({ method: "GET", path: `/api/databases/nsa/jobs/${f.read.id}` }), expect: [401, 401, 200, 404, 200], envelope: centriqs, challenge: "Basic" },
  { surface: "databases", what: "AbortJob", credentials: basic, request: (f) => ({ method: "DELETE", path: `/api/databases/nsa/jobs/${f.running["databases"]?.id}` }), expect: [401, 401, 403, 404, 200], envelope: centriqs },
  { surface: "databases", what: "StartJob", credentials: basic, request: () => ({ method: "POST", path: "/api/databases/nsa/jobs/DatabaseDataRefresh", body: "{}" }), expect: [401, 401, 403, 404, 200], envelope: centriqs },
  { surface: "databases", what: "log in (PUT …/auth)", credentials: (t) => ({ "x-login": t }), request: () => ({ method: "PUT", path: "/api/databases/nsa/auth", body: "" }), expect: [401, 401, 200, 404, 200], envelope: centriqs },
  // 003 IMS: X-Auth-Token; the project id is the namespace
  { surface: "ims", what: "query a job", credentials: xAuthToken, request: (f) => ({ method: "GET", path: `/v1/nsa/jobs/${hex(f.read.id)}` }), expect: [401, 401, 200, 404, 200], envelope: ims, challenge: null },
  { surface: "ims", what: "query progress (Huawei)", credentials: xAuthToken, request: (f) => ({ method: "GET", path: `/v1/cloudimages/job/${hex(f.read.id)}` }), expect: [401, 401, 200, 404, 200], envelope: ims },
  // 004 CloudSigma: Basic; read-only API
  { surface: "cloudsigma", what: "GET a job", credentials: basic, request: (f) => ({ method: "GET", path: `/api/2.0/jobs/${f.read.id}/` }), expect: [401, 401, 200, 404, 200], envelope: cloudsigma, challenge: "Basic" },
  { surface: "cloudsigma", what: "list", credentials: basic, request: () => ({ method: "GET", path: "/api/2.0/jobs/" }), expect: [401, 401, 200, 200, 200], envelope: cloudsigma },
  { surface: "cloudsigma", what: "POST (read-only API)", credentials: basic, request: () => ({ method: "POST", path: "/api/2.0/jobs/", body: "{}" }), expect: [401, 401, 405, 405, 405] },
];

async function send(t: Target, c: Case, f: Fixtures, caller: Caller): Promise<Response> {
  const { method, path, body, headers = {} } = c.request(f);
  const secret = tokenOf(caller);
  const credentials = secret === null ? {} : c.credentials(secret);
  // The CentriQS login carries its credentials in the body.
  if ("x-login" in credentials) {
    return t.fetch(path, { method, body: JSON.stringify({ User: "someone", ...(secret ? { PasswordHash: secret } : {}) }) });
  }
  return t.fetch(path, { method, body, headers: { ...headers, ...credentials } });
}

async function queueArango(t: Target, path: string): Promise<string> {
  const res = await t.fetch(path, { method: "PUT", headers: { "x-arango-async": "store", ...basic(token("writer-a"), "writer-a") } });
  expect(res.status).toBe(202);
  return res.headers.get("x-arango-async-id") as string;
}

eachTarget(
  "security matrix",
  (target) => {
    let f: Fixtures;

    beforeAll(async () => {
      const t = target();
      const asWriter = bearer(token("writer-a"));
      const read = await t.createJob({ type: "script", namespace: "nsa", input: SLEEP }, asWriter);
      const running: Record<string, JobView> = {};
      for (const surface of ["native", "jobs", "databases"]) {
        running[surface] = await t.createJob({ type: "script", namespace: "nsa", input: SLEEP }, asWriter);
      }
      const asking = await t.createJob({ type: "script", namespace: "nsa", input: ASK }, asWriter);
      expect(asking.state).toBe("waiting");
      const arangoDone = await queueArango(t, "/_api/version");
      const arangoPending = await queueArango(t, "/_admin/sleep?duration=30");
      // Wait until the first entry is done (admin may look at anyone's).
      const deadline = Date.now() + 10_000;
      while ((await t.fetch(`/_api/job/${arangoDone}`, { headers: bearer(tokenOf("admin") as string) })).status !== 200) {
        if (Date.now() > deadline) throw new Error("the queued request did not finish");
        await Bun.sleep(20);
      }
      f = { read, running, asking, arangoDone, arangoPending };
    });

    for (const c of CASES) {
      test(`${c.surface}: ${c.what} → ${c.expect.join("/")}`, async () => {
        const t = target();
        const got: number[] = [];
        for (const caller of CALLERS) {
          const res = await send(t, c, f, caller);
          got.push(res.status);
          const text = await res.text();
          if (res.status === 401) {
            if (c.envelope) c.envelope(JSON.parse(text));
            if (c.challenge) expect(res.headers.get("www-authenticate") ?? "").toStartWith(c.challenge);
            if (c.challenge === null) expect(res.headers.get("www-authenticate")).toBeNull();
          }
        }
        expect(Object.fromEntries(CALLERS.map((caller, i) => [caller, got[i]]))).toEqual(
          Object.fromEntries(CALLERS.map((caller, i) => [caller, c.expect[i]])),
        );
      });
    }
  },
  securedTarget(),
);
