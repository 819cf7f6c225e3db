/**
 * The linux-arm64 binary from `make dist`, run under QEMU user-mode emulation on an x64 machine (or
 * natively on an arm64 one): it prints its stamp, serves /healthz, drives a script job to succeeded,
 * and as PID 1 of a PID namespace it reaps orphans and stops cleanly on SIGTERM.
 * Emulated startup takes seconds, hence the generous timeouts.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { distTarget } from "../../scripts/targets.ts";
import { distBinary } from "./binaries.ts";
import { arm64Emulator } from "../../scripts/emulator.ts";
import { AS_PID1, canUnshare, childrenOf, launch, orphanInto, pidInNamespace, processState, waitUntil } from "./launch.ts";
import { driveScriptJob, healthz } from "./script-job.ts";

const emulator = arm64Emulator({ install: true });
const skip = "skip" in emulator ? emulator.skip : null;
if (skip) console.warn(`tests/dist/arm64.test.ts skipped: ${skip}`);
const prefix = "prefix" in emulator ? emulator.prefix : [];
const binary = skip ? "" : distBinary(distTarget("linux-arm64"));
const pid1 = !skip && canUnshare();

const dirs: string[] = [];
const tempDir = (label: string) => {
  const dir = mkdtempSync(join(tmpdir(), `jobd-arm64-${label}-`));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const pkgVersion = (JSON.parse(readFileSync(join(import.meta.dir, "../../package.json"), "utf8")) as { version: string }).version;

describe.skipIf(skip !== null)(`linux-arm64 binary ${"how" in emulator ? emulator.how : `(skipped: ${skip})`}`, () => {
  test("is an AArch64 executable stamped with its version, commit, target and build date", () => {
    const elf = readFileSync(binary).subarray(0, 20);
    expect(elf.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
    expect(elf.readUInt16LE(18)).toBe(183); // EM_AARCH64
    const run = Bun.spawnSync([...prefix, binary, "version", "--json"], { stdout: "pipe", stderr: "pipe" });
    expect(run.stderr.toString()).toBe("");
    expect(run.exitCode).toBe(0);
    const stamp = JSON.parse(run.stdout.toString()) as Record<string, string>;
    expect(stamp.target).toBe("linux-arm64");
    expect(stamp.version).toBe(pkgVersion);
    expect(stamp.commit).toMatch(/^([0-9a-f]{12}(-dirty)?|unknown)$/);
    expect(Number.isNaN(Date.parse(stamp.buildDate ?? ""))).toBe(false);
  }, 60_000);

  test(`serves /healthz and drives a script job to succeeded${pid1 ? " as PID 1, reaping orphans" : ""}`, async () => {
    const cwd = tempDir("cwd");
    const data = join(tempDir("data"), "state");
    const jobd = await launch([...(pid1 ? AS_PID1 : []), ...prefix, binary, "serve", "--port", "0"], {
      cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd, TMPDIR: cwd, JOBD_DATA_DIR: data },
      timeoutMs: 90_000,
    });
    let jobdPid = jobd.proc.pid;
    try {
      expect(await healthz(jobd.url)).toBe(200);
      const job = await driveScriptJob(jobd.url, 60_000);
      expect(job.state).toBe("succeeded");
      expect(job.result).toEqual({ ok: true });

      if (pid1) {
        // unshare --fork: the emulated jobd is unshare's only child, and PID 1 in its namespace.
        jobdPid = childrenOf(jobd.proc.pid)[0] ?? -1;
        expect(pidInNamespace(jobdPid)).toBe(1);
        orphanInto(jobdPid, 1);
        await waitUntil("the orphans to be handed to jobd", () => childrenOf(jobdPid).length === 2, 5_000);
        await waitUntil("jobd to reap the exited orphans", () => childrenOf(jobdPid).every((c) => processState(c) !== "Z") && childrenOf(jobdPid).length === 0, 20_000);
      }
      // Everything it wrote is in the data directory.
      expect(readdirSync(cwd)).toEqual([]);
      expect(readdirSync(data).filter((f) => !f.startsWith("jobd.db"))).toEqual([]);
    } finally {
      const code = await jobd.stop("SIGTERM", jobdPid);
      expect(code).toBe(0);
      expect(jobd.output()).toContain('"jobd stopped"');
    }
  }, 180_000);
});
