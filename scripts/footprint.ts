/**
 * Measures what each `make dist` binary costs on a box and prints the table docs/install.md carries:
 * binary size, idle RSS, cold start to the first 200 from /healthz, RSS after N finished jobs.
 *
 *   make dist && bun scripts/footprint.ts [--dist dist] [--jobs 10000] [--runs 5] [--target NAME]… [--json]
 *
 * A target runs natively when it matches this machine, ARM64 under qemu-user when it is installed
 * (scripts/emulator.ts; its numbers include the emulator and say so), and is left unmeasured
 * otherwise, with the reason in the table.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { FINISHED_STATES, JOB_STATES } from "../src/job-view.ts";
import { ROOT } from "./bun-runtime.ts";
import { arm64Emulator } from "./emulator.ts";
import { DIST_TARGETS, hostTarget, type DistTarget } from "./targets.ts";

interface Row {
  target: string;
  sizeBytes: number | null;
  idleRssKiB: number | null;
  coldStartMs: number | null;
  jobs: number;
  jobsRssKiB: number | null;
  jobsPeakKiB: number | null;
  jobsSeconds: number | null;
  how: string;
}

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    dist: { type: "string", default: join(ROOT, "dist") },
    jobs: { type: "string", default: "10000" },
    runs: { type: "string", default: "5" },
    json: { type: "boolean", default: false },
    target: { type: "string", multiple: true },
  },
});
const JOBS = Number(values.jobs);
const RUNS = Number(values.runs);

const UNFINISHED = JOB_STATES.filter((s) => !FINISHED_STATES.has(s)).join(",");

/** How to run `target` here: a command prefix, or why it cannot run. */
function runner(target: DistTarget): { prefix: string[]; how: string } | { skip: string } {
  const host = hostTarget();
  if (host?.name === target.name) return { prefix: [], how: "native" };
  if (target.libc === "musl" && host?.libc !== "musl") return { skip: "not measured: this glibc host has no musl C++ runtime (libstdc++) to run it" };
  if (target.arch === "arm64" && target.libc === "glibc") {
    const emulator = arm64Emulator({ install: false });
    return "skip" in emulator ? { skip: `not measured: ${emulator.skip}` } : { prefix: emulator.prefix, how: emulator.prefix.length ? "emulated (qemu-user): not native numbers" : "native" };
  }
  return { skip: `not measured: cannot run ${target.name} on ${host?.name ?? process.platform}` };
}

function status(pid: number, field: "VmRSS" | "VmHWM"): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith(`${field}:`));
  return Number(line?.replace(/\D+/g, "") ?? NaN);
}

async function freePort(): Promise<number> {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

async function start(cmd: string[], dir: string) {
  const port = await freePort();
  const t0 = performance.now();
  const proc = Bun.spawn([...cmd, "serve", "--port", String(port), "--data-dir", join(dir, "data")], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, TMPDIR: dir, JOBD_LOG_LEVEL: "warn" },
    stdout: "ignore",
    stderr: "inherit",
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${cmd.join(" ")} exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 120_000) throw new Error("no 200 from /healthz within 120 s");
    await Bun.sleep(2);
  }
  return { proc, url, startMs: performance.now() - t0 };
}

async function stop(proc: ReturnType<typeof Bun.spawn>): Promise<void> {
  proc.kill("SIGTERM");
  await proc.exited;
}

async function finishJobs(url: string, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const res = await fetch(`${url}/api/v1/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "footprint", kind: "script", input: { steps: [{ progress: 50, message: `job ${n}` }, { succeed: { n } }] } }),
      });
      if (res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  for (;;) {
    const page = (await (await fetch(`${url}/api/v1/jobs?state=${UNFINISHED}&limit=1`)).json()) as { jobs: unknown[] };
    if (page.jobs.length === 0) return;
    await Bun.sleep(100);
  }
}

async function measure(target: DistTarget): Promise<Row> {
  const file = join(values.dist, `jobd-${target.name}`);
  const row: Row = { target: target.name, sizeBytes: null, idleRssKiB: null, coldStartMs: null, jobs: JOBS, jobsRssKiB: null, jobsPeakKiB: null, jobsSeconds: null, how: "" };
  if (!existsSync(file)) return { ...row, how: `missing ${file}: run make dist` };
  row.sizeBytes = statSync(file).size;
  const run = runner(target);
  if ("skip" in run) return { ...row, how: run.skip };
  row.how = run.how;
  const cmd = [...run.prefix, file];

  const starts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), "jobd-footprint-"));
    try {
      const { proc, startMs } = await start(cmd, dir);
      starts.push(startMs);
      await stop(proc);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  starts.sort((a, b) => a - b);
  row.coldStartMs = starts[Math.floor(starts.length / 2)] ?? null;

  const dir = mkdtempSync(join(tmpdir(), "jobd-footprint-"));
  try {
    const { proc, url } = await start(cmd, dir);
    await Bun.sleep(3_000);
    row.idleRssKiB = status(proc.pid, "VmRSS");
    const t0 = performance.now();
    await finishJobs(url, JOBS);
    row.jobsSeconds = (performance.now() - t0) / 1000;
    await Bun.sleep(2_000);
    row.jobsRssKiB = status(proc.pid, "VmRSS");
    row.jobsPeakKiB = status(proc.pid, "VmHWM");
    await stop(proc);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return row;
}

const mib = (bytes: number | null) => (bytes === null ? "—" : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);
const kib = (k: number | null) => (k === null ? "—" : `${(k / 1024).toFixed(0)} MiB`);

function table(rows: Row[]): string {
  const lines = [
    `| Target | Binary | Idle RSS | Cold start to first 200 | RSS after ${JOBS.toLocaleString("en")} finished jobs (peak) | Measured |`,
    "|---|---:|---:|---:|---:|---|",
    ...rows.map((r) =>
      `| ${r.target} | ${mib(r.sizeBytes)} | ${kib(r.idleRssKiB)} | ${r.coldStartMs === null ? "—" : `${r.coldStartMs.toFixed(0)} ms`} | ${r.jobsRssKiB === null ? "—" : `${kib(r.jobsRssKiB)} (${kib(r.jobsPeakKiB)})`} | ${r.how} |`,
    ),
  ];
  return lines.join("\n");
}

const rows: Row[] = [];
for (const target of DIST_TARGETS.filter((t) => !values.target || values.target.includes(t.name))) {
  console.error(`measuring ${target.name}…`);
  rows.push(await measure(target));
}
console.log(values.json ? JSON.stringify(rows, null, 2) : table(rows));
console.error(`cold start: median of ${RUNS} starts on an empty data directory; idle RSS 3 s after the first 200; jobs: ${JOBS} script jobs created 16 at a time, RSS 2 s after the last finished.`);
