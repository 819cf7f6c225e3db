/**
 * Malformed requests, generated: random methods; paths built from every surface's route shapes with
 * their segments swapped for real ids in every spelling, odd ones (`..`, `%00`, bad percent-encoding,
 * 5,000 characters) and noise; random queries, headers (credentials included) and bodies (JSON, text,
 * garbage bytes, oversize). Waiting parameters stay short so that no long poll holds the run up.
 */
import fc from "fast-check";
import type { JobView } from "../../src/job-view.ts";
import { WORKER_TYPE } from "./world.ts";

export interface FuzzRequest {
  method: string;
  path: string;
  headers: [string, string][];
  body: string | Uint8Array<ArrayBuffer> | undefined;
}

/** Every route shape of every surface. `{id}` a job id, `{seq}` an ArangoDB id, `{ns}` a namespace. */
export const ROUTES = [
  // native API and events
  "/api/v1/jobs",
  "/api/v1/jobs/{id}",
  "/api/v1/jobs/{id}/cancel",
  "/api/v1/jobs/{id}/answer",
  "/api/v1/jobs/{id}/log",
  "/api/v1/jobs/{id}/children",
  "/api/v1/jobs/{id}/wait",
  "/api/v1/jobs/{id}/{seg}",
  "/api/v1/events",
  // worker API
  "/api/v1/workers/lease",
  "/api/v1/workers/jobs/{id}/heartbeat",
  "/api/v1/workers/jobs/{id}/prompt",
  "/api/v1/workers/jobs/{id}/prompt/wait",
  "/api/v1/workers/jobs/{id}/children",
  "/api/v1/workers/jobs/{id}/complete",
  "/api/v1/workers/jobs/{id}/fail",
  "/api/v1/workers/jobs/{id}/stopped",
  "/api/v1/machines/{seg}",
  // 000 Crystite jobs
  "/jobs",
  "/jobs/{id}",
  "/jobs/{id}/{seg}",
  // 001 ArangoDB
  "/_api/job/{seq}",
  "/_api/job/{seq}/cancel",
  "/_api/job/{seq}/{seg}",
  "/_api/job/done",
  "/_api/job/pending",
  "/_api/job/all",
  "/_api/job/expired",
  "/_api/job",
  "/_admin/job/{seq}",
  "/_admin/job/{seq}/cancel",
  "/_api/version",
  "/_admin/sleep",
  "/_db/{seg}/_api/job/{seq}",
  "/_db/{seg}/_api/version",
  "/_api/{seg}",
  // 002 CentriQS
  "/api/databases/{ns}/jobs/{id}",
  "/api/databases/{ns}/jobs/{name}",
  "/api/databases/{ns}/auth",
  "/api/databases/{ns}/{seg}",
  // 003 IMS
  "/v1/{ns}/jobs/{id}",
  "/v1/cloudimages/job/{id}",
  "/v1/{ns}/jobs",
  // 004 CloudSigma
  "/api/2.0/jobs/",
  "/api/2.0/jobs/detail/",
  "/api/2.0/jobs/schema/",
  "/api/2.0/jobs/{id}/",
  "/api/2.0/jobs/{id}/{seg}/",
  // operations
  "/healthz",
  "/readyz",
  "/metrics",
  "/swagger/json",
  "/ui",
  "/{seg}",
] as const;

const ODD_SEGMENTS = [
  "..",
  ".",
  "%2e%2e",
  "%2E%2E%2F%2E%2E",
  "%00",
  "a%00b",
  "%zz",
  "%",
  "%e0%a4%a",
  "%C0%AF",
  "%FF%FE",
  "ü",
  "%F0%9F%92%A5",
  "x".repeat(5000),
  "9".repeat(40),
  "-1",
  "0",
  "1e3",
  "NaN",
  "null",
  "undefined",
  "__proto__",
  "constructor",
  "{}",
  "()",
  "%7B%7D",
  "a b",
  "a;b",
  "a,b",
  "*",
];

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "get", "FOO", "PROPFIND", "M-SEARCH"];

const CENTRIQS_NAMES = ["DuplicateEntities", "duplicateentities", "TaskShifting", "DatabaseDataRefresh", "ExtractFromArchEntities", "PutToArchEntities"];

/** Short waits only: `timeout` (ms) and `duration` (s) bound long polls and ArangoDB's sleep. */
const QUERY_VALUES: Record<string, fc.Arbitrary<string>> = {
  timeout: fc.integer({ min: 0, max: 20 }).map(String),
  duration: fc.constantFrom("0", "0.001", "-1", "abc", "1e-9"),
  limit: fc.constantFrom("0", "1", "20", "1000", "1001", "-5", "abc", "99999999999999999999"),
  offset: fc.constantFrom("0", "3", "-1", "x", "1e309"),
  count: fc.constantFrom("0", "1", "100", "abc", "99999999999999999999"),
  stamp: fc.constantFrom("0", "1e12", "-1", "", "x", "Infinity"),
  state: fc.constantFrom("queued", "running,waiting", "started", "success,error", "bogus", ""),
  peek: fc.constantFrom("true", "false", "TRUE", "maybe", ""),
  namespace: fc.constantFrom("nsa", "nsb", "default", "zzz", ""),
  format: fc.constantFrom("json", "xml", ""),
  order_by: fc.constantFrom("last_modified", "-last_modified", "uuid"),
  cursor: fc.constantFrom("0", "5", "-1", "abc"),
  parent: fc.constantFrom("none", "abc"),
  children: fc.constantFrom("true", "false"),
  details: fc.constantFrom("true", "false"),
};

const tokenish = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-_=+/".split("")), maxLength: 40 });
const noise = fc.string({ maxLength: 30 });

/** Headers a client might send, credentials aside. */
const contentTypes = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "multipart/form-data",
  "application/octet-stream",
  "application/xml",
  "garbage/////",
  "",
);

export interface Credentials {
  /** Header sets that carry credentials, or none. */
  headers: fc.Arbitrary<[string, string][]>;
  /** Query parameters that carry credentials (`sid`, `access_token`), or none. */
  query: fc.Arbitrary<[string, string][]>;
}

const b64 = (text: string) => Buffer.from(text).toString("base64");

/** Every credential form with `token` (and `sid` for sessions). */
export function credentialsFor(token: string, sid: string): Credentials {
  return {
    headers: fc.subarray<[string, string]>(
      [
        ["authorization", `Bearer ${token}`],
        ["authorization", `Basic ${b64(`user:${token}`)}`],
        ["x-auth-token", token],
        ["cookie", `sid=${sid}`],
      ],
      { maxLength: 2 },
    ),
    query: fc.subarray<[string, string]>([["sid", sid], ["access_token", token]], { maxLength: 1 }),
  };
}

/** Wrong credentials in every form: random tokens, malformed headers, unknown sessions. */
export const wrongCredentials: Credentials = {
  headers: fc.array(
    fc.oneof(
      tokenish.map((t): [string, string] => ["authorization", `Bearer ${t}`]),
      fc.tuple(tokenish, tokenish).map(([u, p]): [string, string] => ["authorization", `Basic ${b64(`${u}:${p}`)}`]),
      tokenish.map((t): [string, string] => ["authorization", `Basic ${t}`]),
      fc.constantFrom<[string, string]>(["authorization", "Basic"], ["authorization", "Bearer"], ["authorization", "Digest x"], ["authorization", "Basic !!!"]),
      tokenish.map((t): [string, string] => ["x-auth-token", t]),
      tokenish.map((t): [string, string] => ["cookie", `sid=${t}`]),
      fc.constant<[string, string]>(["cookie", "sid=%zz; other=1"]),
    ),
    { maxLength: 2 },
  ),
  query: fc.array(fc.oneof(tokenish.map((t): [string, string] => ["sid", t]), tokenish.map((t): [string, string] => ["access_token", t])), { maxLength: 1 }),
};

export const noCredentials: Credentials = { headers: fc.constant([]), query: fc.constant([]) };

function segmentValues(jobs: JobView[]) {
  const ids = jobs.map((j) => j.id);
  const idForms = ids.flatMap((id) => [id, id.toUpperCase(), id.replaceAll("-", ""), `{${id}}`, `(${id})`]);
  const seqs = jobs.map((j) => String(j.seq));
  return {
    id: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...idForms) }, { weight: 1, arbitrary: fc.uuid() }, { weight: 2, arbitrary: fc.constantFrom(...ODD_SEGMENTS) }, { weight: 1, arbitrary: noise }),
    seq: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...seqs) }, { weight: 2, arbitrary: fc.constantFrom(...ODD_SEGMENTS) }, { weight: 1, arbitrary: fc.nat().map(String) }),
    ns: fc.oneof({ weight: 6, arbitrary: fc.constantFrom("nsa", "nsb", "default", "NSA") }, { weight: 2, arbitrary: fc.constantFrom(...ODD_SEGMENTS) }, { weight: 1, arbitrary: noise }),
    name: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...CENTRIQS_NAMES) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_SEGMENTS) }),
    seg: fc.oneof(fc.constantFrom(...ODD_SEGMENTS), noise, fc.constantFrom("cancel", "answer", "done", "detail", "auth", "jobs")),
  };
}

/** JSON bodies shaped like what the routes take, with values in and out of range. */
function shapedBodies(jobs: JobView[]): fc.Arbitrary<unknown> {
  const namespace = fc.constantFrom("nsa", "nsb", "default", "x y", "");
  const anyId = fc.constantFrom(...jobs.map((j) => j.id), "nope");
  const spec = fc.record(
    {
      type: fc.constantFrom("script", WORKER_TYPE, "", "x".repeat(200), "arango.request"),
      namespace,
      input: fc.oneof(fc.constant({ steps: [{ succeed: 1 }] }), fc.constant({ steps: [{ sleep: 5 }] }), fc.jsonValue({ maxDepth: 2 })),
      maxAttempts: fc.integer({ min: -1, max: 200 }),
      priority: fc.integer({ min: -2000, max: 2000 }),
      description: fc.string({ maxLength: 40 }),
    },
    { requiredKeys: ["type"] },
  );
  return fc.oneof(
    spec,
    fc.record({ button: fc.integer({ min: -2, max: 5 }) }),
    fc.record({ ButtonIndex: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.string({ maxLength: 3 })) }),
    fc.record({ Response: fc.record({ ButtonIndex: fc.integer({ min: -2, max: 5 }) }) }),
    fc.record({ User: fc.string({ maxLength: 10 }), PasswordHash: fc.oneof(tokenish, fc.integer()) }),
    fc.record(
      {
        worker: fc.string({ maxLength: 10 }),
        types: fc.array(fc.constantFrom(WORKER_TYPE, "script", "a b", ""), { maxLength: 3 }),
        namespaces: fc.array(namespace, { maxLength: 3 }),
        max: fc.integer({ min: -1, max: 200 }),
        waitMs: fc.integer({ min: -1, max: 20 }),
        leaseMs: fc.integer({ min: -1, max: 100_000 }),
      },
      { requiredKeys: [] },
    ),
    fc.record(
      {
        lease: fc.oneof(fc.uuid(), fc.string({ maxLength: 5 })),
        progress: fc.double({ min: -10, max: 200, noNaN: false }),
        result: fc.jsonValue({ maxDepth: 2 }),
        index: fc.integer({ min: -1, max: 3 }),
        waitMs: fc.integer({ min: 0, max: 20 }),
        jobs: fc.array(spec, { maxLength: 2 }),
        error: fc.record({ code: fc.string({ maxLength: 5 }), message: fc.string({ maxLength: 5 }) }),
        message: fc.string({ maxLength: 10 }),
        buttons: fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
      },
      { requiredKeys: ["lease"] },
    ),
    fc.record({ id: anyId }),
  );
}

const BIG = "x".repeat(1_200_000);

function bodies(jobs: JobView[]): fc.Arbitrary<string | Uint8Array<ArrayBuffer> | undefined> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 5, arbitrary: shapedBodies(jobs).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: shapedBodies(jobs).map((v) => `${JSON.stringify(v).slice(0, -1)},}`) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => new Uint8Array(bytes)) },
    { weight: 1, arbitrary: fc.constantFrom("{", "[", "null", '"x"', "1e999", '{"__proto__":{"x":1}}', "--xyz\r\n\r\n--xyz--", "a=1&b=2&a=3", BIG) },
  );
}

function query(credentials: Credentials): fc.Arbitrary<string> {
  const pair = fc.oneof(
    ...Object.entries(QUERY_VALUES).map(([key, value]) => value.map((v): [string, string] => [key, v])),
    fc.tuple(noise, noise),
  );
  return fc.tuple(fc.array(pair, { maxLength: 3 }), credentials.query, fc.boolean()).map(([pairs, creds, raw]) => {
    const all = [...pairs, ...creds];
    if (all.length === 0) return raw ? "?" : "";
    // Half the time the query is written raw: bad percent-encoding reaches the server as sent.
    return `?${all.map(([k, v]) => (raw ? `${k}=${v}` : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join("&")}`;
  });
}

function headers(credentials: Credentials): fc.Arbitrary<[string, string][]> {
  const extra = fc.oneof(
    contentTypes.map((v): [string, string] => ["content-type", v]),
    fc.constantFrom("application/json", "text/json", "text/html", "*/*", "application/xml", "", ";;;").map((v): [string, string] => ["accept", v]),
    fc.constantFrom("store", "true", "false", "").map((v): [string, string] => ["x-arango-async", v]),
    fc.constantFrom("nsa", "nsb", "x", "%zz", "").map((v): [string, string] => ["x-project-id", v]),
    fc.constantFrom("gzip", "br", "deflate", "chunked", "identity, gzip").map((v): [string, string] => ["content-encoding", v]),
    fc.constantFrom("0", "-1", "abc", "99999999999").map((v): [string, string] => ["content-length", v]),
    fc.constantFrom("", "k1", "x".repeat(300)).map((v): [string, string] => ["idempotency-key", v]),
    fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), noise).map(([k, v]): [string, string] => [k, v]),
  );
  return fc.tuple(fc.array(extra, { maxLength: 4 }), credentials.headers).map(([a, b]) => [...a, ...b]);
}

/** A long poll asked without a timeout waits its default (30 s): the fuzzer always asks for a short one. */
function shortWait(path: string, query: string): string {
  if (!/\/wait$/.test(path) || query.includes("timeout=")) return path + query;
  return `${path}${query.length > 1 ? `${query}&` : "?"}timeout=5`;
}

/** Requests against every route of every surface, carrying `credentials`. */
export function requests(jobs: JobView[], credentials: Credentials): fc.Arbitrary<FuzzRequest> {
  const values = segmentValues(jobs);
  const path = fc.constantFrom(...ROUTES).chain((route) => {
    const slots = [...route.matchAll(/\{(id|seq|ns|name|seg)\}/g)].map((m) => m[1] as keyof typeof values);
    return fc.tuple(...slots.map((slot) => values[slot])).map((filled) => {
      let i = 0;
      return route.replace(/\{(id|seq|ns|name|seg)\}/g, () => filled[i++] ?? "");
    });
  });
  return fc.record({
    method: fc.constantFrom(...METHODS),
    path: fc.tuple(path, query(credentials)).map(([p, q]) => shortWait(p, q)),
    headers: headers(credentials),
    body: bodies(jobs),
  });
}

/** The Request, or null when the platform itself refuses to build it (a forbidden header value). */
export function toRequest(r: FuzzRequest): Request | null {
  try {
    const hasBody = r.body !== undefined && !["GET", "HEAD"].includes(r.method.toUpperCase());
    const headers = new Headers();
    for (const [name, value] of r.headers) headers.append(name, value);
    // A declared length that does not match the body would make the platform refuse the request.
    headers.delete("content-length");
    return new Request(`http://localhost${r.path}`, { method: r.method, headers, body: hasBody ? r.body : undefined });
  } catch {
    return null;
  }
}

/** How a request reads in a failure message: short enough to look at. */
export const describeRequest = (r: FuzzRequest): string =>
  JSON.stringify({ ...r, path: r.path.slice(0, 300), body: typeof r.body === "string" ? r.body.slice(0, 300) : r.body && `<${r.body.byteLength} bytes>` });
