/**
 * Fuzzing without rights: no credentials, wrong credentials in every form, and a read-only token for
 * namespace `nsa`. Thousands of malformed requests against every route of every surface must get no
 * 5xx, crash nothing, and change no job at all (rows, states, receipts, transition logs).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { credentialsFor, noCredentials, requests, wrongCredentials, type Credentials } from "./requests.ts";
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

const property = (credentials: Credentials) =>
  fc.asyncProperty(requests(world.seeded, credentials), async (r) => {
    const status = await send(world.handle, r);
    if (status !== null) statuses.set(status, (statuses.get(status) ?? 0) + 1);
  });

describe("fuzz: callers without rights", () => {
  test("no credentials: no 5xx", async () => {
    await fc.assert(property(noCredentials), fcOptions(1000));
  }, 60_000);

  test("wrong credentials: no 5xx", async () => {
    await fc.assert(property(wrongCredentials), fcOptions(1000));
  }, 60_000);

  test("a read-only token for nsa, in every credential form: no 5xx", async () => {
    await fc.assert(property(credentialsFor(TOKENS.readA, world.sessions.readA)), fcOptions(3000));
  }, 60_000);

  test("no job changed, none appeared, none vanished", async () => {
    await world.engine.committed();
    const diff = changes(before, world.snapshot());
    expect(diff).toEqual({ changed: [], added: [], removed: [] });
    // The run reached past authentication: the read-only token got answers, not only 401s.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(401) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(403) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(404) ?? 0).toBeGreaterThan(0);
  });
});
