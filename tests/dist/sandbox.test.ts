/**
 * The binary for this machine from `make dist`, run the way servers, edge boxes and containers run it:
 * its data directory is the only place it writes, it runs on a read-only root with a read-only TMPDIR
 * and HOME, and as PID 1 it stops cleanly on SIGTERM or SIGINT and reaps orphaned processes.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostTarget } from "../../scripts/targets.ts";
import { parseServeArgs } from "../../src/config.ts";
import { distBinary } from "./binaries.ts";
import { AS_PID1, canUnshare, childrenOf, launch, orphanInto, pidInNamespace, processState, waitUntil } from "./launch.ts";
import { readOnlyRoot } from "./read-only-root.ts";
import { driveScriptJob, healthz } from "./script-job.ts";

const host = hostTarget();
const binary = host ? distBinary(host) : "";
const namespaces = host !== undefined && canUnshare();
const noNamespaces = "needs root (or a container allowing unshare) for PID and mount namespaces";

const dirs: string[] = [];
const tempDir = (label: string) => {
  const dir = mkdtempSync(join(tmpdir(), `jobd-sandbox-${label}-`));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const baseEnv = (home: string): Record<string, string> => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, TMPDIR: home });
// The database, its WAL, and the lock a serving jobd holds beside it (one server per database).
const dbFiles = (dir: string) => readdirSync(dir).filter((f) => !/^jobd\.db(-wal|-shm|-journal|\.lock)?$/.test(f));

describe("--data-dir and --db", () => {
  test("the database lives in the data directory: ./data by default, JOBD_DATA_DIR or --data-dir otherwise", () => {
    expect(parseServeArgs([], {}).db).toBe(join("data", "jobd.db"));
    expect(parseServeArgs([], {}).dataDir).toBe("./data");
    expect(parseServeArgs([], { JOBD_DATA_DIR: "/var/lib/jobd" }).db).toBe("/var/lib/jobd/jobd.db");
    expect(parseServeArgs(["--data-dir", "/srv/jobd"], { JOBD_DATA_DIR: "/var/lib/jobd" }).db).toBe("/srv/jobd/jobd.db");
  });

  test("--db (or JOBD_DB) still names the database file outright", () => {
    expect(parseServeArgs(["--data-dir", "/srv/jobd", "--db", "/fast/q.db"], {}).db).toBe("/fast/q.db");
    expect(parseServeArgs(["--data-dir", "/srv/jobd"], { JOBD_DB: "/fast/q.db" }).db).toBe("/fast/q.db");
    expect(parseServeArgs(["--db", "/fast/q.db"], {}).dataDir).toBe("./data");
  });

  test("an empty --data-dir is refused", () => {
    expect(() => parseServeArgs(["--data-dir", ""], {})).toThrow("--data-dir must not be empty");
  });
});

describe.skipIf(!host)(`${host?.name ?? "host"} binary`, () => {
  test("with no flags it writes ./data/jobd.db and nothing else: not in its cwd, HOME or TMPDIR", async () => {
    const cwd = tempDir("cwd");
    const home = tempDir("home");
    const jobd = await launch([binary, "serve", "--port", "0"], { cwd, env: baseEnv(home) });
    try {
      expect((await driveScriptJob(jobd.url)).state).toBe("succeeded");
    } finally {
      expect(await jobd.stop()).toBe(0);
    }
    expect(readdirSync(cwd)).toEqual(["data"]);
    expect(dbFiles(join(cwd, "data"))).toEqual([]);
    expect(readdirSync(join(cwd, "data"))).toContain("jobd.db");
    expect(readdirSync(home)).toEqual([]);
  });

  test("--db elsewhere writes only that file (and its WAL), creating no data directory", async () => {
    const cwd = tempDir("cwd");
    const elsewhere = tempDir("db");
    const jobd = await launch([binary, "serve", "--port", "0", "--db", join(elsewhere, "jobd.db")], { cwd, env: baseEnv(cwd) });
    try {
      expect((await driveScriptJob(jobd.url)).state).toBe("succeeded");
    } finally {
      expect(await jobd.stop()).toBe(0);
    }
    expect(readdirSync(cwd)).toEqual([]);
    expect(readdirSync(elsewhere)).toContain("jobd.db");
    expect(dbFiles(elsewhere)).toEqual([]);
  });

  test.skipIf(!namespaces)(
    `runs with every filesystem read-only except its data directory (cwd, HOME and TMPDIR included)${namespaces ? "" : ` — skipped: ${noNamespaces}`}`,
    async () => {
      const frozen = tempDir("frozen");
      const data = tempDir("data");
      mkdirSync(join(frozen, "tmp"));
      const jobd = await launch([...readOnlyRoot(data), binary, "serve", "--port", "0"], {
        cwd: frozen,
        env: { ...baseEnv(frozen), TMPDIR: join(frozen, "tmp"), JOBD_DATA_DIR: data },
      });
      const jobdPid = childrenOf(jobd.proc.pid)[0] ?? -1;
      try {
        expect(await healthz(jobd.url)).toBe(200);
        for (let i = 0; i < 5; i++) expect((await driveScriptJob(jobd.url)).state).toBe("succeeded");
      } finally {
        expect(await jobd.stop("SIGTERM", jobdPid)).toBe(0);
      }
      expect(jobd.output()).toContain('"jobd stopped"');
      expect(jobd.output()).not.toContain('"level":"error"');
      expect(readdirSync(frozen)).toEqual(["tmp"]);
      expect(readdirSync(join(frozen, "tmp"))).toEqual([]);
      expect(dbFiles(data)).toEqual([]);
      expect(existsSync(join(data, "jobd.db"))).toBe(true);
    },
    30_000,
  );

  const asRoot = process.getuid?.() === 0 && Bun.which("setpriv") !== null;
  test.skipIf(!asRoot)(
    `as an unprivileged user (systemd's DynamicUser) it needs write access to nothing but its data directory${asRoot ? "" : " — skipped: needs root and setpriv to switch user"}`,
    async () => {
      // Root-owned 0755 directories: readable, not writable, for uid 65534.
      const cwd = tempDir("cwd");
      const parent = tempDir("data");
      const data = join(parent, "jobd");
      mkdirSync(data);
      for (const dir of [cwd, parent]) chmodSync(dir, 0o755);
      chownSync(data, 65534, 65534);
      const user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"];
      const jobd = await launch([...user, binary, "serve", "--port", "0"], {
        cwd,
        env: { ...baseEnv(cwd), JOBD_DATA_DIR: data },
      });
      try {
        expect((await driveScriptJob(jobd.url)).state).toBe("succeeded");
      } finally {
        expect(await jobd.stop()).toBe(0);
      }
      expect(readdirSync(cwd)).toEqual([]);
      expect(dbFiles(data)).toEqual([]);
      expect(statSync(join(data, "jobd.db")).uid).toBe(65534);
    },
  );

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    test.skipIf(!namespaces)(
      `as PID 1 it reaps orphaned processes and ${signal} stops it cleanly${namespaces ? "" : ` — skipped: ${noNamespaces}`}`,
      async () => {
        const dir = tempDir("pid1");
        const jobd = await launch([...AS_PID1, binary, "serve", "--port", "0", "--data-dir", join(dir, "data")], { cwd: dir, env: baseEnv(dir) });
        const jobdPid = childrenOf(jobd.proc.pid)[0] ?? -1;
        try {
          expect(pidInNamespace(jobdPid)).toBe(1);
          orphanInto(jobdPid, 0.5);
          await waitUntil("the orphans to be handed to jobd", () => childrenOf(jobdPid).length === 2, 5_000);
          // Had nobody reaped them they would linger as zombies (state Z) under jobd.
          await waitUntil("jobd to reap the exited orphans", () => childrenOf(jobdPid).length === 0, 10_000);
          expect(childrenOf(jobdPid).filter((c) => processState(c) === "Z")).toEqual([]);
          expect((await driveScriptJob(jobd.url)).state).toBe("succeeded");
        } finally {
          expect(await jobd.stop(signal, jobdPid)).toBe(0);
        }
        expect(jobd.output()).toContain('"jobd stopped"');
      },
      30_000,
    );
  }
});
