import { expect, test } from "bun:test";
import { join } from "node:path";
import { engineOn } from "../helpers/engine-on.ts";
import { tempDirs } from "../helpers/temp-dirs.ts";

const tempDir = tempDirs();

/**
 * A job's machine that throws must fail that job, not the process. XState rethrows an unobserved
 * actor error from a timer, which ends a Bun process. The job here is made to throw by damaging its
 * stored snapshot, the way a hand-edited or corrupted row would.
 */
test("a machine that throws on an answer fails its job with MACHINE_ERROR, and the engine goes on", async () => {
  const dir = tempDir("jobd-machine-errors-");
  // keepIdle 0: the job sleeps in its row as soon as it waits, so the answer restores it from there.
  const { store, engine } = engineOn(join(dir, "jobd.db"), { keepIdle: 0 });
  try {
    const job = await engine.create({ type: "script", input: { steps: [{ prompt: "Go?", buttons: ["yes"] }] } });
    expect(job.state).toBe("waiting");
    const row = store.writer.query<{ snapshot: string }, [string]>("SELECT snapshot FROM jobs WHERE id = ?").get(job.id);
    const snapshot = JSON.parse(row?.snapshot ?? "null");
    snapshot.context.children = null;
    store.writer.query("UPDATE jobs SET snapshot = ? WHERE id = ?").run(JSON.stringify(snapshot), job.id);

    // The answer ends the script, and the lifecycle's guard on its children throws on `null`.
    await engine.answer(job.id, 0);
    // An error XState rethrew from a timer would end the run here.
    await Bun.sleep(20);

    const failed = engine.get(job.id);
    expect(failed?.state).toBe("failed");
    expect(failed?.error?.code).toBe("MACHINE_ERROR");
    expect(failed?.error?.message).toContain("childrenPending");
    expect(engine.log(job.id).map((t) => `${t.event}: ${t.from} → ${t.to}`)).toEqual([
      "job.create:  → queued",
      "job.start: queued → running.working",
      "job.prompt: running.working → running.waiting",
      "job.answer: running.waiting → running.working",
      "job.machine.error: running.working → failed",
    ]);

    // The engine still runs other jobs.
    const next = await engine.create({ type: "script", input: { steps: [] } });
    expect(next.state).toBe("succeeded");
  } finally {
    await engine.close();
    store.close();
  }
});
