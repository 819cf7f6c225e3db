import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jobMachine, scriptMachine, externalMachine, type JobInput } from "../../machines/index.ts";
import { BIRTH_SNAPSHOT, BirthSnapshots, bornQueued, jobInputOf } from "../../src/engine/birth.ts";
import { engineOn } from "../helpers/engine-on.ts";

const input = (over: Partial<JobInput>): JobInput => ({
  kind: "x",
  input: null,
  maxAttempts: 1,
  backoff: { type: "fixed", delayMs: 1 },
  failurePolicy: "wait-all",
  interruptPolicy: "rerun",
  ...over,
});

test("a job born passivated gets exactly the snapshot its machine would compute", () => {
  const births = new BirthSnapshots();
  for (const work of [scriptMachine, externalMachine]) {
    const machine = jobMachine.provide({ actors: { work } });
    const cases: [JobInput, string[]][] = [
      [input({ kind: "a", input: { steps: [{ sleep: 5 }] } }), []],
      [input({ kind: "b", input: { n: 1, deep: { x: [1, 2] } }, maxAttempts: 4, failurePolicy: "fail-fast" }), ["c1", "c2"]],
      [input({ kind: "c", backoff: { type: "exponential", delayMs: 50, maxDelayMs: 900 }, interruptPolicy: "fail" }), ["only"]],
    ];
    for (const [i, children] of cases) {
      expect(JSON.parse(JSON.stringify(births.snapshot(machine, i, children)))).toEqual(
        JSON.parse(JSON.stringify(bornQueued(machine, i, children))),
      );
    }
  }
});

test("a job born passivated stores no snapshot; woken later it runs from the one its row implies", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jobd-birth-"));
  try {
    const { store, engine } = engineOn(join(dir, "jobd.db"));
    // Scheduled for later, with two children that wait as well: parent and children are born passivated.
    const runAt = Date.now() + 60_000;
    const parent = await engine.create({
      type: "script",
      input: { steps: [{ progress: 50 }] },
      runAt,
      maxAttempts: 3,
      children: [{ type: "bench.worker" }, { type: "bench.worker" }],
    });
    const stored = store.findSnapshot(parent.id);
    expect(stored?.snapshot).toBe(BIRTH_SNAPSHOT);
    // The snapshot the row implies is the one the machine computes for the same input and children.
    const record = store.findJobById(parent.id);
    if (!record) throw new Error("parent not stored");
    const kind = engine.kinds.get("script");
    const machine = engine.kinds.machineFor("script");
    expect(JSON.parse(JSON.stringify(new BirthSnapshots().snapshot(machine, jobInputOf(record, kind), store.findChildIds(parent.id))))).toEqual(
      JSON.parse(JSON.stringify(bornQueued(machine, { ...jobInputOf(record, kind) }, parent.children))),
    );
    // Woken by a cancel: the actor restores, cancels its children and ends (a finished job keeps no snapshot).
    const canceled = await engine.cancel(parent.id);
    expect(canceled.state).toBe("canceled");
    expect(store.findSnapshot(parent.id)?.snapshot).toBeNull();
    for (const id of parent.children) expect(engine.get(id)?.state).toBe("canceled");
    await engine.close();
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
