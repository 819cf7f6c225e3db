/**
 * Workers as separate processes against the compiled binary: the client library (a bun process) and
 * the curl + shell example. What a worker reports reaches clients; a cancel reaches the worker; a
 * killed worker loses its lease to another; a jobd restart loses neither the job nor the lease.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { JobView, Transition } from "../../src/job-view.ts";
import { startBinary, type RunningBinary } from "../helpers/target.ts";
import { freePort, post, spawnWorker, startStepWorker, type WorkerProcess } from "./helpers.ts";

const workers: WorkerProcess[] = [];
const track = (w: WorkerProcess) => (workers.push(w), w);

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop("SIGKILL")));
});

async function getJob(base: string, id: string): Promise<JobView> {
  const res = await fetch(`${base}/api/v1/jobs/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as JobView;
}

async function waitJob(base: string, id: string, until: (job: JobView) => boolean, timeoutMs = 15_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(base, id);
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} stuck in ${job.state}: ${JSON.stringify(job)}`);
    await Bun.sleep(25);
  }
}

async function createJob(base: string, spec: Record<string, unknown>): Promise<JobView> {
  const res = await post(base, "/api/v1/jobs", spec);
  expect(res.status).toBe(201);
  return res.body as unknown as JobView;
}

async function transitions(base: string, id: string): Promise<Transition[]> {
  const res = await fetch(`${base}/api/v1/jobs/${id}/log`);
  return ((await res.json()) as { transitions: Transition[] }).transitions;
}

const finished = (job: JobView) => ["succeeded", "failed", "canceled"].includes(job.state);

describe("workers as processes [binary]", () => {
  let bin: RunningBinary;

  beforeAll(async () => {
    bin = await startBinary({ args: ["--cancel-grace", "60s"] });
  });
  afterAll(async () => {
    await bin?.stop();
    if (bin) rmSync(bin.dir, { recursive: true, force: true });
  });

  test("progress and a prompt from a worker reach a client, and the answer reaches the worker", async () => {
    const job = await createJob(bin.url, {
      type: "drive_clone",
      namespace: "acme",
      input: {
        steps: [
          { progress: 30, message: "copying sectors" },
          { prompt: "Overwrite the target disk?", buttons: ["Overwrite", "Skip"], default: 1 },
          { progress: 90, message: "verifying" },
        ],
      },
    });
    expect(job.state).toBe("queued");
    const worker = track(startStepWorker(bin.url, "cloner-1", ["drive_clone"]));

    const waiting = await waitJob(bin.url, job.id, (j) => j.state === "waiting");
    expect(waiting.prompt).toEqual({ message: "Overwrite the target disk?", buttons: ["Overwrite", "Skip"], defaultButton: 1 });
    expect(waiting.progress).toEqual({ percent: 30, message: "copying sectors" });
    expect(waiting.lease?.worker).toBe("cloner-1");
    expect(waiting.lease?.expiresAt).toBeGreaterThan(Date.now());

    // The dialects project the same job: CentriQS shows Status 2 with the question, IMS shows RUNNING.
    const centriqs = await fetch(`${bin.url}/api/databases/acme/jobs/${job.id}`, { headers: { accept: "text/json" } });
    expect(centriqs.status).toBe(200);
    expect(JSON.parse(await centriqs.text())).toMatchObject({
      JobId: job.id,
      Status: 2,
      Progress: { Percent: 30, Message: "copying sectors" },
      Request: { Message: "Overwrite the target disk?", Buttons: ["Overwrite", "Skip"] },
    });
    const ims = await fetch(`${bin.url}/v1/acme/jobs/${job.id.replaceAll("-", "")}`);
    expect(ims.status).toBe(200);
    expect(await ims.json()).toMatchObject({ status: "RUNNING", job_id: job.id.replaceAll("-", ""), job_type: "drive_clone" });

    const answered = await post(bin.url, `/api/v1/jobs/${job.id}/answer`, { button: 0 });
    expect(answered.status).toBe(200);
    await worker.waitFor((l) => l.event === "answer" && l.id === job.id);
    const done = await waitJob(bin.url, job.id, finished);
    expect(done.state).toBe("succeeded");
    expect(done.result).toEqual({ worker: "cloner-1", answers: [0] });
    expect(done.answers).toEqual([0]);
    expect(done.progress.percent).toBe(100);
    expect(done.lease).toBeNull();
    const imsDone = await (await fetch(`${bin.url}/v1/acme/jobs/${job.id.replaceAll("-", "")}`)).json();
    expect(imsDone).toMatchObject({ status: "SUCCESS", entities: { worker: "cloner-1", answers: [0] } });
    const centriqsDone = await fetch(`${bin.url}/api/databases/acme/jobs/${job.id}`, { headers: { accept: "text/json" } });
    expect(JSON.parse(await centriqsDone.text())).toMatchObject({ Status: 3 });
  });

  test("a cancel reaches the worker through its heartbeat and the job ends canceled", async () => {
    const job = await createJob(bin.url, {
      type: "export_images",
      input: { steps: [{ progress: 10, message: "exporting" }, { sleep: 60_000 }] },
    });
    const worker = track(startStepWorker(bin.url, "exporter-1", ["export_images"], 1500));
    await waitJob(bin.url, job.id, (j) => j.progress.percent === 10);

    const canceled = await post(bin.url, `/api/v1/jobs/${job.id}/cancel`, {});
    expect(canceled.body.state).toBe("cancelling");
    const aborted = await worker.waitFor((l) => l.event === "aborted" && l.id === job.id);
    expect(aborted.reason).toBe("CancelRequestedError");
    const done = await waitJob(bin.url, job.id, finished);
    expect(done.state).toBe("canceled");
    // The worker said it stopped; the 60 s grace period did not end it.
    expect((await transitions(bin.url, job.id)).map((t) => t.event)).toContain("job.stopped");
  });

  test("a worker killed mid-job loses its lease and another worker finishes the job", async () => {
    const job = await createJob(bin.url, {
      type: "drive_wipe",
      maxAttempts: 3,
      backoff: { type: "fixed", delayMs: 0 },
      input: { steps: [{ progress: 20, message: "wiping" }, { sleep: 1500 }, { progress: 70 }] },
    });
    const first = track(startStepWorker(bin.url, "wiper-a", ["drive_wipe"], 1000));
    await first.waitFor((l) => l.event === "progress" && l.id === job.id);
    const held = await getJob(bin.url, job.id);
    expect(held.lease?.worker).toBe("wiper-a");
    await first.stop("SIGKILL");

    const second = track(startStepWorker(bin.url, "wiper-b", ["drive_wipe"], 1000));
    const done = await waitJob(bin.url, job.id, finished);
    expect(done.state).toBe("succeeded");
    expect(done.result).toEqual({ worker: "wiper-b", answers: [] });
    expect(done.attempts).toBe(2);
    const events = (await transitions(bin.url, job.id)).map((t) => t.event);
    expect(events).toContain("job.lease.expired");
    expect(second.lines.some((l) => l.event === "leased" && l.id === job.id && l.attempt === 2)).toBe(true);
  }, 20_000);

  test("a killed worker's job fails with LEASE_EXPIRED when no attempts remain", async () => {
    const job = await createJob(bin.url, { type: "drive_scan", input: { steps: [{ progress: 5 }, { sleep: 30_000 }] } });
    const worker = track(startStepWorker(bin.url, "scanner-a", ["drive_scan"], 800));
    await worker.waitFor((l) => l.event === "progress" && l.id === job.id);
    await worker.stop("SIGKILL");
    const done = await waitJob(bin.url, job.id, finished);
    expect(done.state).toBe("failed");
    expect(done.error?.code).toBe("LEASE_EXPIRED");
    expect(done.lease).toBeNull();
  });

  test("the curl + shell example works a job: progress, a prompt, a result", async () => {
    const job = await createJob(bin.url, { type: "shell_demo", input: { name: "disk-7" } });
    const worker = track(
      spawnWorker(["sh", join(import.meta.dir, "../../examples/worker.sh")], {
        JOBD_URL: bin.url,
        JOBD_TYPES: "shell_demo",
        JOBD_WORKER: "sh-1",
        JOBD_ONCE: "1",
      }),
    );
    const waiting = await waitJob(bin.url, job.id, (j) => j.state === "waiting");
    expect(waiting.progress.percent).toBe(50);
    expect(waiting.prompt?.buttons).toEqual(["Go on", "Stop"]);
    expect(waiting.lease?.worker).toBe("sh-1");
    expect((await post(bin.url, `/api/v1/jobs/${job.id}/answer`, { button: 0 })).status).toBe(200);
    const done = await waitJob(bin.url, job.id, finished);
    expect(done.state).toBe("succeeded");
    expect(done.result).toEqual({ input: { name: "disk-7" }, answer: "Go on", worker: "sh-1" });
    expect(await worker.proc.exited).toBe(0);
  });
});

describe("a jobd restart in the middle of a leased job [binary]", () => {
  test("keeps the job and the lease: the same worker finishes it in one attempt", async () => {
    const port = freePort();
    const args = ["--port", String(port)];
    let bin = await startBinary({ args });
    const { dir, db } = bin;
    try {
      const job = await createJob(bin.url, {
        type: "drive_clone",
        maxAttempts: 3,
        input: { steps: [{ progress: 20, message: "before" }, { sleep: 2500 }, { progress: 80, message: "after" }] },
      });
      const worker = track(startStepWorker(bin.url, "cloner-r", ["drive_clone"], 6000));
      await worker.waitFor((l) => l.event === "progress" && l.id === job.id);
      const before = await getJob(bin.url, job.id);
      expect(before.lease).not.toBeNull();

      expect(await bin.stop("SIGTERM")).toBe(0);
      bin = await startBinary({ args, dir, db });
      const after = await getJob(bin.url, job.id);
      expect(after.state).toBe("running");
      expect(after.lease?.id).toBe(before.lease?.id ?? "");
      expect(after.progress.percent).toBe(20);

      const done = await waitJob(bin.url, job.id, finished);
      expect(done.state).toBe("succeeded");
      expect(done.result).toEqual({ worker: "cloner-r", answers: [] });
      expect(done.attempts).toBe(1);
      expect((await transitions(bin.url, job.id)).map((t) => t.event)).not.toContain("job.lease.expired");
      expect(worker.lines.filter((l) => l.event === "leased")).toHaveLength(1);
    } finally {
      await bin.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
