/**
 * End to end: the compiled binary serves the UI, headless Chromium drives it. The browser may reach
 * jobd and nothing else; every other request is aborted and recorded, and the test asserts there
 * were none. Screenshots land in tests/artifacts/ (git-ignored) for a person to look at.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { JobSpec, JobView } from "../../src/job-view.ts";
import type { RunningBinary } from "../helpers/target.ts";
import { openUi, type UiSession } from "./harness.ts";

const ARTIFACTS = join(import.meta.dir, "../artifacts/ui");

const SPEC: JobSpec = {
  type: "script",
  description: "ui e2e: deploy with approval",
  namespace: "uitest",
  input: {
    steps: [
      { progress: 30, message: "building" },
      { prompt: "Deploy to production?", buttons: ["Deploy", "Abort"] },
      { progress: 90, message: "deploying" },
    ],
  },
  children: [
    { type: "script", description: "ui e2e child: build", input: { steps: [{ progress: 50 }, { sleep: 50 }] } },
    { type: "script", description: "ui e2e child: smoke tests", input: { steps: [{ prompt: "Run the slow tests?", buttons: ["Yes", "No"] }] } },
  ],
};

let ui: UiSession;
let bin: RunningBinary;
let page: Page;
let parent: JobView;
let offHost: string[];
let pageErrors: string[];
const api = <T>(path: string, init?: RequestInit): Promise<T> => ui.api<T>(path, init);
const waitForJob = (id: string, until: (job: JobView) => boolean): Promise<JobView> => ui.waitForJob(id, until);

const lit = (node: string) => `.sc-node.sc-current[data-node="${node}"]`;
const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  ui = await openUi();
  ({ bin, page, offHost, pageErrors } = ui);
  parent = await ui.createJob(SPEC);
  parent = await waitForJob(parent.id, (j) => j.stateValue === "running.waiting");
}, 60_000);

afterAll(async () => {
  await ui?.close();
});

describe("the debugging UI in Chromium against the binary", () => {
  test("the jobs page lists the job, newest first, and filters by state and text", async () => {
    await page.goto(`${bin.url}/ui`);
    const row = page.locator(`tr[data-id="${parent.id}"]`);
    await row.waitFor();
    expect(await row.locator(".badge").textContent()).toBe("waiting");
    const seqs = await page.locator("tbody tr td.num").allTextContents();
    expect(seqs.map(Number)).toEqual([...seqs.map(Number)].sort((a, b) => b - a));
    await shot("01-jobs");

    await page.selectOption("select[name=state]", "waiting");
    await page.waitForFunction(() =>
      [...document.querySelectorAll("tbody tr[data-state]")].every((tr) => (tr as HTMLElement).dataset.state === "waiting"),
    );
    await page.fill("input[name=text]", "deploy with approval");
    await page.waitForFunction(() => document.querySelectorAll("tbody tr[data-id]").length === 1);
    expect(await page.locator("tbody tr[data-id]").getAttribute("data-id")).toBe(parent.id);
    expect(page.url()).toContain("state=waiting");
  });

  test("the jobs page updates live when a new job is created", async () => {
    await page.goto(`${bin.url}/ui?namespace=uitest-live`);
    await page.locator(".empty").waitFor();
    const job = await api<JobView>("/api/v1/jobs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "script", namespace: "uitest-live", description: "appears by itself", input: { steps: [] } }),
    });
    await page.locator(`tr[data-id="${job.id}"]`).waitFor({ timeout: 10_000 });
  });

  test("the job page lights `waiting`, and answering moves it on without a reload", async () => {
    await page.goto(`${bin.url}/ui/jobs/${parent.id}`);
    await page.locator(lit("job.running.waiting")).waitFor();
    // Its ancestor is lit too, less brightly.
    expect(await page.locator('.sc-node.sc-lit[data-node="job.running"]').count()).toBe(1);
    expect(await page.locator(".prompt-message").textContent()).toBe("Deploy to production?");
    await page.locator(".tree .child-link").first().waitFor();
    await shot("02-job-waiting");

    await page.evaluate(() => Reflect.set(window, "__sameDocument", true));
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    // A child still waits on its own prompt, so the parent's work ends and it joins its children.
    await page.locator(lit("job.running.joining")).waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => Reflect.get(window, "__sameDocument"))).toBe(true);
    expect(await page.locator(".prompt").count()).toBe(0);
    expect((await api<JobView>(`/api/v1/jobs/${parent.id}`)).answers).toEqual([0]);
    await page.locator(".sc-edge.sc-taken").first().waitFor();
    await shot("03-job-answered");
  });

  test("choosing a step in the timeline shows the machine as it was then", async () => {
    const start = page.locator('ol.timeline li[data-to="running.working"]').first();
    await start.locator("button.step").click();
    await page.locator(lit("job.running.working")).waitFor();
    expect(await page.locator(".replay-banner").isVisible()).toBe(true);
    expect(await page.locator('.sc-edge.sc-taken[data-target="job.running"]').count()).toBeGreaterThan(0);
    await shot("04-job-replay");
    await page.getByRole("button", { name: "Back to live" }).click();
    await page.locator(lit("job.running.joining")).waitFor();
  });

  test("each dialect's wire view shows a status and a body", async () => {
    for (const tab of ["000 jobs", "001 arango", "002 databases", "003 ims", "004 cloudsigma"]) {
      await page.getByRole("tab", { name: tab }).click();
      await page.waitForFunction(
        (name) =>
          document.querySelector(".tab[aria-selected=true]")?.textContent === name &&
          /^\d{3} /.test(document.querySelector(".wire-panel .http-status")?.textContent ?? ""),
        tab,
      );
    }
  });

  test("a child opens from the tree, and answering it finishes the parent", async () => {
    await page.locator(".tree .child-link", { hasText: "smoke tests" }).click();
    await page.waitForURL(/\/ui\/jobs\//);
    const childId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
    expect(childId).not.toBe(parent.id);
    expect((await api<JobView>(`/api/v1/jobs/${childId}`)).parentId).toBe(parent.id);
    await page.locator(lit("job.running.waiting")).waitFor();
    await shot("05-child");
    await page.getByRole("button", { name: "Yes", exact: true }).click();
    await page.locator(lit("job.succeeded")).waitFor({ timeout: 10_000 });

    await page.locator(".parent-link").click();
    await page.locator(lit("job.succeeded")).waitFor({ timeout: 10_000 });
    expect(await page.locator("h1 .badge").textContent()).toBe("succeeded");
    await shot("06-parent-succeeded");
  });

  test("the machines page draws every kind, and exports one as a file", async () => {
    await page.goto(`${bin.url}/ui/machines`);
    for (const kind of ["script", "http", "external"]) {
      await page.locator(`section[data-kind="${kind}"] svg .sc-node`).first().waitFor();
    }
    await shot("07-machines");
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 5_000 }),
      page.locator('section[data-kind="http"] .exports a', { hasText: "json" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("http.json");
    expect((JSON.parse(readFileSync((await download.path()) ?? "", "utf8")) as { id: string }).id).toBe("http");
  }, 20_000);

  test("nothing but jobd was asked for, and the page threw nothing", () => {
    expect(offHost).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
