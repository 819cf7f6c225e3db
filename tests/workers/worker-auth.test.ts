/**
 * The worker API with tokens: a worker needs a write token, leases only from namespaces its token
 * reaches, and a job outside them looks like an unknown one.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Authenticator } from "../../src/auth/index.ts";
import { Engine } from "../../src/engine/index.ts";
import { createApp } from "../../src/http/app.ts";
import type { JobView } from "../../src/job-view.ts";
import { SqliteStore } from "../../src/store/index.ts";

const ADMIN = "admin-token";
const ACME_WORKER = "acme-worker-token";
const READER = "reader-token";

let dir: string;
let store: SqliteStore;
let engine: Engine;
let handle: (request: Request) => Promise<Response>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "jobd-workers-auth-"));
  store = new SqliteStore(join(dir, "jobd.db"));
  engine = new Engine({ store });
  const auth = new Authenticator([
    { name: "admin", token: ADMIN, namespaces: "*", role: "admin" },
    { name: "acme-worker", token: ACME_WORKER, namespaces: ["acme"], role: "write" },
    { name: "reader", token: READER, namespaces: "*", role: "read" },
  ]);
  const { app } = createApp({ engine, auth });
  engine.boot();
  handle = (request) => app.handle(request);
});

afterAll(async () => {
  await engine.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(path: string, body: unknown, headers: Record<string, string>) {
  const res = await handle(
    new Request(`http://localhost${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    }),
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const create = async (namespace: string, type: string) => {
  const res = await call("/api/v1/jobs", { type, namespace }, bearer(ADMIN));
  expect(res.status).toBe(201);
  return res.body as unknown as JobView;
};
const errorCode = (body: Record<string, unknown>) => (body.error as { code: string }).code;

describe("worker API with tokens [in-process]", () => {
  test("no credentials: 401; a read-only token: 403", async () => {
    const none = await call("/api/v1/workers/lease", { worker: "w", types: ["auth.a"] }, {});
    expect(none.status).toBe(401);
    expect(errorCode(none.body)).toBe("UNAUTHORIZED");
    const wrong = await call("/api/v1/workers/lease", { worker: "w", types: ["auth.a"] }, bearer("nope"));
    expect(wrong.status).toBe(401);
    const reader = await call("/api/v1/workers/lease", { worker: "w", types: ["auth.a"] }, bearer(READER));
    expect(reader.status).toBe(403);
    expect(errorCode(reader.body)).toBe("FORBIDDEN");
  });

  test("a worker leases only from the namespaces its token reaches", async () => {
    const other = await create("other", "auth.b");
    const acme = await create("acme", "auth.b");
    const asked = await call("/api/v1/workers/lease", { worker: "w", types: ["auth.b"], namespaces: ["other"] }, bearer(ACME_WORKER));
    expect(asked.body).toEqual({ jobs: [] });
    const leased = await call("/api/v1/workers/lease", { worker: "w", types: ["auth.b"], max: 10 }, bearer(ACME_WORKER));
    expect((leased.body.jobs as JobView[]).map((j) => j.id)).toEqual([acme.id]);
    // Basic auth (`user:token`) works for curl users too.
    const basic = `Basic ${Buffer.from(`admin:${ADMIN}`).toString("base64")}`;
    const byAdmin = await call("/api/v1/workers/lease", { worker: "w", types: ["auth.b"], namespaces: ["other"] }, { authorization: basic });
    expect((byAdmin.body.jobs as JobView[]).map((j) => j.id)).toEqual([other.id]);
  });

  test("a job outside the token's namespaces looks unknown, even with its lease", async () => {
    await create("other", "auth.c");
    const leased = await call("/api/v1/workers/lease", { worker: "w", types: ["auth.c"], namespaces: ["other"] }, bearer(ADMIN));
    const job = (leased.body.jobs as JobView[])[0];
    if (!job?.lease) throw new Error("nothing leased");
    const res = await call(`/api/v1/workers/jobs/${job.id}/complete`, { lease: job.lease.id, result: 1 }, bearer(ACME_WORKER));
    expect(res.status).toBe(404);
    expect(errorCode(res.body)).toBe("NOT_FOUND");
    expect(engine.get(job.id)?.state).toBe("running");
  });

  test("a worker may not put sub-jobs in a namespace its token does not reach", async () => {
    await create("acme", "auth.d");
    const leased = await call("/api/v1/workers/lease", { worker: "w", types: ["auth.d"] }, bearer(ACME_WORKER));
    const job = (leased.body.jobs as JobView[])[0];
    if (!job?.lease) throw new Error("nothing leased");
    const res = await call(
      `/api/v1/workers/jobs/${job.id}/children`,
      { lease: job.lease.id, jobs: [{ type: "auth.child", namespace: "other" }] },
      bearer(ACME_WORKER),
    );
    expect(res.status).toBe(403);
    expect(engine.get(job.id)?.children).toEqual([]);
    const ok = await call(`/api/v1/workers/jobs/${job.id}/children`, { lease: job.lease.id, jobs: [{ type: "auth.child" }] }, bearer(ACME_WORKER));
    expect(ok.status).toBe(201);
    expect((ok.body.jobs as JobView[])[0]?.namespace).toBe("acme");
  });
});
