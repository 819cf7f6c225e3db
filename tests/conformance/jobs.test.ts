/**
 * Dialect 000 (Crystite jobs) conformance: section 6 of shared/dialects/000-jobs.md, check by check,
 * against the app in process and the compiled binary. The original has no creating route of its own
 * (jobs come from its world routes), so jobs are created through the native API and read here.
 */
import { expect, test } from "bun:test";
import type { JobSpec } from "../../src/job-view.ts";
import { call } from "../helpers/call.ts";
import { eachTarget, type Target } from "../helpers/target.ts";

interface WireJob {
  id: string;
  description: string;
  status: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const randomGuid = () => crypto.randomUUID();

const script = (description: string, steps: unknown[], cancel: "honour" | "ignore" = "honour"): JobSpec => ({
  type: "script",
  description,
  input: { steps, cancel },
  maxAttempts: 1,
});
const SLOW = [{ sleep: 60_000 }];

/** Every Job body: exactly three keys, status a number in 1..4 (check 14). */
function expectJob(body: unknown): WireJob {
  expect(body).toBeObject();
  expect(Object.keys(body as object).sort()).toEqual(["description", "id", "status"]);
  const job = body as WireJob;
  expect(job.id).toMatch(GUID);
  expect(typeof job.description).toBe("string");
  expect(job.description.length).toBeGreaterThan(0);
  expect(typeof job.status).toBe("number");
  expect([1, 2, 3, 4]).toContain(job.status);
  return job;
}

/** A successful read: 200, JSON (check 15), a well-formed Job. */
async function read(t: Target, method: "GET" | "DELETE", path: string): Promise<WireJob> {
  const res = await call(t, path, { method });
  expect(res.status).toBe(200);
  expect(res.type.startsWith("application/json")).toBe(true);
  return expectJob(res.body);
}

async function expectProblem(t: Target, method: string, path: string, status: number): Promise<void> {
  const res = await call(t, path, { method });
  expect(res.status).toBe(status);
  expect(res.type.startsWith("application/problem+json")).toBe(true);
  expect(res.body).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
}

/** Polls with plain GETs (taking receipt at the end) until the job is no longer Running. */
async function untilTerminal(t: Target, id: string, timeoutMs = 10_000): Promise<WireJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await read(t, "GET", `/jobs/${id}`);
    if (job.status !== 1) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still running`);
    await Bun.sleep(20);
  }
}

eachTarget("dialect 000 jobs", (target) => {
  test("1-2. ids that are not GUIDs are 400", async () => {
    await expectProblem(target(), "GET", "/jobs/not-a-guid", 400);
    await expectProblem(target(), "GET", "/jobs/s-31094fc0-e8ad-4398-bbf3-14d0310a6e9d", 400);
    for (const bad of ["abc", "123", "31094fc0-e8ad-4398-bbf3-14d0310a6e9", "{31094fc0-e8ad-4398-bbf3-14d0310a6e9d", "%E0%A4%A"]) {
      await expectProblem(target(), "GET", `/jobs/${bad}`, 400);
    }
    // Any length is the same 400, in the dialect's words rather than a schema's.
    const long = await call(target(), `/jobs/${"a".repeat(300)}?peek=${"x".repeat(50)}`);
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body)).not.toContain("length");
  });

  test("3. an unknown random GUID is 404", async () => {
    await expectProblem(target(), "GET", `/jobs/${randomGuid()}`, 404);
  });

  test("4. every .NET GUID format parses: unknown ones are 404, not 400", async () => {
    const g = randomGuid();
    const n = g.replaceAll("-", "");
    const x = `{0x${n.slice(0, 8)},0x${n.slice(8, 12)},0x${n.slice(12, 16)},{${[...n.slice(16).matchAll(/../g)].map((m) => `0x${m[0]}`).join(",")}}}`;
    for (const form of [g.toUpperCase(), n, `{${g}}`, `(${g})`, encodeURIComponent(x), `%20${g}%20`]) {
      await expectProblem(target(), "GET", `/jobs/${form}`, 404);
    }
  });

  test("5. DELETE: bad id 400, unknown id 404", async () => {
    await expectProblem(target(), "DELETE", "/jobs/not-a-guid", 400);
    await expectProblem(target(), "DELETE", `/jobs/${randomGuid()}`, 404);
  });

  test("6-7. a running job reads as exactly {id, description, status: 1}, again and again", async () => {
    const created = await target().createJob(script("start world SpaceWorld", SLOW));
    await target().waitFor(created.id, (j) => j.state === "running");
    const first = await read(target(), "GET", `/jobs/${created.id}`);
    const second = await read(target(), "GET", `/jobs/${created.id}`);
    expect(first).toEqual({ id: created.id, description: "start world SpaceWorld", status: 1 });
    expect(second).toEqual(first);
    await target().fetch(`/api/v1/jobs/${created.id}/cancel`, { method: "POST" });
  });

  test("any GUID form of an existing job finds it and answers the lowercase D form", async () => {
    const created = await target().createJob(script("save world S-1", SLOW));
    const n = created.id.replaceAll("-", "");
    const x = `{ 0x${n.slice(0, 8)}, 0x${n.slice(8, 12)}, 0x${n.slice(12, 16)}, {${[...n.slice(16).matchAll(/../g)].map((m) => `0x${m[0]}`).join(", ")}}}`;
    for (const form of [created.id.toUpperCase(), n, `{${created.id}}`, `(${created.id.toUpperCase()})`, encodeURIComponent(x), `%20${n}%20`]) {
      expect((await read(target(), "GET", `/jobs/${form}`)).id).toBe(created.id);
    }
    await target().fetch(`/api/v1/jobs/${created.id}/cancel`, { method: "POST" });
  });

  test("8. a completed job reads as status 2 once, then 404", async () => {
    const created = await target().createJob(script("restart world W-1", [{ progress: 50 }, { succeed: { ok: true } }]));
    await target().waitFor(created.id);
    expect(await read(target(), "GET", `/jobs/${created.id}`)).toMatchObject({ id: created.id, status: 2 });
    await expectProblem(target(), "GET", `/jobs/${created.id}`, 404);
    await expectProblem(target(), "DELETE", `/jobs/${created.id}`, 404);
  });

  test("9. a faulted job reads as status 4 once, then 404", async () => {
    const created = await target().createJob(script("close world W-2", [{ fail: { code: "WORLD_GONE", message: "no such world" } }]));
    await target().waitFor(created.id);
    expect((await read(target(), "GET", `/jobs/${created.id}`)).status).toBe(4);
    await expectProblem(target(), "GET", `/jobs/${created.id}`, 404);
  });

  test("10. a job that honours cancel: DELETE answers 1 or 3, it ends Canceled, then 404", async () => {
    const created = await target().createJob(script("start world Honour", SLOW, "honour"));
    await target().waitFor(created.id, (j) => j.state === "running");
    const deleted = await read(target(), "DELETE", `/jobs/${created.id}`);
    expect(deleted.id).toBe(created.id);
    expect([1, 3]).toContain(deleted.status);
    expect((await untilTerminal(target(), created.id)).status).toBe(3);
    await expectProblem(target(), "GET", `/jobs/${created.id}`, 404);
  });

  test("11. a job that ignores cancel: DELETE answers Running and it still ends Completed", async () => {
    const created = await target().createJob(script("start world Stubborn", [{ sleep: 1000 }, { succeed: null }], "ignore"));
    await target().waitFor(created.id, (j) => j.state === "running");
    expect((await read(target(), "DELETE", `/jobs/${created.id}`)).status).toBe(1);
    expect((await untilTerminal(target(), created.id)).status).toBe(2);
    await expectProblem(target(), "GET", `/jobs/${created.id}`, 404);
  });

  test("12. DELETE on a finished job takes receipt: terminal status, then 404", async () => {
    const created = await target().createJob(script("save world W-3", []));
    await target().waitFor(created.id);
    expect(await read(target(), "DELETE", `/jobs/${created.id}`)).toMatchObject({ id: created.id, status: 2 });
    await expectProblem(target(), "GET", `/jobs/${created.id}`, 404);
  });

  test("13. DELETE on a running job does not remove it", async () => {
    const created = await target().createJob(script("start world Slow", SLOW, "ignore"));
    await target().waitFor(created.id, (j) => j.state === "running");
    await read(target(), "DELETE", `/jobs/${created.id}`);
    expect((await read(target(), "GET", `/jobs/${created.id}`)).status).toBe(1);
    // The job ignores cancel; the grace deadline would end it much later, so stop it natively.
    await target().fetch(`/api/v1/jobs/${created.id}/cancel`, { method: "POST" });
  });

  test("a queued job is Running (never 0); DELETE cancels it at once without taking receipt", async () => {
    const created = await target().createJob({ ...script("start world Later", []), runAt: Date.now() + 3_600_000 });
    expect((await read(target(), "GET", `/jobs/${created.id}`)).status).toBe(1);
    expect((await read(target(), "DELETE", `/jobs/${created.id}`)).status).toBe(3);
    expect((await read(target(), "GET", `/jobs/${created.id}`)).status).toBe(3);
    await expectProblem(target(), "GET", `/jobs/${created.id}`, 404);
  });

  test("a job waiting on a prompt is Running", async () => {
    const created = await target().createJob(script("ask", [{ prompt: "go?", buttons: ["yes", "no"] }]));
    await target().waitFor(created.id, (j) => j.state === "waiting");
    expect((await read(target(), "GET", `/jobs/${created.id}`)).status).toBe(1);
    await target().fetch(`/api/v1/jobs/${created.id}/cancel`, { method: "POST" });
  });

  test("16. other methods on /jobs/{id} and /jobs are 405, never 2xx", async () => {
    const id = randomGuid();
    for (const method of ["POST", "PUT", "PATCH"]) {
      await expectProblem(target(), method, `/jobs/${id}`, 405);
      await expectProblem(target(), method, "/jobs", 405);
    }
    const res = await target().fetch(`/jobs/${id}`, { method: "POST" });
    expect(res.headers.get("allow")).toBe("GET, DELETE");
  });

  test("17. ?peek=true reads a finished job without taking receipt", async () => {
    const created = await target().createJob(script("save world W-4", []));
    await target().waitFor(created.id);
    expect((await read(target(), "GET", `/jobs/${created.id}?peek=true`)).status).toBe(2);
    expect((await read(target(), "GET", `/jobs/${created.id}?peek=True`)).status).toBe(2);
    expect((await read(target(), "GET", `/jobs/${created.id}?peek=false`)).status).toBe(2);
    await expectProblem(target(), "GET", `/jobs/${created.id}?peek=true`, 404);
    await expectProblem(target(), "GET", `/jobs/${randomGuid()}?peek=maybe`, 400);
    // Other query parameters are ignored.
    await expectProblem(target(), "GET", `/jobs/${randomGuid()}?cache=123`, 404);
  });

  test("HEAD takes no receipt", async () => {
    const created = await target().createJob(script("save world W-5", []));
    await target().waitFor(created.id);
    expect((await target().fetch(`/jobs/${created.id}`, { method: "HEAD" })).status).toBe(200);
    expect((await read(target(), "GET", `/jobs/${created.id}`)).status).toBe(2);
    await expectProblem(target(), "GET", `/jobs/${created.id}`, 404);
  });

  test("GET /jobs lists unreceived jobs from any namespace and takes no receipt", async () => {
    const done = await target().createJob(script("save world L-1", []));
    const other = await target().createJob({ ...script("save world L-2", SLOW), namespace: "elsewhere" });
    const plain = await target().createJob({ type: "script", input: { steps: [] } });
    await target().waitFor(done.id);
    await target().waitFor(plain.id);
    const list = async () => {
      const res = await call(target(), "/jobs");
      expect(res.status).toBe(200);
      expect(res.type.startsWith("application/json")).toBe(true);
      return (res.body as unknown[]).map(expectJob);
    };
    const before = await list();
    expect(before.find((j) => j.id === done.id)?.status).toBe(2);
    expect(before.find((j) => j.id === other.id)?.status).toBe(1);
    // No description: the job's type stands in, so the field is never empty.
    expect(before.find((j) => j.id === plain.id)?.description).toBe("script");
    expect((await read(target(), "GET", `/jobs/${done.id}`)).status).toBe(2);
    expect((await list()).some((j) => j.id === done.id)).toBe(false);
    await target().fetch(`/api/v1/jobs/${other.id}/cancel`, { method: "POST" });
  });

  test("sub-jobs are jobs here too", async () => {
    const parent = await target().createJob({ ...script("parent", []), children: [script("child", [])] });
    const done = await target().waitFor(parent.id);
    const childId = done.children[0] ?? "";
    expect(await read(target(), "GET", `/jobs/${childId}`)).toEqual({ id: childId, description: "child", status: 2 });
    expect((await read(target(), "GET", `/jobs/${parent.id}`)).status).toBe(2);
  });

  test("concurrent reads of a finished job: exactly one takes the receipt", async () => {
    const created = await target().createJob(script("save world Race", []));
    await target().waitFor(created.id);
    const statuses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => target().fetch(`/jobs/${created.id}`, { method: i % 2 ? "DELETE" : "GET" }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 404)).toHaveLength(5);
  });

  test("an unknown path under /jobs is a 404 problem, not a 500", async () => {
    await expectProblem(target(), "GET", `/jobs/${randomGuid()}/extra`, 404);
    await expectProblem(target(), "DELETE", "/jobs/a/b/c", 404);
  });
});

eachTarget(
  "dialect 000 jobs, received jobs kept for a while",
  (target) => {
    test("a received job is 404 here while the engine still keeps it", async () => {
      const created = await target().createJob(script("save world Kept", []));
      await target().waitFor(created.id);
      expect((await read(target(), "GET", `/jobs/${created.id}`)).status).toBe(2);
      await expectProblem(target(), "GET", `/jobs/${created.id}`, 404);
      await expectProblem(target(), "GET", `/jobs/${created.id}?peek=true`, 404);
      await expectProblem(target(), "DELETE", `/jobs/${created.id}`, 404);
      const list = (await (await target().fetch("/jobs")).json()) as WireJob[];
      expect(list.some((j) => j.id === created.id)).toBe(false);
      expect((await target().getJob(created.id))?.receivedAt).toEqual(expect.any(Number));
    });
  },
  { engine: { retention: { afterReceiptMs: 600_000 } }, args: ["--retention-after-receipt", "10m"] },
);
