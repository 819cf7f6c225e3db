/** wrk, driven from a generated Lua script, with its summary read back as JSON. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runJson } from "./proc.ts";

const HERE = join(import.meta.dir, "..", "wrk");

export interface WrkResult {
  requests: number;
  durationUs: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyUs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Successful (2xx/3xx) responses per second. */
  rps: number;
}

export type WrkLoad = { kind: "post"; body: string } | { kind: "get"; paths: string[] };

let counter = 0;

/** Writes the Lua script for a load into `workDir` and returns its path. */
export function wrkScript(load: WrkLoad, workDir: string): string {
  mkdirSync(workDir, { recursive: true });
  const report = readFileSync(join(HERE, "report.lua"), "utf8");
  let body: string;
  if (load.kind === "post") {
    if (load.body.includes("]==]")) throw new Error("body cannot hold ]==]");
    body = readFileSync(join(HERE, "post.lua"), "utf8").replace("__BODY__", () => load.body);
  } else {
    const list = load.paths.map((p) => JSON.stringify(p)).join(",\n");
    body = readFileSync(join(HERE, "get-paths.lua"), "utf8").replace("__PATHS__", () => list);
  }
  const path = join(workDir, `wrk-${process.pid}-${++counter}.lua`);
  writeFileSync(path, `${body}\n${report}`);
  return path;
}

export async function wrk(
  url: string,
  script: string,
  options: { connections: number; seconds: number; pin: string[] },
): Promise<WrkResult> {
  // One wrk thread: it has one core to itself, and a second thread would only share it.
  const threads = 1;
  const raw = await runJson<Omit<WrkResult, "rps">>(
    [
      ...options.pin,
      "wrk",
      `-t${threads}`,
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      "--timeout",
      "10s",
      "-s",
      script,
      url,
    ],
    { timeoutMs: (options.seconds + 30) * 1000 },
  );
  const ok = Math.max(0, raw.requests - raw.errors.status);
  return { ...raw, rps: ok / (raw.durationUs / 1e6) };
}
