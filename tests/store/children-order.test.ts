import { expect, test } from "bun:test";
import { join } from "node:path";
import { tempDirs } from "../helpers/temp-dirs.ts";
import { engineOn } from "../helpers/engine-on.ts";

const tempDir = tempDirs();

// readChildren and findChildIds sort in code rather than with ORDER BY (ORDER BY over the partial
// index jobs_parent cost ~30 µs a call on every job view); the order must still be creation order.
test("children come back in creation (seq) order, not id order", async () => {
  const dir = tempDir("jobd-children-");
  const { store, engine } = engineOn(join(dir, "jobd.db"));
  const parent = await engine.create({ type: "bench.worker" });
  const template = engine.getRecord(parent.id);
  if (!template) throw new Error("parent not stored");
  // Ids whose text order is the reverse of their insertion order.
  const ids = ["child-c", "child-b", "child-a"];
  store.write(() => {
    for (const id of ids) store.insertJob({ ...template, id, parentId: parent.id, idempotencyKey: null }, null);
  });
  await store.committed();
  expect(store.readChildren(parent.id).map((r) => r.id)).toEqual(ids);
  expect(store.findChildIds(parent.id)).toEqual(ids);
  expect(engine.get(parent.id)?.children).toEqual(ids);
  expect(store.readChildren("no-such-parent")).toEqual([]);
  await engine.close();
  store.close();
});
