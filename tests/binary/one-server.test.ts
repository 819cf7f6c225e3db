/**
 * One serving jobd per database and per port: a second `jobd serve` on either refuses to start
 * instead of sharing the work (two engines resuming the same jobs) or half the requests (SO_REUSEPORT).
 */
import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../cli/run-cli.ts";
import { clientOf, startBinary, type RunningBinary } from "../helpers/target.ts";

const running: RunningBinary[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop("SIGKILL");
});

async function start(options: Parameters<typeof startBinary>[0] = {}): Promise<RunningBinary> {
  const server = await startBinary(options);
  running.push(server);
  return server;
}

test("a second server on the same database refuses to start, and leaves the first serving", async () => {
  const first = await start();
  const job = await clientOf(first.url).createJob({ type: "script", input: { steps: [{ sleep: 60_000 }] } });
  const second = await cli(["serve", "--port", "0", "--db", first.db]);
  expect(second.code).toBe(2);
  expect(second.stderr).toContain(`another jobd is serving ${first.db}`);
  // The first one still runs its job, which the second never resumed.
  const read = (await (await fetch(`${first.url}/api/v1/jobs/${job.id}/log`)).json()) as { transitions: { event: string }[] };
  expect(read.transitions.filter((t) => t.event === "job.start")).toHaveLength(1);
});

test("the lock goes with the process: after a clean stop or a kill -9 the next server starts", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jobd-lock-"));
  const db = join(dir, "jobd.db");
  const first = await start({ dir, db });
  expect(await first.stop("SIGTERM")).toBe(0);
  const second = await start({ dir, db });
  await second.stop("SIGKILL");
  const third = await start({ dir, db });
  expect((await fetch(`${third.url}/readyz`)).status).toBe(200);
});

test("a second server on a port in use refuses to start instead of sharing it", async () => {
  const first = await start();
  const port = new URL(first.url).port;
  const dir = mkdtempSync(join(tmpdir(), "jobd-port-"));
  const second = await cli(["serve", "--port", port, "--db", join(dir, "jobd.db")]);
  expect(second.code).toBe(2);
  expect(second.stderr).toContain(`127.0.0.1:${port} is already in use`);
  // Refused before its database was created.
  expect(existsSync(join(dir, "jobd.db"))).toBe(false);
  // Every request still reaches the first server.
  for (let i = 0; i < 6; i++) expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
});
