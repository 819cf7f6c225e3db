/**
 * Dialect 004 (CloudSigma API 2.0 jobs) conformance: section 6 of shared/dialects/004-cloudsigma.md,
 * check by check, against the app in process and the compiled binary. CloudSigma creates jobs only
 * through its drive and server clone routes, which jobd does not serve; the jobs here are native jobs
 * of type `drive_clone` / `server_clone` run by the `script` kind, read through the dialect.
 */
import { expect, test } from "bun:test";
import type { JobSpec } from "../../src/job-view.ts";
import { call } from "../helpers/call.ts";
import { eachTarget, type Target } from "../helpers/target.ts";
import { ADMIN_TOKEN, securedTarget } from "../security/principals.ts";

interface WireJob {
  children: WireJob[];
  created: string;
  data: { progress: number };
  last_modified: string;
  operation: string | null;
  resource_uri: string;
  resources: string[];
  state: string;
  uuid: string;
}

interface WireList {
  meta: { limit: number; offset: number; total_count: number };
  objects: WireJob[];
}

interface WireError {
  error_type: string;
  error_message: string;
  error_point: string | null;
}

const KEYS = ["children", "created", "data", "last_modified", "operation", "resource_uri", "resources", "state", "uuid"];
const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/;
const STATES = ["started", "success", "error", "canceled"];
const drive = (id: string) => `/api/2.0/drives/${id}/`;

const driveClone = (steps: unknown[], resources: string[] = []): JobSpec => ({
  type: "drive_clone",
  kind: "script",
  input: { steps },
  resources,
  maxAttempts: 1,
});
/** Holds at a prompt: unfinished (`started`) until answered or cancelled, with no deadline of its own. */
const held = (type = "drive_clone", progress = 40): JobSpec => ({
  type,
  kind: "script",
  input: { steps: [{ progress }, { prompt: "go on?", buttons: ["yes"] }] },
  maxAttempts: 1,
});


/** Every job object, and every child embedded in it, any depth (checks 3, 4, 18). */
function expectJob(value: unknown): WireJob {
  expect(Object.keys(value as object).sort()).toEqual(KEYS);
  const job = value as WireJob;
  expect(job.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(job.resource_uri).toBe(`/api/2.0/jobs/${job.uuid}/`);
  expect(job.created).toMatch(STAMP);
  expect(job.last_modified).toMatch(STAMP);
  expect(Date.parse(job.last_modified)).toBeGreaterThanOrEqual(Date.parse(job.created));
  expect(Number.isInteger(job.data.progress)).toBe(true);
  expect(job.data.progress).toBeGreaterThanOrEqual(0);
  expect(job.data.progress).toBeLessThanOrEqual(100);
  expect(STATES).toContain(job.state);
  // 100 means finished, and only then.
  expect(job.data.progress === 100).toBe(job.state !== "started");
  expect(Array.isArray(job.resources)).toBe(true);
  expect(Array.isArray(job.children)).toBe(true);
  for (const child of job.children) expectJob(child);
  return job;
}

async function getJob(t: Target, id: string): Promise<WireJob> {
  const res = await call(t, `/api/2.0/jobs/${id}/`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type") ?? "").toStartWith("application/json");
  return expectJob(res.body);
}

async function list(t: Target, query = ""): Promise<WireList> {
  const res = await call(t, `/api/2.0/jobs/${query}`);
  expect(res.status).toBe(200);
  const body = res.body as WireList;
  expect(Object.keys(body).sort()).toEqual(["meta", "objects"]);
  expect(Object.keys(body.meta).sort()).toEqual(["limit", "offset", "total_count"]);
  expect(Number.isInteger(body.meta.total_count)).toBe(true);
  for (const job of body.objects) expectJob(job);
  return body;
}

async function expectError(t: Target, path: string, status: number, type: string, init: RequestInit = {}): Promise<WireError> {
  const res = await call(t, path, init);
  expect(res.status).toBe(status);
  expect(Array.isArray(res.body)).toBe(true);
  const [first] = res.body as WireError[];
  expect(Object.keys(first ?? {}).sort()).toEqual(["error_message", "error_point", "error_type"]);
  expect(first?.error_type).toBe(type);
  expect(typeof first?.error_message).toBe("string");
  return first as WireError;
}

/** Polls through the dialect until the job is no longer `started`, keeping every progress seen. */
async function untilFinished(t: Target, id: string, seen: number[] = [], timeoutMs = 10_000): Promise<WireJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(t, id);
    seen.push(job.data.progress);
    if (job.state !== "started") return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still started`);
    await Bun.sleep(15);
  }
}

const answer = (t: Target, id: string) =>
  t.fetch(`/api/v1/jobs/${id}/answer`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ button: 0 }),
  });

eachTarget("dialect 004 cloudsigma", (target) => {
  // Check 1 needs tokens: it runs against a target started with them, at the end of this file.

  test("2. the list answers the tastypie envelope with limit 20 and offset 0", async () => {
    const body = await list(target());
    expect(body.meta).toEqual({ limit: 20, offset: 0, total_count: 0 });
    expect(body.objects).toEqual([]);
    // The canonical path has a trailing slash; the bare one is served too.
    expect((await call(target(), "/api/2.0/jobs")).status).toBe(200);
  });

  let driveJobId = "";
  const source = drive(crypto.randomUUID());
  const destination = drive(crypto.randomUUID());

  test("3, 4, 6, 18. a drive clone job: exact keys, its own URI, integer progress, a known state, µs timestamps", async () => {
    const created = await target().createJob(held());
    driveJobId = created.id;
    await target().waitFor(created.id, (j) => j.state === "waiting");
    const job = await getJob(target(), created.id);
    expect(job.uuid).toBe(created.id);
    expect(job.operation).toBe("drive_clone");
    expect(job.state).toBe("started");
    expect(job.data.progress).toBe(40);
    expect(job.children).toEqual([]);
    expect(job.created).toMatch(/\.\d{6}\+00:00$/);
    // Without the trailing slash, and upper case, it is the same job.
    const bare = await call(target(), `/api/2.0/jobs/${created.id.toUpperCase()}`);
    expect(bare.status).toBe(200);
    expect((bare.body as WireJob).uuid).toBe(created.id);
    await answer(target(), created.id);
    expect((await untilFinished(target(), created.id)).state).toBe("success");
  });

  test("7. polled until progress 100: never decreasing, then success with both drive URIs as resources", async () => {
    const steps = [{ progress: 20 }, { sleep: 120 }, { progress: 60 }, { sleep: 120 }, { progress: 90 }, { sleep: 120 }];
    const created = await target().createJob(driveClone(steps, [source, destination]));
    const seen: number[] = [];
    const done = await untilFinished(target(), created.id, seen);
    expect(done.data.progress).toBe(100);
    expect(done.state).toBe("success");
    expect(done.resources).toEqual([source, destination]);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // A job whose work reports 100 before it has finished still shows below 100 until it has.
    expect(seen.slice(0, -1).every((p) => p < 100)).toBe(true);
  });

  test.skip("5, 8. drive clone → 202 with a jobs reference; the source drive lists the job (skipped: jobd serves no CloudSigma drive routes)", () => {});

  let serverJobId = "";
  let childIds: string[] = [];

  test("9. a server clone job embeds one drive_clone child per drive, each with its own children array", async () => {
    const n = 3;
    const children = Array.from({ length: n }, (_, i) =>
      driveClone([{ progress: 50 }, { sleep: 30 * (i + 1) }], [drive(`src-${i}`), drive(`dst-${i}`)]),
    );
    const created = await target().createJob({
      type: "server_clone",
      kind: "script",
      input: { steps: [] },
      resources: ["/api/2.0/servers/a/", "/api/2.0/servers/b/"],
      children,
      maxAttempts: 1,
    });
    serverJobId = created.id;
    const running = await getJob(target(), created.id);
    expect(running.operation).toBe("server_clone");
    expect(running.children).toHaveLength(n);
    for (const child of running.children) {
      expect(child.operation).toBe("drive_clone");
      expect(child.children).toEqual([]);
    }
    const done = await untilFinished(target(), created.id);
    expect(done.state).toBe("success");
    expect(done.resources).toEqual(["/api/2.0/servers/a/", "/api/2.0/servers/b/"]);
    expect(done.children.map((c) => c.state)).toEqual(["success", "success", "success"]);
    expect(done.children.map((c) => c.resources[0])).toEqual([drive("src-0"), drive("src-1"), drive("src-2")]);
    childIds = done.children.map((c) => c.uuid);
  });

  test("9. sub-jobs nest: a grandchild is embedded inside its parent's child", async () => {
    const created = await target().createJob({
      type: "server_clone",
      kind: "script",
      input: { steps: [] },
      children: [{ ...driveClone([]), children: [{ type: "snapshot", kind: "script", input: { steps: [] } }] }],
      maxAttempts: 1,
    });
    const done = await untilFinished(target(), created.id);
    expect(done.children[0]?.children).toHaveLength(1);
    expect(done.children[0]?.children[0]?.operation).toBe("snapshot");
    expect(done.children[0]?.children[0]?.children).toEqual([]);
  });

  test("10. a child is fetchable by its own URI; the list shows it only embedded", async () => {
    for (const id of childIds) expect((await getJob(target(), id)).uuid).toBe(id);
    const all = await list(target(), "?limit=0");
    const top = all.objects.map((j) => j.uuid);
    for (const id of childIds) expect(top).not.toContain(id);
    const server = all.objects.find((j) => j.uuid === serverJobId);
    expect(server?.children.map((c) => c.uuid)).toEqual(childIds);
  });

  test("11. limit caps the page; limit=0 returns every root job", async () => {
    const one = await list(target(), "?limit=1");
    expect(one.objects.length).toBeLessThanOrEqual(1);
    expect(one.meta.limit).toBe(1);
    expect(one.meta.total_count).toBe(4);
    const all = await list(target(), "?limit=0");
    expect(all.objects.length).toBe(all.meta.total_count);
    expect(all.meta.total_count).toBe(4);
  });

  test("12. offset=1 returns a different job than offset=0", async () => {
    const first = await list(target(), "?offset=0&limit=1");
    const second = await list(target(), "?offset=1&limit=1");
    expect(second.meta.offset).toBe(1);
    expect(first.objects[0]?.uuid).toBeString();
    expect(second.objects[0]?.uuid).toBeString();
    expect(second.objects[0]?.uuid).not.toBe(first.objects[0]?.uuid);
    const past = await list(target(), "?offset=100");
    expect(past.objects).toEqual([]);
    expect(past.meta.total_count).toBe(4);
  });

  test("13. state filter: exact match, comma = OR, repeated = AND; error and canceled are states too", async () => {
    const failed = await target().createJob(driveClone([{ fail: { code: "DISK", message: "no space" } }]));
    const canceled = await target().createJob(held());
    const running = await target().createJob(held("server_clone", 10));
    await target().waitFor(failed.id);
    await target().waitFor(running.id, (j) => j.state === "waiting");
    await target().waitFor(canceled.id, (j) => j.state === "waiting");
    await target().fetch(`/api/v1/jobs/${canceled.id}/cancel`, { method: "POST" });
    await target().waitFor(canceled.id);

    const success = await list(target(), "?state=success&limit=0");
    expect(success.objects.length).toBe(4);
    for (const job of success.objects) expect(job.state).toBe("success");
    expect(success.meta.total_count).toBe(4);

    const error = await list(target(), "?state=error");
    expect(error.objects.map((j) => j.uuid)).toEqual([failed.id]);
    expect(error.objects[0]?.data.progress).toBe(100);
    expect((await list(target(), "?state=canceled")).objects.map((j) => j.uuid)).toEqual([canceled.id]);
    const started = await list(target(), "?state=started");
    expect(started.objects.map((j) => j.uuid)).toEqual([running.id]);
    expect(started.objects[0]?.data.progress).toBe(10);

    const either = await list(target(), "?state=started,error&limit=0");
    expect(either.objects.map((j) => j.uuid).sort()).toEqual([running.id, failed.id].sort());
    expect((await list(target(), "?state__in=started,canceled")).meta.total_count).toBe(2);
    expect((await list(target(), "?state=started&state=started,success")).meta.total_count).toBe(1);
    expect((await list(target(), "?state=started&state=success")).meta.total_count).toBe(0);
    expect((await list(target(), "?state=nonsense")).meta.total_count).toBe(0);
    expect((await list(target(), "?limit=0")).meta.total_count).toBe(7);
  });

  test("ordering on last_modified, both ways", async () => {
    const up = (await list(target(), "?order_by=last_modified&limit=0")).objects.map((j) => j.last_modified);
    const down = (await list(target(), "?order_by=-last_modified&limit=0")).objects.map((j) => j.last_modified);
    expect(up.length).toBe(7);
    expect(new Set(up).size).toBeGreaterThan(1);
    expect(up).toEqual([...up].sort());
    expect(down).toEqual([...up].reverse());
  });

  test("/detail/ is the list", async () => {
    const detail = await call(target(), "/api/2.0/jobs/detail/?limit=0&order_by=last_modified");
    expect(detail.status).toBe(200);
    expect(detail.body).toEqual(await list(target(), "?limit=0&order_by=last_modified"));
  });

  test("14. the schema: GET only, filtering on state, default limit 20", async () => {
    const res = await call(target(), "/api/2.0/jobs/schema/");
    expect(res.status).toBe(200);
    const schema = res.body as Record<string, unknown> & { fields: Record<string, { type: string }>; filtering: object };
    expect(schema.allowed_list_http_methods).toEqual(["get"]);
    expect(schema.allowed_detail_http_methods).toEqual(["get"]);
    expect(schema.filtering).toHaveProperty("state");
    expect(schema.default_limit).toBe(20);
    expect(schema.ordering).toEqual(["-last_modified"]);
    expect(Object.keys(schema.fields).sort()).toEqual(KEYS);
    expect(schema.fields.children?.type).toBe("related");
    expect(schema.fields.created?.type).toBe("datetime");
  });

  test("15. writes are 405 with the error array; OPTIONS lists GET", async () => {
    const paths = ["/api/2.0/jobs/", "/api/2.0/jobs", `/api/2.0/jobs/${driveJobId}/`, `/api/2.0/jobs/${driveJobId}`];
    for (const path of paths) {
      for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
        const init: RequestInit = { method, headers: { "content-type": "application/json" }, body: "{not json" };
        const error = await expectError(target(), path, 405, "permission", method === "DELETE" ? { method } : init);
        expect(error.error_message).toContain(method);
      }
    }
    const options = await call(target(), "/api/2.0/jobs/", { method: "OPTIONS" });
    expect(options.status).toBe(200);
    expect(options.body).toBe("GET");
    expect(options.headers.get("allow")).toContain("GET");
    // The DELETE changed nothing.
    expect((await getJob(target(), driveJobId)).state).toBe("success");
  });

  test("16. an unknown job is 404 notexist in the error array", async () => {
    const error = await expectError(target(), `/api/2.0/jobs/${crypto.randomUUID()}/`, 404, "notexist");
    expect(error.error_point).toBeNull();
    await expectError(target(), "/api/2.0/jobs/not-a-uuid/", 404, "notexist");
    await expectError(target(), `/api/2.0/jobs/${"x".repeat(5000)}/`, 404, "notexist");
    await expectError(target(), "/api/2.0/jobs/a/b/c/", 404, "notexist");
    await expectError(target(), "/api/2.0/jobs/%zz/", 404, "notexist");
  });

  test("bad query parameters are 400 validation errors naming the parameter", async () => {
    const cases: [string, string][] = [
      ["?limit=abc", "limit"],
      ["?limit=-1", "limit"],
      ["?offset=1.5", "offset"],
      ["?offset=%00", "offset"],
      ["?limit=99999999999999999999", "limit"],
      ["?order_by=uuid", "order_by"],
      ["?order_by=toString", "order_by"],
      ["?order_by=", "order_by"],
      ["?limit=", "limit"],
      ["?offset=", "offset"],
      ["?uuid=x", "uuid"],
      ["?operation=drive_clone", "operation"],
      ["?state__startswith=s", "state__startswith"],
    ];
    for (const [query, point] of cases) {
      const error = await expectError(target(), `/api/2.0/jobs/${query}`, 400, "validation");
      expect(error.error_point).toBe(point);
    }
    // Parameters that are not fields are ignored, as tastypie ignores them.
    expect((await call(target(), "/api/2.0/jobs/?foo=bar&format=json")).status).toBe(200);
  });

  test("a very large limit is served as pages of at most 1000", async () => {
    expect((await list(target(), "?limit=5000")).meta.limit).toBe(1000);
    expect((await list(target(), "?limit=0")).meta.limit).toBe(1000);
  });

  test("only JSON is served: XML asked for is 406", async () => {
    await expectError(target(), "/api/2.0/jobs/?format=xml", 406, "validation");
    await expectError(target(), "/api/2.0/jobs/", 406, "validation", { headers: { accept: "application/xml" } });
    await expectError(target(), "/api/2.0/jobs/", 406, "validation", { headers: { accept: "application/json;q=0, text/html" } });
    // The most specific range decides: JSON refused by name is not taken back by */*.
    await expectError(target(), "/api/2.0/jobs/", 406, "validation", { headers: { accept: "application/json;q=0, */*" } });
    expect((await call(target(), "/api/2.0/jobs/", { headers: { accept: "application/xml;q=0, */*;q=0.1" } })).status).toBe(200);
    // A format tastypie does not know is no choice: the Accept header decides, as in tastypie.
    expect((await call(target(), "/api/2.0/jobs/?format=JSON")).status).toBe(200);
    await expectError(target(), "/api/2.0/jobs/?format=JSON", 406, "validation", { headers: { accept: "application/xml" } });
    expect((await call(target(), "/api/2.0/jobs/?format=json", { headers: { accept: "application/xml" } })).status).toBe(200);
    expect((await call(target(), "/api/2.0/jobs/", { headers: { accept: "text/html,*/*;q=0.8" } })).status).toBe(200);
  });
});

/**
 * Check 17. In process the engine's clock is moved by hand past the default three days. The binary's
 * clock cannot be moved, so it runs with `--retention-finished 2s` and the test waits for it.
 */
eachTarget(
  "dialect 004 cloudsigma retention",
  (target) => {
    test("17. a finished job past retention is gone (404, not listed); an unfinished one of the same age stays", async () => {
      const t = target();
      const finished = await t.createJob(driveClone([]));
      const running = await t.createJob(held("server_clone"));
      await t.waitFor(finished.id);
      await t.waitFor(running.id, (j) => j.state === "waiting");
      expect((await getJob(t, finished.id)).state).toBe("success");

      if (t.clock && t.engine) {
        const threeDays = 3 * 86_400_000;
        t.clock.advance(threeDays - 1_000);
        t.engine.tick();
        await t.engine.store.committed();
        expect((await getJob(t, finished.id)).state).toBe("success");
        t.clock.advance(1_001);
        t.engine.tick();
        await t.engine.store.committed();
        await expectError(t, `/api/2.0/jobs/${finished.id}/`, 404, "notexist");
      } else {
        const deadline = Date.now() + 15_000;
        while ((await call(t, `/api/2.0/jobs/${finished.id}/`)).status === 200) {
          if (Date.now() > deadline) throw new Error("the finished job was never discarded");
          await Bun.sleep(100);
        }
        await expectError(t, `/api/2.0/jobs/${finished.id}/`, 404, "notexist");
      }

      const all = await list(t, "?limit=0");
      expect(all.objects.map((j) => j.uuid)).toEqual([running.id]);
      const still = await getJob(t, running.id);
      expect(still.state).toBe("started");
      // It is older than the retention period that discarded the finished one.
      const now = t.clock ? t.clock.now() : Date.now();
      expect(now - Date.parse(still.created)).toBeGreaterThan(t.clock ? 3 * 86_400_000 : 2_000);
    }, 30_000);

    test("17. the finished children of an unfinished parent stay as long as the parent; they go with it", async () => {
      const t = target();
      const parent = await t.createJob({
        type: "server_clone",
        kind: "script",
        input: { steps: [{ prompt: "finish?", buttons: ["yes"] }] },
        children: [driveClone([])],
        maxAttempts: 1,
      });
      await t.waitFor(parent.id, (j) => j.state === "waiting");
      const childId = parent.children[0] ?? "";
      await t.waitFor(childId);

      if (t.clock && t.engine) {
        t.clock.advance(4 * 86_400_000);
        expect(t.engine.tick()).toBeGreaterThan(0);
        await t.engine.store.committed();
        // The kept child's deadline does not fire again and again.
        expect(t.engine.tick()).toBe(0);
      } else {
        // Past the child's own retention (2s), with the parent still unfinished.
        await Bun.sleep(3_000);
      }
      const kept = await getJob(t, parent.id);
      expect(kept.state).toBe("started");
      expect(kept.children.map((c) => c.uuid)).toEqual([childId]);
      expect((await getJob(t, childId)).state).toBe("success");

      await answer(t, parent.id);
      await t.waitFor(parent.id);
      if (t.clock && t.engine) {
        t.clock.advance(3 * 86_400_000 + 1);
        t.engine.tick();
        await t.engine.store.committed();
      }
      const deadline = Date.now() + 15_000;
      while ((await call(t, `/api/2.0/jobs/${parent.id}/`)).status === 200) {
        if (Date.now() > deadline) throw new Error("the finished parent was never discarded");
        await Bun.sleep(100);
      }
      await expectError(t, `/api/2.0/jobs/${childId}/`, 404, "notexist");
    }, 30_000);
  },
  { manualClock: true, args: ["--retention-finished", "2s"] },
);

eachTarget(
  "dialect 004 cloudsigma, with tokens",
  (target) => {
    test("1. without credentials → 401 with a Basic challenge, in the error array; with Basic user:token → 200", async () => {
      const none = await target().fetch("/api/2.0/jobs/");
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toStartWith("Basic");
      expect(await none.json()).toEqual([{ error_type: "permission", error_message: expect.any(String), error_point: null }]);
      const ok = await target().fetch("/api/2.0/jobs/", { headers: { authorization: `Basic ${btoa(`me@example.com:${ADMIN_TOKEN}`)}` } });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { meta: { limit: number } }).meta.limit).toBe(20);
    });
  },
  securedTarget(),
);
