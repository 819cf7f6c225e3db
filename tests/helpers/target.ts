/**
 * One conformance suite, two targets: the app in process (`app.handle`, a real SQLite file) and the
 * compiled binary as a subprocess on a loopback port. `eachTarget` runs a describe block against both.
 */
import { afterAll, beforeAll, describe } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Authenticator, type Principal } from "../../src/auth/index.ts";
import { Engine, ManualClock, type EngineOptions } from "../../src/engine/index.ts";
import { createApp } from "../../src/http/app.ts";
import type { HttpOptions } from "../../src/http/context.ts";
import type { JobSpec, JobView } from "../../src/job-view.ts";
import { SqliteStore } from "../../src/store/index.ts";
import type { Subprocess } from "bun";

export interface Target {
  name: "in-process" | "binary";
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Creates a job through the native API. */
  createJob(spec: JobSpec, headers?: Record<string, string>): Promise<JobView>;
  /** Reads a job through the native API (no receipt taken). */
  getJob(id: string): Promise<JobView | undefined>;
  /** Polls the native API until the job satisfies `until` (default: finished). */
  waitFor(id: string, until?: (job: JobView) => boolean, timeoutMs?: number): Promise<JobView>;
  /** In process only: the engine and its manual clock, when one was asked for. */
  engine?: Engine;
  clock?: ManualClock;
  dir: string;
  close(): Promise<void>;
}

export interface TargetOptions {
  /** Extra `jobd serve` flags (binary) — the in-process target maps the ones it knows. */
  args?: string[];
  env?: Record<string, string>;
  engine?: Partial<EngineOptions>;
  manualClock?: boolean;
  /** In process only: surface options (the binary takes the matching flags in `args`). */
  http?: Partial<HttpOptions>;
  /** In process only: principals (auth on); the binary takes `--tokens FILE` in `args`. */
  principals?: Principal[];
  /** The Authorization header the helpers (createJob, getJob, waitFor) send when auth is on. */
  authorization?: string;
}

const finished = (job: JobView) => ["succeeded", "failed", "canceled"].includes(job.state);

function withHelpers(
  name: Target["name"],
  fetcher: (path: string, init?: RequestInit) => Promise<Response>,
  authorization?: string,
): Omit<Target, "close" | "dir" | "engine" | "clock"> {
  const createJob = async (spec: JobSpec, headers: Record<string, string> = {}) => {
    const res = await fetcher("/api/v1/jobs", {
      method: "POST",
      headers: { "content-type": "application/json", ...authHeaders(authorization), ...headers },
      body: JSON.stringify(spec),
    });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as JobView;
  };
  const getJob = async (id: string) => {
    const res = await fetcher(`/api/v1/jobs/${id}`, { headers: authHeaders(authorization) });
    return res.status === 200 ? ((await res.json()) as JobView) : undefined;
  };
  const waitFor = async (id: string, until = finished, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await getJob(id);
      if (job && until(job)) return job;
      if (Date.now() > deadline) throw new Error(`job ${id} did not get there in time: ${JSON.stringify(job?.state)}`);
      await Bun.sleep(20);
    }
  };
  return { name, fetch: fetcher, createJob, getJob, waitFor };
}

/** Headers every helper request carries: the target's Authorization, when it was given one. */
export function authHeaders(authorization?: string): Record<string, string> {
  return authorization ? { authorization } : {};
}

export async function inProcessTarget(options: TargetOptions = {}): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "jobd-test-"));
  const store = new SqliteStore(join(dir, "jobd.db"));
  const clock = options.manualClock ? new ManualClock(Date.now()) : undefined;
  const engine = new Engine({ store, ...(clock ? { clock, autoTick: false } : {}), ...options.engine });
  const { app } = createApp({ engine, options: options.http, auth: new Authenticator(options.principals ?? []) });
  engine.boot();
  const fetcher = (path: string, init?: RequestInit) => app.handle(new Request(`http://localhost${path}`, init));
  return {
    ...withHelpers("in-process", fetcher, options.authorization),
    engine,
    clock,
    dir,
    async close() {
      await engine.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const BINARY = process.env.JOBD_BIN ?? join(import.meta.dir, "../../dist/jobd");

export interface RunningBinary {
  url: string;
  proc: Subprocess;
  dir: string;
  db: string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the compiled binary on a free loopback port and waits for its first log line. */
export async function startBinary(options: { args?: string[]; env?: Record<string, string>; dir?: string; db?: string } = {}): Promise<RunningBinary> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "jobd-bin-"));
  const db = options.db ?? join(dir, "jobd.db");
  const proc = Bun.spawn([BINARY, "serve", "--port", "0", "--db", db, ...(options.args ?? [])], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, ...options.env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  const deadline = Date.now() + 15_000;
  let url: string | undefined;
  while (!url) {
    if (Date.now() > deadline) throw new Error("jobd did not start in time");
    const { value, done } = await reader.read();
    if (done) throw new Error(`jobd exited: ${await new Response(proc.stderr).text()}`);
    buffered += decoder.decode(value);
    for (const line of buffered.split("\n")) {
      if (line.includes('"jobd listening"')) url = (JSON.parse(line) as { url: string }).url;
    }
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  (async () => {
    try {
      for (;;) if ((await reader.read()).done) break;
    } catch {
      // The process ended.
    }
  })();
  return {
    url,
    proc,
    dir,
    db,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return proc.exited;
    },
  };
}

/** The native-API helpers (createJob, getJob, waitFor) for a server at `url`. */
export function clientOf(url: string, authorization?: string): Omit<Target, "close" | "dir" | "engine" | "clock"> {
  return withHelpers("binary", (path, init) => fetch(`${url}${path}`, init), authorization);
}

export async function binaryTarget(options: TargetOptions = {}): Promise<Target> {
  const bin = await startBinary({ args: options.args, env: options.env });
  return {
    ...clientOf(bin.url, options.authorization),
    dir: bin.dir,
    async close() {
      await bin.stop();
      rmSync(bin.dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `suite` against the app in process and against the compiled binary. Checks that need the
 * engine's clock read `target.clock` and skip themselves (with the reason written down) on the binary.
 */
export function eachTarget(title: string, suite: (target: () => Target) => void, options: TargetOptions = {}): void {
  for (const kind of ["in-process", "binary"] as const) {
    describe(`${title} [${kind}]`, () => {
      let target: Target;
      beforeAll(async () => {
        target = kind === "in-process" ? await inProcessTarget(options) : await binaryTarget(options);
      });
      afterAll(async () => {
        await target?.close();
      });
      suite(() => target);
    });
  }
}
