/** Starting and stopping the servers under test: jobd, the bare Elysia baseline, redis-server. */
import type { Subprocess } from "bun";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePort, stop, track, waitFor200 } from "./proc.ts";

export interface Running {
  url: string;
  port: number;
  proc: Subprocess;
  /** ms from exec to the first 200 on the readiness path. */
  readyMs: number;
  stop(): Promise<void>;
}

const QUIET_ENV = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp" };

async function startHttp(cmd: string[], readyPath: string, port: number, cwd?: string): Promise<Running> {
  const started = performance.now();
  const proc = track(Bun.spawn(cmd, { cwd, env: QUIET_ENV, stdout: "ignore", stderr: "inherit" }));
  const url = `http://127.0.0.1:${port}`;
  let readyMs: number;
  try {
    readyMs = await Promise.race([
      waitFor200(`${url}${readyPath}`, started, 60_000, 1),
      proc.exited.then((code) => {
        throw new Error(`${cmd.join(" ")} exited with ${code} before it was ready`);
      }),
    ]);
  } catch (error) {
    await stop(proc);
    throw error;
  }
  return { url, port, proc, readyMs, stop: () => stop(proc, 20_000) };
}

export function startJobd(bin: string, db: string, pin: string[], extra: string[] = []): Promise<Running> {
  const port = freePort();
  return startHttp([...pin, bin, "serve", "--port", String(port), "--db", db, "--log-level", "warn", ...extra], "/readyz", port);
}

export function startBaseline(bin: string, pin: string[]): Promise<Running> {
  const port = freePort();
  return startHttp([...pin, bin, "--port", String(port)], "/readyz", port);
}

export interface Redis {
  port: number;
  proc: Subprocess;
  stop(): Promise<void>;
}

/** redis-server on a loopback port, AOF on with fsync every second, data in `dir`. */
export async function startRedis(dir: string, pin: string[]): Promise<Redis> {
  mkdirSync(dir, { recursive: true });
  const port = freePort();
  const proc = track(
    Bun.spawn(
      [
        ...pin,
        "redis-server",
        "--port", String(port),
        "--bind", "127.0.0.1",
        "--dir", dir,
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--save", "",
        "--daemonize", "no",
        "--protected-mode", "yes",
        "--logfile", join(dir, "redis.log"),
      ],
      { env: QUIET_ENV, stdout: "ignore", stderr: "inherit" },
    ),
  );
  const deadline = performance.now() + 15_000;
  for (;;) {
    const ping = Bun.spawnSync(["redis-cli", "-p", String(port), "ping"], { stdout: "pipe", stderr: "pipe" });
    if (ping.stdout.toString().trim() === "PONG") break;
    if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}; see ${dir}/redis.log`);
    if (performance.now() > deadline) {
      await stop(proc);
      throw new Error("redis-server did not answer PING in 15 s");
    }
    await Bun.sleep(20);
  }
  return { port, proc, stop: () => stop(proc) };
}

export function redisFlush(port: number): void {
  Bun.spawnSync(["redis-cli", "-p", String(port), "flushall"], { stdout: "pipe", stderr: "pipe" });
}
