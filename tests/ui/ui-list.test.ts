/**
 * The jobs list and the ids it shows, in Chromium against the binary: relative times that keep up,
 * short ids that tell jobs apart, and "Load more" past the API's largest page.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { JobView } from "../../src/job-view.ts";
import { openUi, type UiSession } from "./harness.ts";

let ui: UiSession;

beforeAll(async () => {
  ui = await openUi();
}, 60_000);

afterAll(async () => {
  await ui?.close();
});

const ids = (jobs: JobView[]) => jobs.map((j) => j.id);

describe("the jobs list", () => {
  // First in the file, while jobd is quiet: no live event may redraw the row and hide a missing timer.
  test("relative times move on by themselves", async () => {
    const job = await ui.createJob({ type: "script", namespace: "times", input: { steps: [] } });
    await ui.waitForJob(job.id, (j) => j.state === "succeeded");
    await ui.page.clock.install();
    await ui.page.goto(`${ui.bin.url}/ui?namespace=times`);
    const created = ui.page.locator(`tr[data-id="${job.id}"] td`).nth(6);
    await created.waitFor();
    expect(await created.textContent()).toMatch(/^\ds ago$/);
    await ui.page.clock.fastForward(90_000);
    await ui.page.waitForFunction(
      (id) => document.querySelector(`tr[data-id="${id}"] td:nth-child(7)`)?.textContent === "1m ago",
      job.id,
      { timeout: 5_000 },
    );
  }, 20_000);

  test("short ids differ between jobs made together, in the list, its child-of links and the tree", async () => {
    const parent = await ui.createJob({
      type: "script",
      namespace: "ids",
      description: "parent",
      input: { steps: [{ prompt: "wait", buttons: ["ok"] }] },
      children: [
        { type: "script", description: "first child", input: { steps: [{ prompt: "wait", buttons: ["ok"] }] } },
        { type: "script", description: "second child", input: { steps: [{ prompt: "wait", buttons: ["ok"] }] } },
      ],
    });
    const { jobs } = await ui.api<{ jobs: JobView[] }>(`/api/v1/jobs/${parent.id}/children`);
    const family = [parent.id, ...ids(jobs)];

    await ui.page.goto(`${ui.bin.url}/ui?namespace=ids`);
    for (const id of family) await ui.page.locator(`tr[data-id="${id}"]`).waitFor();
    const shown = await Promise.all(
      family.map(async (id) => {
        const link = ui.page.locator(`tr[data-id="${id}"] td.job-cell a`).first();
        expect(await link.getAttribute("title")).toBe(id);
        return link.textContent();
      }),
    );
    expect(new Set(shown).size).toBe(family.length);
    // A child's "child of" link reads as its parent's own row does.
    const childOf = ui.page.locator(`tr[data-id="${jobs[0]?.id}"] td.job-cell a`).nth(1);
    expect(await childOf.textContent()).toBe(shown[0] ?? "");
    expect(await childOf.getAttribute("title")).toBe(parent.id);

    await ui.page.goto(`${ui.bin.url}/ui/jobs/${parent.id}`);
    await ui.page.locator(".tree .child-link").first().waitFor();
    const inTree = await Promise.all(
      ids(jobs).map(async (id, i) => {
        const cell = ui.page.locator(`.tree li[data-id="${id}"] .tree-row .mono`);
        expect(await cell.getAttribute("title")).toBe(id);
        const text = await cell.textContent();
        expect(text).toBe(shown[i + 1] ?? "");
        return text;
      }),
    );
    expect(new Set(inTree).size).toBe(jobs.length);
    await ui.api(`/api/v1/jobs/${parent.id}/cancel`, { method: "POST" });
  }, 20_000);

  test("Load more follows the cursor past 500 jobs", async () => {
    const total = 520;
    for (let made = 0; made < total; made += 65) {
      await Promise.all(
        Array.from({ length: Math.min(65, total - made) }, () => ui.createJob({ type: "script", namespace: "many", input: { steps: [] } })),
      );
    }
    await ui.page.goto(`${ui.bin.url}/ui?namespace=many`);
    const rows = ui.page.locator("tbody tr[data-id]");
    const more = ui.page.getByRole("button", { name: "Load more" });
    await rows.first().waitFor();
    for (let clicks = 0; (await rows.count()) < total && clicks < 12; clicks++) {
      const before = await rows.count();
      if (!(await more.isVisible())) break;
      await more.click();
      await ui.page.waitForFunction((n) => document.querySelectorAll("tbody tr[data-id]").length > n, before, { timeout: 5_000 });
    }
    expect(await rows.count()).toBe(total);
    await ui.page.waitForFunction(() => document.querySelector(".page-head .muted")?.textContent === "520 shown, newest first", undefined, {
      timeout: 5_000,
    });
    expect(await more.isVisible()).toBe(false);
  }, 60_000);

  test("nothing but jobd was asked for, and the page threw nothing", () => {
    expect(ui.offHost).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
