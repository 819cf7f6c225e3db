/** One `script` job through the native API, followed to the end: the smoke test every binary passes. */
import { expect } from "bun:test";
import type { JobView } from "../../src/job-view.ts";

export async function healthz(url: string): Promise<number> {
  return (await fetch(`${url}/healthz`)).status;
}

export async function driveScriptJob(url: string, timeoutMs = 30_000): Promise<JobView> {
  const res = await fetch(`${url}/api/v1/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      type: "dist.smoke",
      kind: "script",
      description: "portable binary smoke test",
      input: { steps: [{ progress: 40, message: "warming up" }, { sleep: 50 }, { progress: 90 }, { succeed: { ok: true } }] },
    }),
  });
  expect(res.status).toBe(201);
  const created = (await res.json()) as JobView;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await (await fetch(`${url}/api/v1/jobs/${created.id}`)).json()) as JobView;
    if (["succeeded", "failed", "canceled"].includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`job ${created.id} still ${job.state} after ${timeoutMs} ms`);
    await Bun.sleep(50);
  }
}
