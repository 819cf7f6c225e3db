/**
 * The worker API over HTTP, in process and against the binary: leasing (atomic, long-polled),
 * heartbeats, prompts, sub-jobs, complete/fail/stopped, late calls, and bad input.
 */
import { expect, test } from "bun:test";
import type { JobView } from "../../src/job-view.ts";
import { eachTarget, type Target } from "../helpers/target.ts";

type Body = Record<string, unknown>;

async function call(target: Target, path: string, body: unknown, raw = false): Promise<{ status: number; body: Body }> {
  const res = await target.fetch(`/api/v1/workers${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Body };
}

async function leaseOne(target: Target, type: string, worker = "w1", extra: Body = {}): Promise<JobView> {
  const res = await call(target, "/lease", { worker, types: [type], ...extra });
  expect(res.status).toBe(200);
  const jobs = res.body.jobs as JobView[];
  expect(jobs).toHaveLength(1);
  return jobs[0] as JobView;
}

const leaseOf = (job: JobView): string => {
  if (!job.lease) throw new Error("no lease");
  return job.lease.id;
};

eachTarget("worker API", (target) => {
  test("a lease starts the job and shows who holds it until when", async () => {
    const created = await target().createJob({ type: "api.clone", input: { disk: 7 } });
    expect(created.state).toBe("queued");
    const before = Date.now();
    const leased = await leaseOne(target(), "api.clone", "cloner-1", { leaseMs: 20_000 });
    expect(leased.id).toBe(created.id);
    expect(leased.state).toBe("running");
    expect(leased.input).toEqual({ disk: 7 });
    expect(leased.attempts).toBe(1);
    expect(leased.lease?.worker).toBe("cloner-1");
    expect(leased.lease?.expiresAt).toBeGreaterThanOrEqual(before + 20_000);
    const view = await target().getJob(created.id);
    expect(view?.lease).toEqual(leased.lease);
  });

  test("nothing queued: an empty list at once, or after the long poll", async () => {
    expect((await call(target(), "/lease", { worker: "w", types: ["api.none"] })).body).toEqual({ jobs: [] });
    const started = Date.now();
    expect((await call(target(), "/lease", { worker: "w", types: ["api.none"], waitMs: 300 })).body).toEqual({ jobs: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  test("a long poll takes a job created while it waits", async () => {
    const poll = call(target(), "/lease", { worker: "w", types: ["api.later"], waitMs: 10_000 });
    await Bun.sleep(100);
    const created = await target().createJob({ type: "api.later" });
    const res = await poll;
    expect((res.body.jobs as JobView[]).map((j) => j.id)).toEqual([created.id]);
  });

  test("concurrent leases never hand out the same job twice", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 7; i++) ids.add((await target().createJob({ type: "api.race" })).id);
    // Ten workers already waiting, and five more asking at the same time.
    const waiting = Array.from({ length: 10 }, (_, i) => call(target(), "/lease", { worker: `p${i}`, types: ["api.race2"], waitMs: 1500 }));
    const asking = Array.from({ length: 5 }, (_, i) => call(target(), "/lease", { worker: `q${i}`, types: ["api.race"], max: 3 }));
    await Bun.sleep(100);
    const late = new Set<string>();
    for (let i = 0; i < 4; i++) late.add((await target().createJob({ type: "api.race2" })).id);
    const got = (await Promise.all(asking)).flatMap((r) => (r.body.jobs as JobView[]).map((j) => j.id));
    expect(got.sort()).toEqual([...ids].sort());
    const gotLate = (await Promise.all(waiting)).flatMap((r) => (r.body.jobs as JobView[]).map((j) => j.id));
    expect(gotLate.sort()).toEqual([...late].sort());
  });

  test("a lease takes higher priority first, then the oldest, and only due jobs", async () => {
    const low = await target().createJob({ type: "api.prio" });
    const high = await target().createJob({ type: "api.prio", priority: 5 });
    await target().createJob({ type: "api.prio", priority: 9, runAt: Date.now() + 3_600_000 });
    const res = await call(target(), "/lease", { worker: "w", types: ["api.prio"], max: 5 });
    expect((res.body.jobs as JobView[]).map((j) => j.id)).toEqual([high.id, low.id]);
  });

  test("built-in kinds are never leased", async () => {
    await target().createJob({ type: "api.script", kind: "script", input: { steps: [{ sleep: 5000 }] } });
    expect((await call(target(), "/lease", { worker: "w", types: ["api.script", "script"] })).body).toEqual({ jobs: [] });
  });

  test("a heartbeat records progress, extends the lease and reports no cancel", async () => {
    const created = await target().createJob({ type: "api.beat" });
    const job = await leaseOne(target(), "api.beat", "w", { leaseMs: 1000 });
    const res = await call(target(), `/jobs/${job.id}/heartbeat`, { lease: leaseOf(job), progress: 42, message: "copying", leaseMs: 30_000 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: created.id, state: "running", cancelRequested: false, progress: { percent: 42, message: "copying" }, answers: [] });
    expect((res.body.lease as { expiresAt: number }).expiresAt).toBeGreaterThan(Date.now() + 20_000);
    const view = await target().getJob(created.id);
    expect(view?.progress).toEqual({ percent: 42, message: "copying" });
    // Progress never goes down within an attempt.
    await call(target(), `/jobs/${job.id}/heartbeat`, { lease: leaseOf(job), progress: 10 });
    expect((await target().getJob(created.id))?.progress.percent).toBe(42);
  });

  test("a wrong lease gets 409 LEASE_EXPIRED and changes nothing; an unknown job 404", async () => {
    await target().createJob({ type: "api.wrong" });
    const job = await leaseOne(target(), "api.wrong");
    for (const path of ["heartbeat", "complete", "fail", "stopped", "prompt", "children"]) {
      const body: Body = { lease: "not-the-lease" };
      if (path === "heartbeat") body.progress = 90;
      if (path === "fail") body.error = { code: "X", message: "x" };
      if (path === "prompt") Object.assign(body, { message: "?", buttons: ["a"], waitMs: 0 });
      if (path === "children") body.jobs = [{ type: "api.child" }];
      const res = await call(target(), `/jobs/${job.id}/${path}`, body);
      expect(res.status).toBe(409);
      expect((res.body.error as { code: string }).code).toBe("LEASE_EXPIRED");
    }
    const view = await target().getJob(job.id);
    expect(view).toMatchObject({ state: "running", progress: { percent: 0 }, children: [], prompt: null });
    const missing = await call(target(), "/jobs/01900000-0000-7000-8000-000000000000/heartbeat", { lease: "x" });
    expect(missing.status).toBe(404);
    expect((missing.body.error as { code: string }).code).toBe("NOT_FOUND");
  });

  test("a prompt waits for its answer; the answer reaches the worker", async () => {
    const created = await target().createJob({ type: "api.ask" });
    const job = await leaseOne(target(), "api.ask");
    const lease = leaseOf(job);
    const asked = call(target(), `/jobs/${job.id}/prompt`, {
      lease,
      message: "Overwrite?",
      buttons: ["Yes", "No"],
      defaultButton: 1,
      timeoutMs: 600_000,
      waitMs: 10_000,
    });
    const waiting = await target().waitFor(created.id, (j) => j.state === "waiting");
    expect(waiting.prompt).toMatchObject({ message: "Overwrite?", buttons: ["Yes", "No"], defaultButton: 1 });
    expect(waiting.prompt?.deadline).toBeGreaterThan(Date.now() + 500_000);
    const answer = await target().fetch(`/api/v1/jobs/${created.id}/answer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ button: 0 }),
    });
    expect(answer.status).toBe(200);
    const res = await asked;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ answered: true, button: 0, index: 0, state: "running", answers: [0], prompt: null });
    // The heartbeat carries the answers too.
    const beat = await call(target(), `/jobs/${job.id}/heartbeat`, { lease });
    expect(beat.body.answers).toEqual([0]);
  });

  test("an unanswered prompt: the long poll ends, asking again does not ask twice, wait resumes", async () => {
    await target().createJob({ type: "api.ask2" });
    const job = await leaseOne(target(), "api.ask2");
    const lease = leaseOf(job);
    const prompt = { lease, message: "Which disk?", buttons: ["sda", "sdb"], waitMs: 100 };
    const first = await call(target(), `/jobs/${job.id}/prompt`, prompt);
    expect(first.body).toMatchObject({ answered: false, button: null, index: 0, state: "waiting" });
    const again = await call(target(), `/jobs/${job.id}/prompt`, prompt);
    expect(again.body).toMatchObject({ answered: false, index: 0, state: "waiting" });
    const other = await call(target(), `/jobs/${job.id}/prompt`, { ...prompt, message: "Something else?" });
    expect(other.status).toBe(409);
    expect((other.body.error as { code: string }).code).toBe("CONFLICT");
    const never = await call(target(), `/jobs/${job.id}/prompt/wait`, { lease, index: 3, waitMs: 0 });
    expect(never.status).toBe(409);

    const waited = call(target(), `/jobs/${job.id}/prompt/wait`, { lease, index: 0, waitMs: 10_000 });
    await Bun.sleep(50);
    const bad = await target().fetch(`/api/v1/jobs/${job.id}/answer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ button: 5 }),
    });
    expect(bad.status).toBe(400);
    await target().fetch(`/api/v1/jobs/${job.id}/answer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ button: 1 }),
    });
    expect((await waited).body).toMatchObject({ answered: true, button: 1, index: 0 });
    // An answered prompt can be read back by its index.
    expect((await call(target(), `/jobs/${job.id}/prompt/wait`, { lease, index: 0, waitMs: 0 })).body).toMatchObject({ answered: true, button: 1 });
  });

  test("complete stores the result and ends the lease; a second complete is 409", async () => {
    await target().createJob({ type: "api.done" });
    const job = await leaseOne(target(), "api.done");
    const res = await call(target(), `/jobs/${job.id}/complete`, { lease: leaseOf(job), result: { copied: 3 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: "succeeded", result: { copied: 3 }, lease: null });
    const again = await call(target(), `/jobs/${job.id}/complete`, { lease: leaseOf(job), result: { copied: 4 } });
    expect(again.status).toBe(409);
    expect((await target().getJob(job.id))?.result).toEqual({ copied: 3 });
  });

  test("fail: retried while attempts remain, at once when not retryable", async () => {
    const created = await target().createJob({ type: "api.fail", maxAttempts: 3, backoff: { type: "fixed", delayMs: 0 } });
    const first = await leaseOne(target(), "api.fail");
    const failed = await call(target(), `/jobs/${first.id}/fail`, { lease: leaseOf(first), error: { code: "DISK_BUSY", message: "busy" } });
    expect(failed.body).toMatchObject({ state: "queued", attempts: 1, lease: null, error: { code: "DISK_BUSY" } });
    const second = await leaseOne(target(), "api.fail", "w2");
    expect(second).toMatchObject({ id: created.id, attempts: 2 });
    expect(leaseOf(second)).not.toBe(leaseOf(first));
    // The first lease is gone for good.
    expect((await call(target(), `/jobs/${created.id}/heartbeat`, { lease: leaseOf(first) })).status).toBe(409);
    const final = await call(target(), `/jobs/${second.id}/fail`, {
      lease: leaseOf(second),
      error: { code: "BAD_DISK", message: "unreadable", details: { sector: 9 } },
      retryable: false,
    });
    expect(final.body).toMatchObject({ state: "failed", attempts: 2, error: { code: "BAD_DISK", message: "unreadable", details: { sector: 9 } } });
  });

  test("a cancel reaches the heartbeat; stopped ends the job canceled", async () => {
    await target().createJob({ type: "api.cancel" });
    const job = await leaseOne(target(), "api.cancel");
    const lease = leaseOf(job);
    const early = await call(target(), `/jobs/${job.id}/stopped`, { lease });
    expect(early.status).toBe(409);
    expect((early.body.error as { code: string }).code).toBe("CONFLICT");
    await target().fetch(`/api/v1/jobs/${job.id}/cancel`, { method: "POST" });
    const beat = await call(target(), `/jobs/${job.id}/heartbeat`, { lease, progress: 50 });
    expect(beat.body).toMatchObject({ state: "cancelling", cancelRequested: true });
    // A prompt asked now is not opened: the worker hears of the cancel instead.
    const asked = await call(target(), `/jobs/${job.id}/prompt`, { lease, message: "?", buttons: ["a"], waitMs: 5000 });
    expect(asked.body).toMatchObject({ answered: false, cancelRequested: true, state: "cancelling" });
    const stopped = await call(target(), `/jobs/${job.id}/stopped`, { lease });
    expect(stopped.body).toMatchObject({ state: "canceled", lease: null });
  });

  test("a cancel while the worker waits on a prompt ends the wait", async () => {
    await target().createJob({ type: "api.cancel2" });
    const job = await leaseOne(target(), "api.cancel2");
    const asked = call(target(), `/jobs/${job.id}/prompt`, { lease: leaseOf(job), message: "?", buttons: ["a"], waitMs: 20_000 });
    await target().waitFor(job.id, (j) => j.state === "waiting");
    await target().fetch(`/api/v1/jobs/${job.id}/cancel`, { method: "POST" });
    expect((await asked).body).toMatchObject({ answered: false, cancelRequested: true, state: "cancelling" });
  });

  test("work that finishes after a cancel request still succeeds", async () => {
    await target().createJob({ type: "api.cancel3" });
    const job = await leaseOne(target(), "api.cancel3");
    await target().fetch(`/api/v1/jobs/${job.id}/cancel`, { method: "POST" });
    const done = await call(target(), `/jobs/${job.id}/complete`, { lease: leaseOf(job), result: 1 });
    expect(done.body).toMatchObject({ state: "succeeded", result: 1 });
  });

  test("sub-jobs: the parent completes, waits for them without a lease, then succeeds", async () => {
    const parent = await target().createJob({ type: "api.parent" });
    const job = await leaseOne(target(), "api.parent");
    const lease = leaseOf(job);
    const made = await call(target(), `/jobs/${job.id}/children`, {
      lease,
      jobs: [{ type: "api.child", input: { part: 1 } }, { type: "api.quick", kind: "script", input: { steps: [{ succeed: true }] } }],
    });
    expect(made.status).toBe(201);
    const children = made.body.jobs as JobView[];
    expect(children.map((c) => c.parentId)).toEqual([parent.id, parent.id]);
    expect((await target().getJob(parent.id))?.children.sort()).toEqual(children.map((c) => c.id).sort());

    const done = await call(target(), `/jobs/${job.id}/complete`, { lease, result: "parent done" });
    expect(done.body).toMatchObject({ state: "running", lease: null });
    const child = await leaseOne(target(), "api.child", "w-child");
    expect(child.input).toEqual({ part: 1 });
    await call(target(), `/jobs/${child.id}/complete`, { lease: leaseOf(child), result: "child done" });
    const finished = await target().waitFor(parent.id);
    expect(finished).toMatchObject({ state: "succeeded", result: "parent done" });
  });

  test("bad input gets a 400 in the native envelope", async () => {
    await target().createJob({ type: "api.bad" });
    const job = await leaseOne(target(), "api.bad");
    const lease = leaseOf(job);
    const cases: [string, unknown][] = [
      ["/lease", { types: ["api.bad"] }],
      ["/lease", { worker: "w", types: [] }],
      ["/lease", { worker: "w", types: "api.bad" }],
      ["/lease", { worker: "w", types: ["bad type!"] }],
      ["/lease", { worker: "w", types: ["api.bad"], waitMs: 600_000 }],
      ["/lease", { worker: "w", types: ["api.bad"], leaseMs: 10 }],
      ["/lease", { worker: "w", types: ["api.bad"], max: 0 }],
      ["/lease", { worker: "w", types: ["api.bad"], extra: 1 }],
      [`/jobs/${job.id}/heartbeat`, { lease, progress: 150 }],
      [`/jobs/${job.id}/heartbeat`, {}],
      [`/jobs/${job.id}/prompt`, { lease, message: "?", buttons: [] }],
      [`/jobs/${job.id}/prompt`, { lease, message: "?", buttons: ["a"], defaultButton: 3 }],
      [`/jobs/${job.id}/prompt/wait`, { lease, index: -1 }],
      [`/jobs/${job.id}/fail`, { lease }],
      [`/jobs/${job.id}/fail`, { lease, error: { message: "no code" } }],
      [`/jobs/${job.id}/children`, { lease, jobs: [] }],
      [`/jobs/${job.id}/children`, { lease, jobs: [{ type: "x", kind: "no-such-kind" }] }],
      [`/jobs/${job.id}/children`, { lease, jobs: [{ type: "x", kind: "script", input: { steps: 3 } }] }],
    ];
    for (const [path, body] of cases) {
      const res = await call(target(), path, body);
      expect({ path, body, status: res.status }).toEqual({ path, body, status: 400 });
      expect((res.body.error as { code: string }).code).toBe("BAD_REQUEST");
    }
    const malformed = await call(target(), "/lease", "{not json", true);
    expect(malformed.status).toBe(400);
    // None of it touched the job.
    expect(await target().getJob(job.id)).toMatchObject({ state: "running", prompt: null, children: [], progress: { percent: 0 } });
  });
});
