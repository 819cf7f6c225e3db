/**
 * Lease expiry with a manual clock (in process): a lease that stops heartbeating expires from its
 * stored deadline; the job goes back to the queue (an attempt, with backoff) or fails; late calls with
 * the old lease get 409 and change nothing.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { JobSpec, JobView } from "../../src/job-view.ts";
import { inProcessTarget, type Target } from "../helpers/target.ts";

let target: Target;
beforeEach(async () => {
  target = await inProcessTarget({ manualClock: true });
});
afterEach(async () => {
  await target.close();
});

const clock = () => {
  if (!target.clock || !target.engine) throw new Error("needs the in-process target with a manual clock");
  return { clock: target.clock, engine: target.engine };
};

async function call(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await target.fetch(`/api/v1/workers${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function createAndLease(spec: JobSpec, leaseMs = 1000): Promise<{ job: JobView; lease: string }> {
  await target.createJob(spec);
  const res = await call("/lease", { worker: "w1", types: [spec.type], leaseMs });
  const job = (res.body.jobs as JobView[])[0];
  if (!job?.lease) throw new Error(`nothing leased: ${JSON.stringify(res.body)}`);
  return { job, lease: job.lease.id };
}

async function expire(ms: number): Promise<void> {
  const { clock: c, engine } = clock();
  c.advance(ms);
  engine.tick();
  await engine.store.committed();
}

describe("lease expiry [in-process, manual clock]", () => {
  test("an expired lease is refused at once, and its job goes back to the queue as an attempt", async () => {
    const { job, lease } = await createAndLease({ type: "exp.retry", maxAttempts: 2, backoff: { type: "fixed", delayMs: 0 } });
    expect(job.lease?.expiresAt).toBe(clock().clock.now() + 1000);
    clock().clock.advance(1001);
    // Past its expiry the lease is refused even before the deadline fires.
    const late = await call(`/jobs/${job.id}/heartbeat`, { lease, progress: 50 });
    expect(late.status).toBe(409);
    expect((late.body.error as { code: string }).code).toBe("LEASE_EXPIRED");
    expect((await target.getJob(job.id))?.progress.percent).toBe(0);

    await expire(0);
    const requeued = await target.getJob(job.id);
    expect(requeued).toMatchObject({ state: "queued", attempts: 1, lease: null, error: { code: "LEASE_EXPIRED" } });
    const log = await (await target.fetch(`/api/v1/jobs/${job.id}/log`)).json();
    expect((log as { transitions: { event: string }[] }).transitions.map((t) => t.event)).toContain("job.lease.expired");

    // The old lease stays dead; a new worker takes the job for its second attempt.
    expect((await call(`/jobs/${job.id}/complete`, { lease, result: "late" })).status).toBe(409);
    const again = await call("/lease", { worker: "w2", types: ["exp.retry"] });
    const second = (again.body.jobs as JobView[])[0];
    expect(second).toMatchObject({ id: job.id, attempts: 2, lease: { worker: "w2" } });
    const done = await call(`/jobs/${job.id}/complete`, { lease: second?.lease?.id, result: "second" });
    expect(done.body).toMatchObject({ state: "succeeded", result: "second" });
  });

  test("with no attempts left the job fails with LEASE_EXPIRED", async () => {
    const { job } = await createAndLease({ type: "exp.fail" });
    await expire(1000);
    expect(await target.getJob(job.id)).toMatchObject({ state: "failed", attempts: 1, lease: null, error: { code: "LEASE_EXPIRED" } });
  });

  test("heartbeats keep the lease past its first expiry", async () => {
    const { job, lease } = await createAndLease({ type: "exp.beat" });
    for (let i = 0; i < 5; i++) {
      await expire(800);
      const beat = await call(`/jobs/${job.id}/heartbeat`, { lease, leaseMs: 1000 });
      expect(beat.status).toBe(200);
      expect((beat.body.lease as { expiresAt: number }).expiresAt).toBe(clock().clock.now() + 1000);
    }
    expect((await target.getJob(job.id))?.state).toBe("running");
    await expire(1000);
    expect((await target.getJob(job.id))?.state).toBe("failed");
  });

  test("the backoff delays the retry; a waiting lease call gets the job when it is due", async () => {
    const { job } = await createAndLease({ type: "exp.backoff", maxAttempts: 2, backoff: { type: "fixed", delayMs: 5000 } });
    await expire(1000);
    const queued = await target.getJob(job.id);
    expect(queued?.state).toBe("queued");
    expect(queued?.runAt).toBe(clock().clock.now() + 5000);
    expect((await call("/lease", { worker: "w2", types: ["exp.backoff"] })).body).toEqual({ jobs: [] });

    const poll = call("/lease", { worker: "w2", types: ["exp.backoff"], waitMs: 10_000 });
    await Bun.sleep(50);
    await expire(5000);
    const got = (await poll).body.jobs as JobView[];
    expect(got.map((j) => [j.id, j.attempts])).toEqual([[job.id, 2]]);
  });

  test("a lease that expires while a prompt is open puts the job back without the prompt", async () => {
    const { job, lease } = await createAndLease({ type: "exp.prompt", maxAttempts: 2, backoff: { type: "fixed", delayMs: 0 } });
    const asked = await call(`/jobs/${job.id}/prompt`, { lease, message: "Go?", buttons: ["Yes"], waitMs: 0, leaseMs: 1000 });
    expect(asked.body).toMatchObject({ state: "waiting", answered: false });
    await expire(1000);
    expect(await target.getJob(job.id)).toMatchObject({ state: "queued", prompt: null, lease: null });
    const answer = await target.fetch(`/api/v1/jobs/${job.id}/answer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ button: 0 }),
    });
    expect(answer.status).toBe(400);
  });

  test("a lease that expires while cancelling ends the job canceled", async () => {
    const { job } = await createAndLease({ type: "exp.cancel", maxAttempts: 3 });
    await target.fetch(`/api/v1/jobs/${job.id}/cancel`, { method: "POST" });
    await expire(1000);
    expect(await target.getJob(job.id)).toMatchObject({ state: "canceled", lease: null });
  });

  test("a completed parent waiting for sub-jobs holds no lease that could expire", async () => {
    const { job, lease } = await createAndLease({ type: "exp.parent" });
    await call(`/jobs/${job.id}/children`, { lease, jobs: [{ type: "exp.child" }] });
    await call(`/jobs/${job.id}/complete`, { lease, result: 1 });
    await expire(60_000);
    expect(await target.getJob(job.id)).toMatchObject({ state: "running", stateValue: "running.joining", lease: null });
  });
});
