import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import type { JobView } from "../../src/job-view.ts";
import { startBinary, type RunningBinary } from "../helpers/target.ts";

let jobd: RunningBinary;
beforeAll(async () => {
  jobd = await startBinary();
});
afterAll(async () => {
  await jobd.stop();
  rmSync(jobd.dir, { recursive: true, force: true });
});

const call = async (path: string, body?: unknown) => {
  const res = await fetch(`${jobd.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, job: (await res.json()) as JobView };
};

const until = async (id: string, state: string) => {
  for (let i = 0; i < 500; i++) {
    const { job } = await call(`/api/v1/jobs/${id}`);
    if (job.state === state) return job;
    await Bun.sleep(20);
  }
  throw new Error(`${id} never reached ${state}`);
};

test("the binary drives a script job with a prompt and two children to succeeded", async () => {
  const created = await call("/api/v1/jobs", {
    type: "script",
    description: "copy with questions",
    input: { steps: [{ progress: 10, message: "start" }, { prompt: "Overwrite?", buttons: ["Yes", "No"] }, { progress: 90 }] },
    children: [
      { type: "script", description: "child a", input: { steps: [{ sleep: 100 }, { progress: 50 }] } },
      { type: "script", description: "child b", input: { steps: [{ prompt: "Child ok?", buttons: ["ok"] }] } },
    ],
  });
  expect(created.status).toBe(201);
  const parent = created.job;
  expect(parent.children).toHaveLength(2);
  const [a, b] = parent.children as [string, string];

  await until(parent.id, "waiting");
  expect((await call(`/api/v1/jobs/${parent.id}/answer`, { button: 0 })).status).toBe(200);
  await until(a, "succeeded");
  expect((await call(`/api/v1/jobs/${parent.id}`)).job.state).toBe("running");

  await until(b, "waiting");
  expect((await call(`/api/v1/jobs/${b}/answer`, { button: 0 })).status).toBe(200);
  const done = await until(parent.id, "succeeded");
  expect(done.result).toEqual({ answers: ["Yes"] });
  expect(done.progress.percent).toBe(100);
  const log = (await (await fetch(`${jobd.url}/api/v1/jobs/${parent.id}/log`)).json()) as { transitions: { event: string; to: string }[] };
  expect(log.transitions.at(-1)).toMatchObject({ event: "job.child.settled", to: "succeeded" });
});

test("the binary runs from any folder without node_modules and answers version", async () => {
  const proc = Bun.spawn([process.env.JOBD_BIN ?? `${import.meta.dir}/../../dist/jobd`, "version"], { cwd: "/", stdout: "pipe" });
  expect(await proc.exited).toBe(0);
  expect(await new Response(proc.stdout).text()).toMatch(/^jobd \S+ \(commit \S+, \S+, built \S+\)/);
});
