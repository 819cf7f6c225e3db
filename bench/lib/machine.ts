/** Facts about the machine a run happened on, for the head of RESULTS.md. */
import { availableParallelism, loadavg, totalmem } from "node:os";
import { readFileSync } from "node:fs";

export interface MachineFacts {
  date: string;
  nproc: number;
  cpu: string;
  memoryGiB: number;
  bun: string;
  node: string;
  redis: string;
  wrk: string;
  kernel: string;
  loadBefore: number[];
}

function firstLine(cmd: string[]): string {
  try {
    const res = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
    return (res.stdout.toString() + res.stderr.toString()).split("\n").find((l) => l.trim())?.trim() ?? "unknown";
  } catch {
    return "unknown";
  }
}

export function cpuModel(): string {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("model name"));
    return line?.split(":")[1]?.trim() ?? "unknown";
  } catch {
    return "unknown";
  }
}

export function machineFacts(bunBin: string): MachineFacts {
  return {
    date: new Date().toISOString(),
    nproc: availableParallelism(),
    cpu: cpuModel(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    bun: firstLine([bunBin, "--version"]),
    node: firstLine(["node", "--version"]),
    redis: firstLine(["redis-server", "--version"]),
    wrk: firstLine(["wrk", "-v"]),
    kernel: firstLine(["uname", "-sr"]),
    loadBefore: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export const currentLoad = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);
