import { afterEach, expect, test } from "bun:test";
import { join } from "node:path";
import { Engine } from "../../src/engine/index.ts";
import { INPUT_MARK, LITERAL_MARK, withInput, withoutInput } from "../../src/engine/snapshot-input.ts";
import { SqliteStore } from "../../src/store/index.ts";
import { tempDirs } from "../helpers/temp-dirs.ts";
import { engineOn } from "../helpers/engine-on.ts";

const open: { engine: Engine; store: SqliteStore }[] = [];
afterEach(async () => {
  for (const { engine, store } of open.splice(0)) {
    await engine.close();
    store.close();
  }
});
const tempDir = tempDirs();

test("the input and its own object properties become markers; the rest is shared, and nothing is changed", () => {
  const steps = [{ progress: 10 }];
  const input = { steps, note: "n", options: { fast: true } };
  const lookalike = { progress: 10 };
  const persisted = {
    context: { input, backoff: { type: "fixed" }, similar: [lookalike] },
    children: { work: { snapshot: { context: { steps, options: input.options, note: input.note } } } },
  };
  const before = JSON.stringify(persisted);
  const stored = withoutInput(persisted, input) as typeof persisted;
  expect(JSON.parse(JSON.stringify(stored))).toEqual({
    context: { input: { [INPUT_MARK]: [] }, backoff: { type: "fixed" }, similar: [{ progress: 10 }] },
    children: { work: { snapshot: { context: { steps: { [INPUT_MARK]: ["steps"] }, options: { [INPUT_MARK]: ["options"] }, note: "n" } } } },
  });
  // Only identical objects go: an equal one elsewhere stays, and untouched branches are shared.
  expect(stored.context.backoff).toBe(persisted.context.backoff);
  expect(stored.context.similar).toBe(persisted.context.similar);
  expect(JSON.stringify(persisted)).toBe(before);
});

test("a restored snapshot gets the row's input back where the markers were, as one shared object", () => {
  const input = { steps: [{ prompt: "?", buttons: ["a"] }], deep: { a: { b: 1 } } };
  const persisted = { context: { input, deep: input.deep.a }, children: { work: { snapshot: { context: { steps: input.steps } } } } };
  const text = JSON.stringify(withoutInput(persisted, input));
  expect(text).not.toContain("prompt");
  const row = JSON.parse(JSON.stringify(input)) as typeof input;
  const restored = withInput(JSON.parse(text), row) as typeof persisted;
  expect(restored).toEqual(persisted);
  expect(restored.context.input).toBe(row);
  expect(restored.children.work.snapshot.context.steps).toBe(row.steps);
});

test("inputs that are not objects, and snapshots without markers, pass through unchanged", () => {
  const persisted = { context: { input: "text", n: 1 } };
  for (const input of ["text", 5, null, undefined]) expect(withoutInput(persisted, input)).toBe(persisted);
  const legacy = { context: { input: { steps: [] } } };
  expect(withInput(structuredClone(legacy), { steps: [1] })).toEqual(legacy);
});

test("values of the snapshot's own that look like markers come back as they were", () => {
  const lookalikes = [{ [INPUT_MARK]: [] }, { [INPUT_MARK]: ["steps"] }, { [LITERAL_MARK]: 5 }, { [LITERAL_MARK]: { [INPUT_MARK]: [] } }];
  for (const input of [{ steps: [1] }, "text", null]) {
    const persisted = { context: { input, result: lookalikes, error: { [INPUT_MARK]: [] } } };
    const restored = withInput(JSON.parse(JSON.stringify(withoutInput(persisted, input))), structuredClone(input));
    expect(restored).toEqual(persisted);
  }
});

function openIn(dir: string) {
  // keepIdle 0: every answer restores the job from its stored snapshot.
  const opened = engineOn(join(dir, "jobd.db"), { keepIdle: 0 });
  open.push(opened);
  return opened;
}

const questions = (n: number) =>
  Array.from({ length: n }, (_, i) => [{ prompt: `Question number ${i}, unique-token?`, buttons: ["yes", "no"] }, { progress: i }]).flat();

test("a job waiting on a prompt stores its snapshot without its input and runs on from it", async () => {
  const { engine, store } = openIn(tempDir("jobd-snapinput-"));
  const steps = questions(3);
  const job = await engine.create({ type: "script", input: { steps } });
  for (let i = 0; i < 2; i++) {
    // The open question is in the context; the ones not asked yet are only in the input.
    const stored = store.findSnapshot(job.id)?.snapshot ?? "";
    expect(stored).toContain(`Question number ${i},`);
    expect(stored).not.toContain(`Question number ${i + 1},`);
    expect(stored).toContain(INPUT_MARK);
    const view = await engine.answer(job.id, i % 2);
    expect(view.state).toBe("waiting");
    expect(view.prompt?.message).toBe(`Question number ${i + 1}, unique-token?`);
  }
  const done = await engine.answer(job.id, 0);
  expect(done.state).toBe("succeeded");
  expect(done.result).toEqual({ answers: ["yes", "no", "yes"] });
});

test("a snapshot stored with the input inline (before schema 5) still restores", async () => {
  const { engine, store } = openIn(tempDir("jobd-snapinput-"));
  const steps = questions(2);
  const job = await engine.create({ type: "script", input: { steps } });
  const stored = store.findSnapshot(job.id)?.snapshot ?? "";
  // What an older jobd wrote: the same snapshot with the input in place.
  const inline = JSON.stringify(withInput(JSON.parse(stored), { steps }));
  expect(inline).toContain("Question number 1,");
  store.writer.query("UPDATE jobs SET snapshot = ? WHERE id = ?").run(inline, job.id);
  const next = await engine.answer(job.id, 1);
  expect(next.prompt?.message).toBe("Question number 1, unique-token?");
  expect((await engine.answer(job.id, 0)).result).toEqual({ answers: ["no", "yes"] });
});
