/**
 * Child processes of the bench: every server it starts is registered here and stopped at the end,
 * by its own pid, whatever happens.
 */
import type { Subprocess } from "bun";
import { readFileSync } from "node:fs";

const children = new Set<Subprocess>();

export function track<T extends Subprocess>(proc: T): T {
  children.add(proc);
  proc.exited.then(() => children.delete(proc));
  return proc;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((p) => stop(p)));
}

/** SIGTERM, then SIGKILL after a grace period. */
export async function stop(proc: Subprocess, graceMs = 5000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

/** A free TCP port on 127.0.0.1, as the kernel hands one out. */
export function freePort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

/** Polls `url` until it answers 200; returns ms since `since` (performance.now()), or throws. */
export async function waitFor200(url: string, since: number, timeoutMs = 30_000, pollMs = 2): Promise<number> {
  const deadline = since + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - since;
    } catch {
      // Not listening yet.
    }
    if (performance.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await Bun.sleep(pollMs);
  }
}

/** Resident set size of a process in MB, from /proc/PID/status (VmRSS and the peak VmHWM). */
export function rssOf(pid: number): { rssMB: number; peakMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssMB: kb("VmRSS") / 1024, peakMB: kb("VmHWM") / 1024 };
}

/** Runs a command to completion and parses the last JSON line it printed. */
export async function runJson<T>(cmd: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<T> {
  const proc = track(
    Bun.spawn(cmd, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdout: "pipe", stderr: "pipe" }),
  );
  const timer = setTimeout(() => proc.kill("SIGKILL"), options.timeoutMs ?? 120_000);
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  const code = await proc.exited;
  clearTimeout(timer);
  const line = out.trim().split("\n").reverse().find((l) => l.startsWith("{"));
  if (code !== 0 || !line) {
    throw new Error(`${cmd.join(" ")} exited ${code}: ${(err || out).trim().slice(-800)}`);
  }
  return JSON.parse(line) as T;
}
