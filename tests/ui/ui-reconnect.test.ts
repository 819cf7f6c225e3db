/**
 * jobd restarts under an open jobs list. A job created before the browser's stream is back sends no
 * event the list could hear; the list must read itself again when the stream reconnects.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startBinary, type RunningBinary } from "../helpers/target.ts";
import { openUi, type UiSession } from "./harness.ts";

let ui: UiSession;
let restarted: RunningBinary | undefined;

beforeAll(async () => {
  ui = await openUi();
}, 60_000);

afterAll(async () => {
  await restarted?.stop();
  await ui?.close();
});

describe("the jobs list across a jobd restart", () => {
  test("shows what changed while its stream was away", async () => {
    await ui.page.goto(`${ui.bin.url}/ui?namespace=restart`);
    await ui.page.locator(".empty").waitFor();
    await ui.page.locator("#live.on").waitFor({ timeout: 5_000 });

    // The browser's stream stays away until the new job exists.
    let streamAway = true;
    await ui.page.route("**/api/v1/events*", (route) => (streamAway ? route.abort("connectionrefused") : route.fallback()));
    await ui.bin.stop();
    await ui.page.locator("#live:not(.on)").waitFor({ timeout: 5_000 });

    const port = new URL(ui.bin.url).port;
    restarted = await startBinary({ dir: ui.bin.dir, db: ui.bin.db, args: ["--port", port] });
    expect(restarted.url).toBe(ui.bin.url);
    const job = await ui.createJob({ type: "script", namespace: "restart", input: { steps: [{ sleep: 60_000 }] } });
    streamAway = false;

    await ui.page.locator("#live.on").waitFor({ timeout: 10_000 });
    await ui.page.locator(`tr[data-id="${job.id}"]`).waitFor({ timeout: 5_000 });
    await ui.page.unrouteAll();
  }, 40_000);

  test("nothing but jobd was asked for, and the page threw nothing", () => {
    expect(ui.offHost).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
