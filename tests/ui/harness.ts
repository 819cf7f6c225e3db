/**
 * One jobd binary and one headless Chromium for a UI test file. The browser may reach jobd and nothing
 * else: every other request is aborted and recorded in `offHost`, and page errors land in `pageErrors`,
 * for the file to assert there were none.
 */
import { rmSync } from "node:fs";
import type { BrowserContext, Page } from "playwright-core";
import type { JobSpec, JobView } from "../../src/job-view.ts";
import { startBinary, type RunningBinary } from "../helpers/target.ts";
import { launchBrowser } from "./setup.ts";

export interface UiSession {
  bin: RunningBinary;
  context: BrowserContext;
  page: Page;
  offHost: string[];
  pageErrors: string[];
  /** A native API call (with the session's token, if any) that throws on a non-2xx answer. */
  api<T>(path: string, init?: RequestInit): Promise<T>;
  createJob(spec: JobSpec): Promise<JobView>;
  waitForJob(id: string, until: (job: JobView) => boolean): Promise<JobView>;
  close(): Promise<void>;
}

export async function openUi(options: { args?: string[]; token?: string; dir?: string } = {}): Promise<UiSession> {
  const bin = await startBinary({ args: options.args, dir: options.dir });
  const { context, profile } = await launchBrowser();
  const offHost: string[] = [];
  const pageErrors: string[] = [];
  const host = new URL(bin.url).host;
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.host === host && url.protocol === "http:") return route.fallback();
    offHost.push(url.href);
    return route.abort("internetdisconnected");
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => pageErrors.push(error.message));

  async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
    const headers = new Headers(init.headers);
    if (options.token) headers.set("authorization", `Bearer ${options.token}`);
    const res = await fetch(`${bin.url}${path}`, { ...init, headers });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  const createJob = (spec: JobSpec) =>
    api<JobView>("/api/v1/jobs", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(spec) });
  async function waitForJob(id: string, until: (job: JobView) => boolean): Promise<JobView> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const job = await api<JobView>(`/api/v1/jobs/${id}`);
      if (until(job)) return job;
      if (Date.now() > deadline) throw new Error(`job ${id} stuck in ${job.stateValue}`);
      await Bun.sleep(25);
    }
  }

  return {
    bin,
    context,
    page,
    offHost,
    pageErrors,
    api,
    createJob,
    waitForJob,
    async close() {
      await context.close();
      await bin.stop();
      rmSync(profile, { recursive: true, force: true });
      if (!options.dir) rmSync(bin.dir, { recursive: true, force: true });
    },
  };
}
