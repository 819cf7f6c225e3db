/**
 * Crash safety: the binary is killed with SIGKILL in the middle of a create load. After a restart every
 * job whose create was answered 201 is there, unfinished in-process work resumed or was re-queued, and
 * the database passes PRAGMA integrity_check.
 */
import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { rmSync } from "node:fs";
import type { JobView } from "../../src/job-view.ts";
import { startBinary } from "../helpers/target.ts";

const SPECS = [
  { type: "script", input: { steps: [{ progress: 10 }, { sleep: 60_000 }] } },
  { type: "script", input: { steps: [{ prompt: "Continue?", buttons: ["Yes", "No"] }] } },
  { type: "script", input: { steps: [] } },
  { type: "script", input: { steps: [{ sleep: 30_000 }] }, children: [{ type: "script", input: { steps: [{ sleep: 30_000 }] } }] },
  { type: "external-queue", input: { n: 1 } },
];

test("kill -9 under load loses no acknowledged job and leaves a clean database", async () => {
  const first = await startBinary();
  const acknowledged = new Map<string, number>();
  let stop = false;
  const client = async (worker: number) => {
    let i = worker;
    while (!stop) {
      const spec = SPECS[i++ % SPECS.length];
      try {
        const res = await fetch(`${first.url}/api/v1/jobs`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(spec),
        });
        if (res.status === 201) {
          const job = (await res.json()) as JobView;
          acknowledged.set(job.id, i % SPECS.length);
        }
      } catch {
        // The server died mid-request: that create was never acknowledged.
      }
    }
  };
  const clients = Array.from({ length: 16 }, (_, n) => client(n));
  await Bun.sleep(1500);
  first.proc.kill("SIGKILL");
  await first.proc.exited;
  stop = true;
  await Promise.all(clients);
  expect(acknowledged.size).toBeGreaterThan(50);

  const second = await startBinary({ dir: first.dir, db: first.db });
  try {
    const missing: string[] = [];
    const states = new Map<string, number>();
    for (const id of acknowledged.keys()) {
      const res = await fetch(`${second.url}/api/v1/jobs/${id}`);
      if (res.status !== 200) {
        missing.push(id);
        continue;
      }
      const job = (await res.json()) as JobView;
      states.set(job.state, (states.get(job.state) ?? 0) + 1);
    }
    expect(missing).toEqual([]);
    // Sleeping scripts were interrupted: each came back running (re-run from the start), none stuck.
    const running = (await (await fetch(`${second.url}/api/v1/jobs?state=running&limit=1000`)).json()) as { jobs: JobView[] };
    expect(running.jobs.length).toBeGreaterThan(0);
    for (const job of running.jobs.slice(0, 20)) {
      const log = (await (await fetch(`${second.url}/api/v1/jobs/${job.id}/log`)).json()) as { transitions: { event: string }[] };
      expect(log.transitions.map((t) => t.event)).toContain("job.interrupted");
    }
    expect(states.get("waiting") ?? 0).toBeGreaterThan(0);
    expect(states.get("queued") ?? 0).toBeGreaterThan(0);
  } finally {
    await second.stop();
  }
  const db = new Database(first.db, { readonly: true });
  expect(db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()?.integrity_check).toBe("ok");
  db.close();
  rmSync(first.dir, { recursive: true, force: true });
});
