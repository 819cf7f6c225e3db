import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { SqliteStore, type JobRecord } from "../../src/store/index.ts";
import { tempDirs } from "../helpers/temp-dirs.ts";
import { engineOn } from "../helpers/engine-on.ts";

// Client reads are served from a cache of committed rows. These tests hold it to the promise the
// read connection makes: a read shows the last COMMIT, never an uncommitted write, never an older one.

const tempDir = tempDirs();

async function open() {
  const dir = tempDir("jobd-read-cache-");
  const path = join(dir, "jobd.db");
  const { store, engine } = engineOn(path);
  const made = await engine.create({ type: "bench.worker", description: "first" });
  const template = store.readJobById(made.id);
  if (!template) throw new Error("job not stored");
  const close = async () => {
    await engine.close();
    store.close();
  };
  return { path, store, engine, template, close };
}

test("a read shows the committed row until the COMMIT of a change, then the change", async () => {
  const { store, template, close } = await open();
  expect(store.readJobById(template.id)?.description).toBe("first");
  store.write(() => store.updateJob({ ...template, description: "second" }, null));
  // Written, not committed: readers still see the committed row (from the cache or from SQLite).
  expect(store.readJobById(template.id)?.description).toBe("first");
  await store.committed();
  expect(store.readJobById(template.id)?.description).toBe("second");
  await close();
});

test("the same unchanged row is the same frozen object; callers cannot change what others read", async () => {
  const { store, template, close } = await open();
  const a = store.readJobById(template.id) as JobRecord;
  const b = store.readJobById(template.id) as JobRecord;
  expect(a).toBe(b);
  expect(Object.isFrozen(a)).toBe(true);
  expect(Object.isFrozen(a.backoff)).toBe(true);
  expect(() => {
    (a as { description: string }).description = "changed";
  }).toThrow(TypeError);
  expect(store.readJobById(template.id)?.description).toBe("first");
  await close();
});

test("a failed write leaves the committed row readable and a later commit still shows through", async () => {
  const { store, template, close } = await open();
  store.readJobById(template.id);
  expect(() =>
    store.write(() => {
      store.updateJob({ ...template, description: "rolled back" }, null);
      throw new Error("boom");
    }),
  ).toThrow("boom");
  await store.committed();
  expect(store.readJobById(template.id)?.description).toBe("first");
  store.write(() => store.updateJob({ ...template, description: "third" }, null));
  await store.committed();
  expect(store.readJobById(template.id)?.description).toBe("third");
  await close();
});

test("children lists follow inserts of children and changes of a child", async () => {
  const { store, template, close } = await open();
  expect(store.readChildren(template.id)).toEqual([]);
  const child = { ...template, id: "child-1", parentId: template.id, idempotencyKey: null, description: "child" };
  store.write(() => store.insertJob(child, null));
  expect(store.readChildren(template.id)).toEqual([]);
  await store.committed();
  expect(store.readChildren(template.id).map((c) => c.description)).toEqual(["child"]);
  store.write(() => store.updateJob({ ...child, description: "child changed" }, null));
  await store.committed();
  expect(store.readChildren(template.id).map((c) => c.description)).toEqual(["child changed"]);
  store.write(() => store.deleteJob(child.id));
  await store.committed();
  expect(store.readChildren(template.id)).toEqual([]);
  expect(store.readJobById(child.id)).toBeUndefined();
  await close();
});

test("engine views of an unchanged job are shared; a committed change makes a new one", async () => {
  const { engine, template, close } = await open();
  const first = engine.get(template.id);
  expect(engine.get(template.id)).toBe(first as NonNullable<typeof first>);
  expect(Object.isFrozen(first)).toBe(true);
  await engine.cancel(template.id);
  const after = engine.get(template.id);
  expect(after).not.toBe(first as NonNullable<typeof first>);
  expect(after?.state).toBe("canceled");
  expect(first?.state).toBe("queued");
  await close();
});

test("the cache holds a bounded number of rows and reads past it still come from SQLite", async () => {
  const { path, store, engine, close } = await open();
  const ids: string[] = [];
  for (let i = 0; i < 12_000; i += 500) {
    const made = await Promise.all(Array.from({ length: 500 }, () => engine.create({ type: "bench.worker" })));
    ids.push(...made.map((j) => j.id));
  }
  for (const id of ids) expect(store.readJobById(id)?.id).toBe(id);
  // Written behind jobd's back (no commit of its own to drop the cached row): the first rows read were
  // evicted, so a read goes back to SQLite and sees the change; the last ones are still cached.
  const other = new Database(path);
  other.query("UPDATE jobs SET description = 'outside' WHERE id IN (?, ?)").run(ids[0] as string, ids.at(-1) as string);
  other.close();
  expect(store.readJobById(ids[0] as string)?.description).toBe("outside");
  expect(store.readJobById(ids.at(-1) as string)?.description).not.toBe("outside");
  await close();
});
