/**
 * Fuzzing with authentication off (loopback, every caller the local admin): every route is reachable,
 * so the deepest paths of each surface meet malformed input. No 5xx, no crash, no hang.
 */
import { afterAll, beforeAll, describe, test } from "bun:test";
import fc from "fast-check";
import { noCredentials, requests } from "./requests.ts";
import { fcOptions, send } from "./send.ts";
import { createWorld, type World } from "./world.ts";

let world: World;

beforeAll(async () => {
  world = await createWorld({ auth: false });
});

afterAll(async () => {
  await world?.close();
});

describe("fuzz: authentication off", () => {
  test("no 5xx on any route of any surface", async () => {
    await fc.assert(
      fc.asyncProperty(requests(world.seeded, noCredentials), async (r) => {
        await send(world.handle, r);
      }),
      fcOptions(4000),
    );
  }, 60_000);
});
