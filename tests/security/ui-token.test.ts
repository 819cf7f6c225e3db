/**
 * The debugging UI with tokens on: the page loads without one, its first API call that gets 401 asks
 * for the token once, keeps it in localStorage, and from then on every call (and the live stream)
 * carries it. Headless Chromium against the binary started with `--token`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import type { BrowserContext, Page } from "playwright-core";
import type { JobView } from "../../src/job-view.ts";
import { startBinary, type RunningBinary } from "../helpers/target.ts";
import { launchBrowser } from "../ui/setup.ts";
import { ADMIN_TOKEN } from "./principals.ts";

let bin: RunningBinary;
let context: BrowserContext;
let profile: string;
let page: Page;
let job: JobView;
const asked: string[] = [];

beforeAll(async () => {
  bin = await startBinary({ args: ["--token", ADMIN_TOKEN] });
  ({ context, profile } = await launchBrowser());
  page = context.pages()[0] ?? (await context.newPage());
  page.on("dialog", (dialog) => {
    asked.push(dialog.message());
    void dialog.accept(ADMIN_TOKEN);
  });
  const res = await fetch(`${bin.url}/api/v1/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ type: "script", description: "ui token test", input: { steps: [{ sleep: 60_000 }] } }),
  });
  job = (await res.json()) as JobView;
}, 60_000);

afterAll(async () => {
  await context?.close();
  await bin?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (bin) rmSync(bin.dir, { recursive: true, force: true });
});

describe("UI with tokens on [binary]", () => {
  test("the page loads without a token; the API asks for it once and keeps it", async () => {
    const shell = await fetch(`${bin.url}/ui`);
    expect(shell.status).toBe(200);
    expect((await fetch(`${bin.url}/api/v1/jobs`)).status).toBe(401);

    await page.goto(`${bin.url}/ui`);
    await page.locator(`tr[data-id="${job.id}"]`).waitFor({ timeout: 15_000 });
    expect(asked.length).toBe(1);
    expect(await page.evaluate(() => localStorage.getItem("jobd.token"))).toBe(ADMIN_TOKEN);

    await page.reload();
    await page.locator(`tr[data-id="${job.id}"]`).waitFor({ timeout: 15_000 });
    expect(asked.length).toBe(1);
  }, 60_000);
});
