/** Worker processes for the worker tests: spawn one, read what it says, kill it. */
import type { Subprocess } from "bun";
import { join } from "node:path";

export type WorkerLine = { event: string; worker: string; id?: string } & Record<string, unknown>;

export interface WorkerProcess {
  proc: Subprocess;
  lines: WorkerLine[];
  /** Resolves with the first line (seen or to come) that matches. */
  waitFor(match: (line: WorkerLine) => boolean, timeoutMs?: number): Promise<WorkerLine>;
  stop(signal?: NodeJS.Signals | number): Promise<number | null>;
}

/** Reads a process's stdout as JSON lines into `lines`. */
function collect(proc: Subprocess<"ignore", "pipe", "pipe">, lines: WorkerLine[], onLine: () => void): void {
  void (async () => {
    const decoder = new TextDecoder();
    let buffered = "";
    const reader = proc.stdout.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value);
      let at: number;
      while ((at = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, at).trim();
        buffered = buffered.slice(at + 1);
        if (!line) continue;
        try {
          lines.push(JSON.parse(line) as WorkerLine);
        } catch {
          lines.push({ event: "text", worker: "?", text: line });
        }
        onLine();
      }
    }
  })();
}

export function spawnWorker(command: string[], env: Record<string, string> = {}): WorkerProcess {
  const proc = Bun.spawn(command, {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
  });
  const lines: WorkerLine[] = [];
  const waiters = new Set<() => void>();
  collect(proc, lines, () => {
    for (const w of [...waiters]) w();
  });
  return {
    proc,
    lines,
    waitFor(match, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(async () => {
          waiters.delete(check);
          const stderr = proc.exitCode === null ? "" : await new Response(proc.stderr).text();
          reject(new Error(`worker never said that; it said ${JSON.stringify(lines)} ${stderr}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return proc.exited;
    },
  };
}

/** The TypeScript step worker (tests/workers/fixtures/step-worker.ts) on the client library. */
export function startStepWorker(url: string, name: string, types: string[], leaseMs = 30_000): WorkerProcess {
  return spawnWorker([process.execPath, join(import.meta.dir, "fixtures/step-worker.ts"), url, name, types.join(","), String(leaseMs)]);
}

/** A loopback port nobody listens on right now. */
export function freePort(): number {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = server.port ?? 0;
  server.stop(true);
  return port;
}

export async function post(base: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
