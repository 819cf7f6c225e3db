/**
 * `jobd watch` against a running binary: under a pseudo-terminal (tmux) it redraws a live bar and
 * answers a prompt on a key press; piped it prints a line per change; --json streams the events.
 */
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { JobView } from "../../src/job-view.ts";
import { BINARY, startBinary, type RunningBinary } from "../helpers/target.ts";
import { cli, ensureTool, script, serverApi } from "./run-cli.ts";

// Each test starts binaries and subprocesses; a loaded machine needs more than the 5 s default.
setDefaultTimeout(30_000);

let server: RunningBinary;
let tmux: string;
const socket = `jobd-cli-test-${process.pid}`;

const { api, waitFor } = serverApi(() => server.url);
const create = (spec: unknown): Promise<JobView> =>
  api<JobView>("/api/v1/jobs", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(spec) });

/** A terminal running one command; `exitFile` gets the command's exit code when it ends. */
class Terminal {
  readonly exitFile: string;
  constructor(readonly name: string) {
    this.exitFile = join(server.dir, `${name}.exit`);
  }
  static async open(name: string, args: string[]): Promise<Terminal> {
    const t = new Terminal(name);
    const quoted = [BINARY, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
    const command = `env -i PATH=/usr/bin:/bin TERM=xterm-256color JOBD_URL=${server.url} ${quoted}; echo $? > ${t.exitFile}; sleep 600`;
    const r = Bun.spawnSync([tmux, "-L", socket, "new-session", "-d", "-s", name, "-x", "120", "-y", "30", command]);
    if (r.exitCode !== 0) throw new Error(`tmux: ${r.stderr.toString()}`);
    return t;
  }
  screen(): string {
    return Bun.spawnSync([tmux, "-L", socket, "capture-pane", "-p", "-t", this.name]).stdout.toString();
  }
  press(key: string): void {
    Bun.spawnSync([tmux, "-L", socket, "send-keys", "-t", this.name, key]);
  }
  /** Polls the screen until `pred` holds; returns that screen. */
  async until(pred: (screen: string) => boolean, what: string, ms = 15_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const s = this.screen();
      if (pred(s)) return s;
      if (Date.now() > deadline) throw new Error(`the terminal never showed ${what}; it shows:\n${s}`);
      await Bun.sleep(50);
    }
  }
  async exitCode(): Promise<number> {
    for (let i = 0; i < 300 && !existsSync(this.exitFile); i++) await Bun.sleep(50);
    return Number(readFileSync(this.exitFile, "utf8").trim());
  }
}

/** The filled cells of the first progress bar on screen. */
const filled = (screen: string): number => (/\[(█*)░*\]/.exec(screen)?.[1] ?? "").length;

beforeAll(async () => {
  tmux = ensureTool("tmux");
  server = await startBinary();
});
afterAll(async () => {
  Bun.spawnSync([tmux, "-L", socket, "kill-server"]);
  await server.stop();
  rmSync(server.dir, { recursive: true, force: true });
});

describe("jobd watch on a terminal", () => {
  test("the bar advances, a key press answers the prompt, and it exits 0 when the job succeeds", async () => {
    const job = await create({
      type: "script",
      description: "copy files",
      input: {
        steps: [
          { prompt: "Start copying?", buttons: ["Go"] },
          { progress: 10, message: "starting" },
          { sleep: 1500 },
          { progress: 60, message: "copying" },
          { sleep: 1500 },
          { prompt: "Overwrite report.pdf?", buttons: ["Yes", "Yes to All", "No"] },
          { progress: 90, message: "finishing" },
        ],
      },
    });
    const term = await Terminal.open("answer", ["watch", job.id]);
    const first = await term.until((s) => s.includes("Start copying?"), "the first prompt");
    expect(first).toContain("copy files");
    expect(first).toContain("[1] Go");
    expect(first).toContain("press 1 to answer");
    expect(first).toContain("0%");
    term.press("1");

    const early = await term.until((s) => s.includes("starting"), "10% starting");
    expect(early).toMatch(/\]\s+10%\s+running\s+starting/);
    const later = await term.until((s) => s.includes("copying"), "60% copying");
    expect(later).toMatch(/\]\s+60%\s+running\s+copying/);
    expect(filled(later)).toBeGreaterThan(filled(early));

    const asked = await term.until((s) => s.includes("Overwrite report.pdf?"), "the second prompt");
    expect(asked).toContain("[1] Yes  [2] Yes to All  [3] No");
    expect(asked).toContain("press 1-3 to answer");
    expect(asked).toContain("waiting");
    term.press("2");

    expect(await term.exitCode()).toBe(0);
    const end = term.screen();
    expect(end).toContain("succeeded");
    expect(end).toContain('"answers":["Go","Yes to All"]');
    expect((await api<JobView>(`/api/v1/jobs/${job.id}`)).result).toEqual({ answers: ["Go", "Yes to All"] });
  });

  test("children are drawn under the job, a child's question is answered by key, a failed job exits 1", async () => {
    const job = await create({
      type: "script",
      description: "clone a server",
      input: { steps: [{ sleep: 300 }] },
      failurePolicy: "wait-all",
      children: [
        script([{ progress: 50, message: "copying" }, { sleep: 1500 }], { description: "drive system" }),
        script([{ sleep: 800 }, { prompt: "Disk full. Retry?", buttons: ["Retry", "Give up"] }, { fail: { code: "DISK_FULL", message: "no room" } }], { description: "drive data" }),
      ],
    });
    const term = await Terminal.open("children", ["watch", job.id]);
    const screen = await term.until((s) => s.includes("drive system") && s.includes("drive data"), "both children");
    expect(screen).toMatch(/├─ .*drive system/);
    expect(screen).toMatch(/└─ .*drive data/);
    const asked = await term.until((s) => s.includes("Disk full. Retry?"), "the child's question");
    expect(asked).toMatch(/\? Disk full\. Retry\? \(drive data\)/);
    expect(asked).toContain("[1] Retry  [2] Give up");
    term.press("2");
    expect(await term.exitCode()).toBe(1);
    const child = await api<JobView>(`/api/v1/jobs/${job.children[1]}`);
    expect(child.answers).toEqual([1]);
    const end = term.screen();
    expect(end).toMatch(/failed\s+drive data/);
    expect(end).toMatch(/succeeded\s+drive system/);
  });

  test("q stops watching (exit 0) and the job carries on; Ctrl-C exits 130", async () => {
    const job = await create(script([{ progress: 5, message: "slow" }, { sleep: 60_000 }]));
    const q = await Terminal.open("detach", ["watch", job.id]);
    await q.until((s) => s.includes("slow"), "the job");
    q.press("q");
    expect(await q.exitCode()).toBe(0);
    const c = await Terminal.open("interrupt", ["watch", job.id]);
    await c.until((s) => s.includes("slow"), "the job");
    c.press("C-c");
    expect(await c.exitCode()).toBe(130);
    expect((await api<JobView>(`/api/v1/jobs/${job.id}`)).state).toBe("running");
    await fetch(`${server.url}/api/v1/jobs/${job.id}/cancel`, { method: "POST" });
  });
});

describe("jobd watch piped", () => {
  test("one line per change, the prompt with how to answer it, the outcome; exit 0", async () => {
    const job = await create(script([{ progress: 30, message: "half way" }, { sleep: 200 }, { prompt: "Proceed?", buttons: ["Yes", "No"] }, { progress: 80, message: "nearly" }]));
    const proc = Bun.spawn([BINARY, "watch", job.id], { env: { PATH: "/usr/bin:/bin", JOBD_URL: server.url }, stdout: "pipe", stderr: "pipe" });
    // Answer only once the watcher has printed the question, as a person reading it would.
    const reader = proc.stdout.getReader();
    let out = "";
    while (!out.includes("Proceed?")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`watch ended early: ${out}`);
      out += new TextDecoder().decode(value);
    }
    await fetch(`${server.url}/api/v1/jobs/${job.id}/answer`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"button":0}' });
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      out += new TextDecoder().decode(value);
    }
    const r = { code: await proc.exited, stdout: out };
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("\x1b[");
    expect(r.stdout).toMatch(/waiting\s+\d+%.*Proceed\? \[1\] Yes {2}\[2\] No/);
    expect(r.stdout).toContain(`jobd answer ${job.id} N`);
    expect(r.stdout.trim().split("\n").at(-1)).toBe(`${job.id} succeeded: {"answers":["Yes"]}`);
  });

  test("exits 1 when the job fails, 1 when it is canceled", async () => {
    const failing = await create(script([{ sleep: 200 }, { fail: { code: "BOOM", message: "it broke" } }]));
    const f = await cli(["watch", failing.id], { url: server.url });
    expect(f.code).toBe(1);
    expect(f.stdout).toContain("BOOM: it broke");
    const slow = await create(script([{ sleep: 60_000 }]));
    const watching = cli(["watch", slow.id], { url: server.url });
    await waitFor(slow.id, (j) => j.state === "running");
    await Bun.sleep(200);
    await fetch(`${server.url}/api/v1/jobs/${slow.id}/cancel`, { method: "POST" });
    const c = await watching;
    expect(c.code).toBe(1);
    expect(c.stdout).toContain("canceled");
  });

  test("--json streams the server's events as NDJSON and ends with the finished job", async () => {
    // The first sleep leaves room for the CLI to start and subscribe on a loaded machine: events are not replayed.
    const job = await create(script([{ sleep: 1500 }, { progress: 50, message: "half" }, { sleep: 300 }, { succeed: "done" }]));
    const r = await cli(["watch", job.id, "--json"], { url: server.url });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { event: string; data: Record<string, unknown> });
    expect(lines.some((l) => l.event === "progress" && l.data.percent === 50 && l.data.message === "half")).toBe(true);
    expect(lines.some((l) => l.event === "transition" && l.data.jobId === job.id)).toBe(true);
    const last = lines.at(-1)!;
    expect(last.event).toBe("finished");
    expect(last.data).toMatchObject({ id: job.id, state: "succeeded", result: "done" });
  });

  test("a finished job is shown once; an unknown job exits 3", async () => {
    const job = await create(script([{ succeed: 1 }]));
    await waitFor(job.id, (j) => j.state === "succeeded");
    const r = await cli(["watch", job.id], { url: server.url });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${job.id} succeeded: 1`);
    const missing = await cli(["watch", "00000000-0000-7000-8000-000000000000"], { url: server.url });
    expect(missing.code).toBe(3);
  });

  test("rides out a server restart on the same port", async () => {
    const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const port = probe.port;
    probe.stop(true);
    const first = await startBinary({ args: ["--port", String(port)], dir: server.dir, db: join(server.dir, "restart.db") });
    const url = first.url;
    const job = (await (await fetch(`${url}/api/v1/jobs`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(script([{ sleep: 60_000 }])) })).json()) as JobView;
    const proc = Bun.spawn([BINARY, "watch", job.id], { env: { PATH: "/usr/bin:/bin", JOBD_URL: url }, stdout: "pipe", stderr: "pipe" });
    const reader = proc.stdout.getReader();
    let out = "";
    while (!out.includes("running")) out += new TextDecoder().decode((await reader.read()).value);
    await first.stop();
    await Bun.sleep(1500);
    const second = await startBinary({ args: ["--port", String(port)], dir: server.dir, db: join(server.dir, "restart.db") });
    await fetch(`${url}/api/v1/jobs/${job.id}/cancel`, { method: "POST" });
    const code = await proc.exited;
    await second.stop();
    expect(code).toBe(1);
    expect(await new Response(proc.stderr).text()).toBe("");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      out += new TextDecoder().decode(value);
    }
    expect(out.trim().split("\n").at(-1)).toBe(`${job.id} canceled`);
  });

  test("gives up with exit 3 when the server stays away", async () => {
    const gone = await startBinary({ dir: server.dir, db: join(server.dir, "gone.db") });
    const job = (await (await fetch(`${gone.url}/api/v1/jobs`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(script([{ sleep: 60_000 }])) })).json()) as JobView;
    const proc = Bun.spawn([BINARY, "watch", job.id], { env: { PATH: "/usr/bin:/bin", JOBD_URL: gone.url }, stdout: "pipe", stderr: "pipe" });
    const reader = proc.stdout.getReader();
    let out = "";
    while (!out.includes("running")) out += new TextDecoder().decode((await reader.read()).value);
    await gone.stop();
    expect(await proc.exited).toBe(3);
    expect(await new Response(proc.stderr).text()).toContain(`cannot reach jobd at ${gone.url}`);
  }, 40_000);

  test("submit --watch follows the job it created", async () => {
    const r = await cli(["submit", "script", "--watch", "--input", JSON.stringify({ steps: [{ progress: 40, message: "going" }, { sleep: 300 }, { fail: { code: "NOPE", message: "no" } }] })], { url: server.url });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("NOPE: no");
  });
});
