/**
 * Starts `jobd serve` behind any command prefix (an emulator, `unshare`, a sandbox script), waits for
 * its "jobd listening" line and keeps everything it logs. Linux process helpers for PID-1 checks.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { Subprocess } from "bun";

export interface Launched {
  url: string;
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Sends `signal` to `pid` (default: the process started) and waits for the started process to end. */
  stop(signal?: NodeJS.Signals, pid?: number): Promise<number>;
}

export async function launch(
  cmd: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<Launched> {
  const proc = Bun.spawn(cmd, { cwd: options.cwd, env: options.env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let out = "";
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    const reader = stream.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      out += decoder.decode(value, { stream: true });
    }
  };
  void drain(proc.stdout);
  void drain(proc.stderr);
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let url: string | undefined;
  while (!url) {
    const line = out.split("\n").find((l) => l.includes('"jobd listening"'));
    if (line) url = (JSON.parse(line) as { url: string }).url;
    else if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`jobd exited (${proc.exitCode ?? proc.signalCode}): ${out}`);
    else if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`jobd did not start within ${options.timeoutMs ?? 15_000} ms: ${out}`);
    } else await Bun.sleep(25);
  }
  return {
    url,
    proc,
    output: () => out,
    async stop(signal: NodeJS.Signals = "SIGTERM", pid?: number) {
      if (proc.exitCode === null && proc.signalCode === null) {
        if (pid === undefined) proc.kill(signal);
        else process.kill(pid, signal);
      }
      return proc.exited;
    },
  };
}

/** Direct children of process `pid`, whichever of its threads they hang from (Linux /proc). */
export function childrenOf(pid: number): number[] {
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return [];
  return readdirSync(tasks).flatMap((tid) => {
    try {
      return readFileSync(`${tasks}/${tid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}

/** The one-letter state of a process (R, S, Z…), or null when it is gone. */
export function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  } catch {
    return null;
  }
}

/** The pid `pid` has inside its own PID namespace (the last NSpid field). */
export function pidInNamespace(pid: number): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("NSpid:"));
    const ids = line?.split(/\s+/).slice(1).map(Number) ?? [];
    return ids.at(-1) ?? null;
  } catch {
    return null;
  }
}

/** Whether `unshare` can make PID and mount namespaces here (root, or a permissive container). */
export function canUnshare(): boolean {
  if (process.platform !== "linux" || !Bun.which("unshare")) return false;
  const probe = Bun.spawnSync(["unshare", "--mount", "--pid", "--fork", "--mount-proc", "true"], { stdout: "ignore", stderr: "ignore" });
  return probe.exitCode === 0;
}

/** `unshare` as the prefix that makes the command PID 1 of a new PID namespace. */
export const AS_PID1 = ["unshare", "--pid", "--fork", "--mount-proc"];

export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

/**
 * Leaves two `sleep` processes orphaned inside the PID namespace of `pid`: their parent shell exits
 * at once, so the kernel hands them to that namespace's PID 1.
 */
export function orphanInto(pid: number, seconds: number): void {
  const result = Bun.spawnSync(["nsenter", "-t", String(pid), "-p", "-m", "sh", "-c", `sleep ${seconds} >/dev/null 2>&1 & sleep ${seconds} >/dev/null 2>&1 & exit 0`], {
    stdout: "ignore",
    stderr: "pipe",
  });
  if (result.exitCode !== 0) throw new Error(`nsenter failed: ${result.stderr.toString()}`);
}
