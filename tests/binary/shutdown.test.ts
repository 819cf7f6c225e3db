/**
 * Graceful shutdown: SIGTERM in the middle of a create load. Every request that was answered 201 is in
 * the database after a restart, no accepted request is left without an answer, the process exits 0
 * within its bound, and the database is clean.
 */
import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { rmSync } from "node:fs";
import type { JobView } from "../../src/job-view.ts";
import { clientOf, startBinary } from "../helpers/target.ts";

test("SIGTERM during load answers what it accepted and leaves a clean database", async () => {
  const jobd = await startBinary();
  const acknowledged: string[] = [];
  const outcomes = { answered: 0, refused: 0 };
  let stop = false;
  // An open event stream must not hold the shutdown up.
  const events = await fetch(`${jobd.url}/api/v1/events`);
  const client = async () => {
    while (!stop) {
      try {
        const res = await fetch(`${jobd.url}/api/v1/jobs`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ type: "script", input: { steps: [{ sleep: 60_000 }] } }),
        });
        outcomes.answered++;
        if (res.status === 201) acknowledged.push(((await res.json()) as JobView).id);
        else await res.arrayBuffer();
      } catch {
        // Refused: the listener was already closed, so the request was never accepted.
        outcomes.refused++;
        await Bun.sleep(5);
      }
    }
  };
  const clients = Array.from({ length: 8 }, client);
  await Bun.sleep(800);
  const started = Date.now();
  jobd.proc.kill("SIGTERM");
  const code = await jobd.proc.exited;
  const took = Date.now() - started;
  stop = true;
  await Promise.all(clients);
  await events.body?.cancel().catch(() => {});
  expect(code).toBe(0);
  expect(took).toBeLessThan(10_000);
  expect(acknowledged.length).toBeGreaterThan(20);

  const db = new Database(jobd.db, { readonly: true });
  expect(db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()?.integrity_check).toBe("ok");
  const stored = new Set(db.query<{ id: string }, []>("SELECT id FROM jobs").all().map((r) => r.id));
  db.close();
  expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);

  // The sleeping jobs were running when jobd stopped: the next start re-runs them.
  const again = await startBinary({ dir: jobd.dir, db: jobd.db });
  const job = (await (await fetch(`${again.url}/api/v1/jobs/${acknowledged[0]}`)).json()) as JobView;
  expect(job.state).toBe("running");
  await again.stop();
  rmSync(jobd.dir, { recursive: true, force: true });
});

test("SIGTERM answers open long polls at once: a job's /wait gets the job as it is, and jobd exits 0", async () => {
  const jobd = await startBinary();
  const job = await clientOf(jobd.url).createJob({ type: "script", input: { steps: [{ sleep: 60_000 }] } });
  const waits = Array.from({ length: 5 }, () => fetch(`${jobd.url}/api/v1/jobs/${job.id}/wait?timeout=60000`));
  await Bun.sleep(200);
  const started = Date.now();
  jobd.proc.kill("SIGTERM");
  const answers = await Promise.all(waits);
  expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  expect(((await answers[0]!.json()) as JobView).state).toBe("running");
  expect(await jobd.proc.exited).toBe(0);
  // Before, stopping waited for the polls and the polls for the stop: killed at the 10 s bound, exit 1.
  expect(Date.now() - started).toBeLessThan(3000);
});
