/**
 * The worker client library in process (its fetch goes to app.handle): how a handler's outcome
 * settles the job, sub-jobs, a lost lease, and stopping the loop.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { JobFailure, LeaseLostError, runWorker, type JobHandler, type LeasedJob, type RunWorkerOptions } from "../../src/worker/index.ts";
import { inProcessTarget, type Target } from "../helpers/target.ts";

let target: Target;
let stops: (() => Promise<void>)[] = [];
beforeEach(async () => {
  target = await inProcessTarget();
});
afterEach(async () => {
  await Promise.all(stops.map((stop) => stop()));
  stops = [];
  await target.close();
});

function start(types: string[], handler: JobHandler, options: Partial<RunWorkerOptions> = {}) {
  const errors: unknown[] = [];
  const worker = runWorker({
    url: "http://jobd.test",
    worker: "lib-worker",
    types,
    handler,
    pollMs: 2000,
    fetch: (url, init) => target.fetch(new URL(url).pathname, init),
    onError: (error) => errors.push(error),
    ...options,
  });
  stops.push(() => worker.stop());
  return { worker, errors };
}

describe("worker client library [in-process]", () => {
  test("a returned value completes the job; progress is reported on the way", async () => {
    const job = await target.createJob({ type: "lib.ok", input: { n: 2 } });
    const seen: number[] = [];
    start(["lib.ok"], async (j) => {
      const status = await j.progress(60, "most of it");
      seen.push(status.progress.percent);
      return { doubled: (j.input as { n: number }).n * 2 };
    });
    const done = await target.waitFor(job.id);
    expect(done).toMatchObject({ state: "succeeded", result: { doubled: 4 } });
    expect(seen).toEqual([60]);
  });

  test("JobFailure with retryable false fails the job with its code", async () => {
    const job = await target.createJob({ type: "lib.no", maxAttempts: 3 });
    start(["lib.no"], () => {
      throw new JobFailure("DISK_MISSING", "no such disk", { retryable: false, details: { disk: "sdz" } });
    });
    const done = await target.waitFor(job.id);
    expect(done).toMatchObject({ state: "failed", attempts: 1, error: { code: "DISK_MISSING", message: "no such disk", details: { disk: "sdz" } } });
  });

  test("any other throw fails the attempt, which is retried while attempts remain", async () => {
    const job = await target.createJob({ type: "lib.retry", maxAttempts: 2, backoff: { type: "fixed", delayMs: 0 } });
    start(["lib.retry"], (j: LeasedJob) => {
      if (j.attempt === 1) throw new Error("flaky");
      return "second time";
    });
    const done = await target.waitFor(job.id);
    expect(done).toMatchObject({ state: "succeeded", attempts: 2, result: "second time" });
    const failed = target.engine?.log(job.id).find((t) => t.event === "job.fail");
    expect(failed?.payload).toMatchObject({ error: { code: "WORKER_ERROR", message: "flaky" }, retryable: true });
  });

  test("sub-jobs spawned by a handler run, and the parent succeeds after them", async () => {
    const job = await target.createJob({ type: "lib.parent" });
    start(
      ["lib.parent", "lib.part"],
      async (j) => {
        if (j.type === "lib.part") return `part ${(j.input as { i: number }).i}`;
        const kids = await j.spawn([{ type: "lib.part", input: { i: 1 } }, { type: "lib.part", input: { i: 2 } }]);
        return kids.length;
      },
      { concurrency: 3 },
    );
    const done = await target.waitFor(job.id);
    expect(done).toMatchObject({ state: "succeeded", result: 2 });
    const kids = await Promise.all(done.children.map((id) => target.getJob(id)));
    expect(kids.map((k) => k?.result).sort()).toEqual(["part 1", "part 2"]);
  });

  test("a lost lease aborts the handler's signal and the job is not settled by it", async () => {
    const job = await target.createJob({ type: "lib.lost" });
    let reason: unknown;
    let afterLoss: unknown;
    const { errors } = start(
      ["lib.lost"],
      async (j) => {
        j.stopHeartbeats();
        await Bun.sleep(900);
        try {
          await j.progress(10);
        } catch (error) {
          afterLoss = error;
        }
        reason = j.signal.reason;
        return "too late";
      },
      { leaseMs: 500, heartbeatMs: 60_000 },
    );
    const done = await target.waitFor(job.id);
    expect(done).toMatchObject({ state: "failed", error: { code: "LEASE_EXPIRED" }, result: null });
    await Bun.sleep(1000);
    expect(afterLoss).toBeInstanceOf(LeaseLostError);
    expect(reason).toBeInstanceOf(LeaseLostError);
    expect((await target.getJob(job.id))?.result).toBeNull();
    expect(errors.filter((e) => !(e instanceof LeaseLostError))).toEqual([]);
  });

  test("stop() ends leasing and lets the job in hand finish", async () => {
    const first = await target.createJob({ type: "lib.stop" });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const { worker } = start(["lib.stop"], async () => {
      started++;
      await gate;
      return "finished";
    });
    await target.waitFor(first.id, (j) => j.state === "running");
    const stopped = worker.stop();
    const second = await target.createJob({ type: "lib.stop" });
    release();
    await stopped;
    expect((await target.getJob(first.id))?.state).toBe("succeeded");
    expect((await target.getJob(second.id))?.state).toBe("queued");
    expect(started).toBe(1);
  });
});
