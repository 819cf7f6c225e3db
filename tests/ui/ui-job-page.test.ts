/**
 * The job page's edges, in Chromium against the binary: a malformed address, answers shown by label,
 * answers that come too late, and a phone-sized window (the list too).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { JobSpec, JobView } from "../../src/job-view.ts";
import { openUi, type UiSession } from "./harness.ts";

let ui: UiSession;

beforeAll(async () => {
  ui = await openUi();
}, 60_000);

afterAll(async () => {
  await ui?.close();
});

const asking = (description: string, ...prompts: string[][]): JobSpec => ({
  type: "script",
  namespace: "job-page",
  description,
  input: { steps: prompts.map((buttons, i) => ({ prompt: `Question ${i + 1}?`, buttons })) },
});

async function waitingJob(spec: JobSpec): Promise<JobView> {
  const job = await ui.createJob(spec);
  return ui.waitForJob(job.id, (j) => j.state === "waiting");
}

const answer = (id: string, button: number) =>
  ui.api<JobView>(`/api/v1/jobs/${id}/answer`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ button }) });

/** Opens a job page whose live stream never connects, so only its own calls tell it anything. */
async function openWithoutStream(id: string): Promise<void> {
  await ui.page.route("**/api/v1/events?*", (route) => route.abort("connectionrefused"));
  await ui.page.goto(`${ui.bin.url}/ui/jobs/${id}`);
  await ui.page.locator(".prompt button").first().waitFor();
}

describe("the job page", () => {
  test("a malformed job address says there is no such job", async () => {
    await ui.page.goto(`${ui.bin.url}/ui/jobs/%E0%A4%A`);
    await ui.page.locator(".error-box", { hasText: "No job %E0%A4%A" }).waitFor({ timeout: 5_000 });
  }, 20_000);

  test("the State panel names the answers by their buttons' labels", async () => {
    const job = await waitingJob(asking("labels", ["Deploy", "Abort"], ["Keep", "Drop"]));
    await ui.page.goto(`${ui.bin.url}/ui/jobs/${job.id}`);
    await ui.page.getByRole("button", { name: "Abort", exact: true }).click();
    await ui.page.getByRole("button", { name: "Keep", exact: true }).click();
    await ui.page.locator(".facts dd", { hasText: "Abort, Keep" }).waitFor({ timeout: 5_000 });
    expect((await ui.api<JobView>(`/api/v1/jobs/${job.id}`)).answers).toEqual([1, 0]);
  }, 20_000);

  test("a late click does not answer the question asked after the one shown", async () => {
    const job = await waitingJob(asking("late, then asked again", ["One", "Two"], ["Three", "Four"]));
    await openWithoutStream(job.id);
    await answer(job.id, 1);
    await ui.page.getByRole("button", { name: "One", exact: true }).click();
    await ui.page.locator(".notice-error").waitFor({ timeout: 5_000 });
    expect((await ui.api<JobView>(`/api/v1/jobs/${job.id}`)).answers).toEqual([1]);
    // The page reads the job again and shows the question now asked.
    await ui.page.getByRole("button", { name: "Three", exact: true }).waitFor({ timeout: 5_000 });
    await ui.page.unrouteAll();
  }, 20_000);

  test("a late click turns the old buttons off once jobd says nothing is asked", async () => {
    const job = await waitingJob(asking("late", ["One", "Two"]));
    await openWithoutStream(job.id);
    await answer(job.id, 0);
    await ui.waitForJob(job.id, (j) => j.state === "succeeded");
    await ui.page.getByRole("button", { name: "Two", exact: true }).click();
    await ui.page.locator(".notice-error").waitFor({ timeout: 5_000 });
    expect(await ui.page.locator(".prompt button:enabled").count()).toBe(0);
    await ui.page.unrouteAll();
  }, 20_000);

  test("on a phone, the list scrolls in its own box and the prompt comes before the statechart", async () => {
    const job = await waitingJob(asking("a phone asks", ["Yes", "No"]));
    await ui.page.setViewportSize({ width: 375, height: 812 });
    try {
      await ui.page.goto(`${ui.bin.url}/ui?namespace=job-page`);
      await ui.page.locator(`tr[data-id="${job.id}"]`).waitFor();
      const page = await ui.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(page.scroll).toBeLessThanOrEqual(page.client);

      await ui.page.goto(`${ui.bin.url}/ui/jobs/${job.id}`);
      await ui.page.locator(".chart svg").waitFor();
      await ui.page.locator(".prompt").waitFor();
      // Measured in one go: a live redraw between two measurements would replace the elements.
      const top = await ui.page.evaluate(() =>
        Object.fromEntries(
          [".prompt", ".actions button.danger", ".chart"].map((s) => [s, document.querySelector(s)?.getBoundingClientRect().top ?? Number.NaN]),
        ),
      );
      expect(top[".prompt"]).toBeLessThan(top[".chart"] ?? 0);
      expect(top[".actions button.danger"]).toBeLessThan(top[".chart"] ?? 0);
      await ui.page.screenshot({ path: `${import.meta.dir}/../artifacts/ui-job-page/phone-job.png` });
    } finally {
      await ui.page.setViewportSize({ width: 1440, height: 900 });
    }
  }, 20_000);

  test("nothing but jobd was asked for, and the page threw nothing", () => {
    expect(ui.offHost).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
