/**
 * The official ArangoDB JavaScript driver (arangojs) against the running binary, unchanged: it sends
 * every request under `/_db/_system`, creates jobs with `x-arango-async: store` on the first request
 * its callback makes, polls with PUT (load) and GET (getCompleted), and reads ArangoDB's error envelope.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { Database } from "arangojs";
import { isArangoError } from "arangojs/errors";
import type { Job } from "arangojs/jobs";
import { startBinary, type RunningBinary } from "../helpers/target.ts";

let bin: RunningBinary;
let db: Database;

beforeAll(async () => {
  bin = await startBinary();
  db = new Database({ url: bin.url, databaseName: "_system" });
});

afterAll(async () => {
  db?.close();
  await bin?.stop();
  if (bin) rmSync(bin.dir, { recursive: true, force: true });
});

async function loaded<T>(job: Job<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (!job.isLoaded) {
    if (Date.now() > deadline) throw new Error(`job ${job.id} did not load in time`);
    await job.load();
    if (!job.isLoaded) await Bun.sleep(20);
  }
  return job.result as T;
}

async function completed(job: Job<unknown>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await job.getCompleted())) {
    if (Date.now() > deadline) throw new Error(`job ${job.id} did not complete in time`);
    await Bun.sleep(20);
  }
}

/** A slow request made through the driver; its own promise settles with the job, so it is caught. */
const sleepRequest = (seconds: number | string) => {
  const request = db.request({ method: "POST", pathname: "/_admin/sleep", search: { duration: seconds } });
  request.catch(() => {});
  return request;
};

describe("arangojs 10 against the jobd binary", () => {
  test("createJob + load: the result is what the callback's request would have returned", async () => {
    const sync = await db.version();
    const job = await db.createJob(() => db.version());
    expect(job.id).toMatch(/^[1-9][0-9]*$/);
    expect(await loaded(job)).toEqual(sync);
    expect(sync.server).toBe("arango");
  });

  test("getCompleted is false while pending and true when done; the result loads once", async () => {
    const job = await db.createJob(() => sleepRequest(1));
    expect(await job.getCompleted()).toBe(false);
    expect(await db.listPendingJobs()).toContain(job.id);
    await completed(job);
    expect(await db.listCompletedJobs()).toContain(job.id);
    expect(await loaded(job)).toMatchObject({ duration: 1 });
    expect(await db.listCompletedJobs()).not.toContain(job.id);
  });

  test("a job whose request failed rejects load with the original ArangoDB error", async () => {
    const job = await db.createJob(() => sleepRequest("not-a-number"));
    await completed(job);
    const error = await job.load().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isArangoError(error)).toBe(true);
    expect(error).toMatchObject({ code: 400, errorNum: 400 });
  });

  test("cancel: the job leaves pending once its request stops, and its result is a canceled error", async () => {
    const job = await db.createJob(() => sleepRequest(60));
    expect(await db.listPendingJobs()).toContain(job.id);
    await job.cancel();
    const deadline = Date.now() + 10_000;
    while ((await db.listPendingJobs()).includes(job.id)) {
      if (Date.now() > deadline) throw new Error("still pending");
      await Bun.sleep(20);
    }
    const error = await job.load().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 410, errorNum: 21 });
  });

  test("deleteResult: the job is gone; asking about it is a 404", async () => {
    const job = await db.createJob(() => db.version());
    await completed(job);
    await job.deleteResult();
    expect(await db.listCompletedJobs()).not.toContain(job.id);
    const error = await job.getCompleted().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 404, errorNum: 404 });
  });

  test("deleteExpiredJobResults: an old threshold keeps results, a future one drops them", async () => {
    const job = await db.createJob(() => db.version());
    await completed(job);
    await db.deleteExpiredJobResults(Date.now() - 7 * 24 * 3600 * 1000);
    expect(await db.listCompletedJobs()).toContain(job.id);
    await db.deleteExpiredJobResults(Date.now() + 60_000);
    expect(await db.listCompletedJobs()).toEqual([]);
  });

  test("deleteAllJobResults empties both lists", async () => {
    const done = await db.createJob(() => db.version());
    await completed(done);
    const pending = await db.createJob(() => sleepRequest(60));
    expect(await db.listPendingJobs()).toContain(pending.id);
    await db.deleteAllJobResults();
    expect(await db.listCompletedJobs()).toEqual([]);
    expect(await db.listPendingJobs()).toEqual([]);
  });
});
