/**
 * The outside tools the bench drives: wrk (HTTP load), redis-server (BullMQ's store) from Debian,
 * installed with apt-get when missing; taskset to keep the server and the load generator apart.
 */
import { availableParallelism } from "node:os";

export function which(bin: string): string | null {
  return Bun.which(bin);
}

/** Installs Debian packages whose binary is missing. Throws with apt's output when that fails. */
export function ensureDebianTools(tools: { bin: string; pkg: string }[], say: (line: string) => void): void {
  const missing = tools.filter((t) => !which(t.bin));
  if (missing.length === 0) return;
  if (!which("apt-get")) throw new Error(`missing ${missing.map((t) => t.bin).join(", ")} and no apt-get to install them`);
  const pkgs = missing.map((t) => t.pkg);
  say(`installing ${pkgs.join(", ")} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  // Another apt may hold the lock on a shared machine: wait for it rather than fail.
  const lock = ["-o", "DPkg::Lock::Timeout=300"];
  let res = Bun.spawnSync(["apt-get", ...lock, "install", "-y", "-qq", ...pkgs], { env, stdout: "pipe", stderr: "pipe" });
  if (res.exitCode !== 0) {
    Bun.spawnSync(["apt-get", ...lock, "update", "-qq"], { env, stdout: "pipe", stderr: "pipe" });
    res = Bun.spawnSync(["apt-get", ...lock, "install", "-y", "-qq", ...pkgs], { env, stdout: "pipe", stderr: "pipe" });
  }
  const still = missing.filter((t) => !which(t.bin));
  if (res.exitCode !== 0 || still.length > 0) {
    throw new Error(`apt-get could not install ${pkgs.join(", ")}: ${res.stderr.toString().slice(-500)}`);
  }
}

/** Where each side runs: the server on one core, the load generator on another. */
export interface Cores {
  server: string[];
  load: string[];
  pinned: boolean;
  note: string;
}

export function pickCores(): Cores {
  const n = availableParallelism();
  if (!which("taskset") || n < 2) {
    return { server: [], load: [], pinned: false, note: `not pinned (${n} core(s), taskset ${which("taskset") ? "present" : "missing"})` };
  }
  return {
    server: ["taskset", "-c", "0"],
    load: ["taskset", "-c", "1"],
    pinned: true,
    note: "server on CPU 0, load generator on CPU 1 (taskset)",
  };
}
