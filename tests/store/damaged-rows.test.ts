import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { engineOn } from "../helpers/engine-on.ts";
import { tempDirs } from "../helpers/temp-dirs.ts";

const tempDir = tempDirs();

/**
 * A row whose JSON columns do not parse (edited by hand, or corrupted) must stop neither boot nor
 * reads, and must lose nothing: its column reads as empty, its text is written back as it was, and a
 * job that would have to run on it fails with ROW_DAMAGED, the text kept in its error.
 */
test("damaged JSON columns: boot goes on, reads go on, the text is kept, and the job fails when it must run", async () => {
  const dir = tempDir("jobd-damaged-");
  const path = join(dir, "jobd.db");
  let { store, engine } = engineOn(path);
  const running = await engine.create({ type: "script", input: { steps: [{ sleep: 60_000 }] } });
  const waiting = await engine.create({ type: "script", input: { steps: [{ prompt: "Go?", buttons: ["yes"] }] } });
  const finished = await engine.create({ type: "script", input: { steps: [{ succeed: { n: 1 } }] } });
  const leased = await engine.create({ type: "script", input: { steps: [{ prompt: "Go?", buttons: ["yes"] }] } });
  expect([running.state, waiting.state, finished.state]).toEqual(["running", "waiting", "succeeded"]);
  await engine.close();
  store.close();

  const db = new Database(path);
  db.query("UPDATE jobs SET input = '{broken' WHERE id = ?").run(running.id);
  db.query("UPDATE jobs SET answers = 'nope' WHERE id = ?").run(waiting.id);
  db.query("UPDATE jobs SET result = '{oops' WHERE id = ?").run(finished.id);
  db.query("UPDATE jobs SET resources = '[' WHERE id = ?").run(leased.id);
  db.query("UPDATE transitions SET payload = 'not json' WHERE job_id = ? AND seq = 2").run(finished.id);
  db.close();

  try {
    // Boot resumes the running job: it would run on an empty input, so it fails instead.
    ({ store, engine } = engineOn(path));
    await engine.committed();
    const failed = engine.get(running.id);
    expect(failed?.state).toBe("failed");
    expect(failed?.error).toEqual({
      code: "ROW_DAMAGED",
      message: "stored input could not be read as JSON",
      details: { damagedColumns: { input: "{broken" } },
    });
    expect(engine.log(running.id).at(-1)?.event).toBe("job.restore.failed");

    // Reads and lists see every job; a damaged column reads as its empty value.
    expect(engine.get(waiting.id)?.answers).toEqual([]);
    expect(engine.get(finished.id)?.result).toBeNull();
    expect(engine.list({ limit: 10 }).map((j) => j.id).sort()).toEqual([running.id, waiting.id, finished.id, leased.id].sort());
    expect(engine.log(finished.id)[1]?.payload).toBe("not json");

    // A change to other columns writes the damaged one back as it was.
    engine.patch(finished.id, () => ({ receivedAt: 1 }));
    await engine.committed();
    const kept = store.reader.query<{ result: string }, [string]>("SELECT result FROM jobs WHERE id = ?").get(finished.id);
    expect(kept?.result).toBe("{oops");
    // A change to the damaged column itself writes the new value.
    engine.patch(finished.id, () => ({ result: { n: 2 } }));
    await engine.committed();
    const changed = store.reader.query<{ result: string }, [string]>("SELECT result FROM jobs WHERE id = ?").get(finished.id);
    expect(changed?.result).toBe('{"n":2}');

    // The waiting job fails when an answer would wake it, and the answer is told so.
    await expect(engine.answer(waiting.id, 0)).rejects.toMatchObject({
      code: "CONFLICT",
      message: "the job failed before it took this event (ROW_DAMAGED)",
    });
    const answered = engine.get(waiting.id);
    expect(answered?.state).toBe("failed");
    expect(answered?.error?.code).toBe("ROW_DAMAGED");
    expect(answered?.error?.details).toEqual({ damagedColumns: { answers: "nope" } });

    // An event from a worker or a deadline that finds the job failed on waking gets a conflict, not a 404.
    await expect(engine.send(leased.id, { type: "job.answer", button: 0 })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "the job failed before it took this event (ROW_DAMAGED)",
    });
    await engine.committed();
    expect(engine.get(leased.id)?.error?.code).toBe("ROW_DAMAGED");
  } finally {
    await engine.close();
    store.close();
  }
});
