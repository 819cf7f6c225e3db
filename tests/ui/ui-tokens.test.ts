/**
 * The UI against a jobd that requires tokens (--token, plus a read-only principal from --tokens): the
 * token asked for at the prompt reaches the live stream and the export links, and a read-only token
 * finds answering and cancelling off as the job page loads (it asks /api/v1/whoami).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JobView } from "../../src/job-view.ts";
import { openUi, type UiSession } from "./harness.ts";

const ADMIN = "ui-test-admin-token-0123456789";
const READER = "ui-test-read-token-0123456789";

let ui: UiSession;
let tokensDir: string;
/** What the page's token prompt is answered with. */
let typed = ADMIN;
let asked = 0;

/** Puts `token` (or nothing) in the page's localStorage, as a visit before this one would have. */
async function storeToken(token: string | null): Promise<void> {
  await ui.page.goto(`${ui.bin.url}/ui/assets/style.css`);
  await ui.page.evaluate((t) => (t === null ? localStorage.removeItem("jobd.token") : localStorage.setItem("jobd.token", t)), token);
}

/** A job asking "Go on?" (Yes / No), once it waits for the answer. */
async function waitingJob(description: string): Promise<JobView> {
  const job = await ui.createJob({
    type: "script",
    namespace: "tokens",
    description,
    input: { steps: [{ prompt: "Go on?", buttons: ["Yes", "No"] }] },
  });
  await ui.waitForJob(job.id, (j) => j.state === "waiting");
  return job;
}

async function expectLiveList(): Promise<void> {
  await ui.page.locator("#live.on").waitFor({ timeout: 5_000 });
  const job = await ui.createJob({ type: "script", namespace: "tokens", description: "live with a token", input: { steps: [] } });
  await ui.page.locator(`tr[data-id="${job.id}"]`).waitFor({ timeout: 5_000 });
}

beforeAll(async () => {
  tokensDir = mkdtempSync(join(tmpdir(), "jobd-ui-tokens-"));
  const tokensFile = join(tokensDir, "tokens.json");
  writeFileSync(tokensFile, JSON.stringify([{ name: "viewer", token: READER, namespaces: ["*"], role: "read" }]));
  ui = await openUi({ args: ["--token", ADMIN, "--tokens", tokensFile], token: ADMIN });
  ui.page.on("dialog", (dialog) => {
    asked++;
    void dialog.accept(typed);
  });
}, 60_000);

afterAll(async () => {
  await ui?.close();
  if (tokensDir) rmSync(tokensDir, { recursive: true, force: true });
});

describe("the UI when tokens are required", () => {
  test("the jobs list is live once the token is typed at the prompt", async () => {
    await storeToken(null);
    asked = 0;
    await ui.page.goto(`${ui.bin.url}/ui?namespace=tokens`);
    await expectLiveList();
    expect(asked).toBe(1);
  }, 20_000);

  test("a wrong saved token replaced at the prompt reaches the live stream too", async () => {
    await storeToken("not-the-token-at-all-0000");
    asked = 0;
    await ui.page.goto(`${ui.bin.url}/ui?namespace=tokens`);
    await expectLiveList();
    expect(asked).toBe(1);
  }, 20_000);

  test("the machines page exports with the token", async () => {
    await ui.page.goto(`${ui.bin.url}/ui/machines/script`);
    const section = ui.page.locator('section[data-kind="script"]');
    await section.locator("svg .sc-node").first().waitFor();
    for (const [format, file, looksRight] of [
      ["svg", "script.svg", (text: string) => text.includes("<svg")],
      ["json", "script.json", (text: string) => (JSON.parse(text) as { id: string }).id === "script"],
      ["mermaid", "script.mmd", (text: string) => text.startsWith("stateDiagram-v2")],
    ] as const) {
      const [download] = await Promise.all([
        ui.page.waitForEvent("download", { timeout: 5_000 }),
        section.locator(".exports a", { hasText: format }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(file);
      const text = readFileSync((await download.path()) ?? "", "utf8");
      expect(looksRight(text)).toBe(true);
    }
  }, 20_000);

  test("a read-only token finds answering and cancelling off from the start, saying why", async () => {
    const job = await waitingJob("asks a reader");
    await storeToken(READER);
    // The statechart comes late: the buttons must be off when they first appear, not once it is drawn.
    await ui.page.route("**/machine?format=svg", async (route) => {
      await Bun.sleep(2_000);
      await route.continue();
    });
    await ui.page.goto(`${ui.bin.url}/ui/jobs/${job.id}`);
    await ui.page.getByRole("button", { name: "Yes", exact: true }).waitFor({ timeout: 5_000 });
    expect(await ui.page.getByRole("button", { name: "Yes", exact: true }).isDisabled()).toBe(true);
    expect(await ui.page.locator(".read-only").textContent()).toContain("the token “viewer” may only read");
    await ui.page.unroute("**/machine?format=svg");
    expect(await ui.page.locator(".prompt button:enabled").count()).toBe(0);
    expect(await ui.page.locator(".actions button.danger").isDisabled()).toBe(true);
    expect((await ui.api<JobView>(`/api/v1/jobs/${job.id}`)).state).toBe("waiting");
  }, 20_000);

  test("a token that may write keeps its buttons", async () => {
    const job = await waitingJob("asks a writer");
    await storeToken(ADMIN);
    await ui.page.goto(`${ui.bin.url}/ui/jobs/${job.id}`);
    await ui.page.getByRole("button", { name: "Yes", exact: true }).click();
    await ui.waitForJob(job.id, (j) => j.state === "succeeded");
    expect(await ui.page.locator(".read-only").count()).toBe(0);
  }, 20_000);

  test("nothing but jobd was asked for, and the page threw nothing", () => {
    expect(ui.offHost).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
