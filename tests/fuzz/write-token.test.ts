/**
 * Fuzzing with a write token for namespace `nsb` (every credential form, and sometimes
 * `x-arango-async`, whose queued requests replay later with the same rights). It may change nsb's
 * jobs and create jobs there; every other job must stay exactly as it was, and nothing may 5xx.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { credentialsFor, requests } from "./requests.ts";
import { fcOptions, send } from "./send.ts";
import { changes, createWorld, TOKENS, type World } from "./world.ts";

let world: World;
let before: Map<string, string>;
const statuses = new Map<number, number>();

beforeAll(async () => {
  world = await createWorld({ auth: true });
  before = world.snapshot();
});

afterAll(async () => {
  await world?.close();
});

describe("fuzz: a write token for one namespace", () => {
  test("no 5xx", async () => {
    const arbitrary = requests(world.seeded, credentialsFor(TOKENS.writeB, world.sessions.writeB));
    await fc.assert(
      fc.asyncProperty(arbitrary, async (r) => {
        const status = await send(world.handle, r);
        if (status !== null) statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }),
      fcOptions(4000),
    );
  }, 60_000);

  test("only nsb changed: other namespaces' jobs untouched, new jobs are nsb's and writer-b's", async () => {
    // Queued ArangoDB requests replay in process: let them finish before looking.
    const deadline = Date.now() + 10_000;
    while (world.engine.count({ type: "arango.request", states: ["queued", "running"], limit: 1 }) > 0 && Date.now() < deadline) {
      await Bun.sleep(20);
    }
    await world.engine.committed();
    const after = world.snapshot();
    const diff = changes(before, after);
    const namespaceOf = (id: string) => (JSON.parse((after.get(id) ?? before.get(id)) as string) as { record: { namespace: string; owner: string | null } }).record;
    const foreign = [...diff.changed, ...diff.removed].filter((id) => namespaceOf(id).namespace !== "nsb");
    expect(foreign).toEqual([]);
    const strays = diff.added.map(namespaceOf).filter((r) => r.namespace !== "nsb" || r.owner !== "writer-b");
    expect(strays).toEqual([]);
    // The token did get work done: the run is not all refusals.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(diff.changed.length + diff.added.length).toBeGreaterThan(0);
  }, 20_000);
});
