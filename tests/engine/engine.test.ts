import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SimulatedClock } from "xstate";
import { Engine, ManualClock, type EngineOptions } from "../../src/engine/index.ts";
import { JobdError } from "../../src/errors.ts";
import { SqliteStore } from "../../src/store/index.ts";

const open: { engine: Engine; store: SqliteStore; dir: string }[] = [];

function setup(options: Partial<EngineOptions> = {}, dir = mkdtempSync(join(tmpdir(), "jobd-engine-"))) {
  const store = new SqliteStore(join(dir, "jobd.db"));
  const clock = new ManualClock(Date.UTC(2026, 10, 1));
  const machineClock = new SimulatedClock();
  const engine = new Engine({ store, clock, machineClock, autoTick: false, ...options });
  engine.boot();
  open.push({ engine, store, dir });
  return { engine, store, clock, machineClock, dir };
}

afterEach(async () => {
  for (const { engine, store, dir } of open.splice(0)) {
    await engine.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const steps = (...s: unknown[]) => ({ steps: s });

describe("engine", () => {
  test("create answers after commit with a time-ordered id and an increasing seq", async () => {
    const { engine } = setup();
    const a = await engine.create({ type: "script", input: steps({ sleep: 1000 }) });
    const b = await engine.create({ type: "script", input: steps({ sleep: 1000 }) });
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(b.id > a.id).toBe(true);
    expect(b.seq).toBeGreaterThan(a.seq);
    expect(a.seq).toBeGreaterThan(0);
    expect(engine.get(a.id)?.state).toBe("running");
  });

  test("unknown input is refused before anything is stored", async () => {
    const { engine } = setup();
    await expect(engine.create({ type: "script", input: steps({ nope: 1 }) })).rejects.toBeInstanceOf(JobdError);
    expect(engine.count({ limit: 10 })).toBe(0);
  });

  test("input nested deeper than 100 levels is refused by every surface's create (the engine checks it)", async () => {
    const { engine } = setup();
    const nest = (n: number): unknown => (n === 0 ? 1 : [nest(n - 1)]);
    await expect(engine.create({ type: "script", input: { steps: [], x: nest(20_000) } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "input nests deeper than 100 levels",
    });
    await expect(engine.create({ type: "script", children: [{ type: "script", input: nest(101) }] })).rejects.toMatchObject({
      message: "children[0].input nests deeper than 100 levels",
    });
    expect(engine.count({ limit: 10 })).toBe(0);
    const deepest = await engine.create({ type: "script", input: { steps: [], x: nest(99) } });
    expect(engine.get(deepest.id)?.state).toBe("succeeded");
  });

  test("a job waiting on a prompt is passivated and woken by the answer", async () => {
    const { engine } = setup({ keepIdle: 0 });
    const job = await engine.create({ type: "script", input: steps({ prompt: "Go?", buttons: ["Yes", "No"] }, { progress: 50 }) });
    expect(job.state).toBe("waiting");
    expect(job.prompt).toEqual({ message: "Go?", buttons: ["Yes", "No"] });
    expect(engine.liveCount()).toBe(0);
    await expect(engine.answer(job.id, 2)).rejects.toMatchObject({ code: "INVALID_BUTTON", status: 400 });
    expect(engine.get(job.id)?.state).toBe("waiting");
    const answered = await engine.answer(job.id, 0);
    expect(answered.state).toBe("succeeded");
    expect(answered.result).toEqual({ answers: ["Yes"] });
    await expect(engine.answer(job.id, 0)).rejects.toMatchObject({ code: "NOTHING_ASKED" });
    expect(engine.liveCount()).toBe(0);
  });

  test("the most recently used idle actors stay awake, up to keepIdle; older ones and finished jobs are passivated", async () => {
    const { engine, store } = setup({ keepIdle: 2 });
    const ask = () => engine.create({ type: "script", input: steps({ prompt: "Go?", buttons: ["Yes"] }, { prompt: "Again?", buttons: ["Yes"] }) });
    const a = await ask();
    const b = await ask();
    expect(engine.liveCount()).toBe(2);
    const c = await ask();
    // a was the least recently used: it sleeps in its snapshot, b and c are kept.
    expect(engine.liveCount()).toBe(2);
    expect(engine.latest(a.id)?.stateValue).toBe("running.waiting");
    // An answer to a kept actor needs no restore, and its transitions are written as ever.
    expect((await engine.answer(c.id, 0)).prompt?.message).toBe("Again?");
    expect(store.readJobById(c.id)?.answers).toEqual([0]);
    // a wakes from its snapshot; b, now least recently used, is passivated in its place.
    expect((await engine.answer(a.id, 0)).prompt?.message).toBe("Again?");
    expect(engine.liveCount()).toBe(2);
    // A finished job keeps nothing in memory.
    expect((await engine.answer(c.id, 0)).state).toBe("succeeded");
    expect(engine.liveCount()).toBe(1);
    expect((await engine.answer(b.id, 0)).prompt?.message).toBe("Again?");
    expect(engine.liveCount()).toBe(2);
  });

  test("work in process keeps its actor awake only while it works", async () => {
    const { engine, machineClock } = setup();
    const job = await engine.create({ type: "script", input: steps({ sleep: 100 }) });
    expect(engine.liveCount()).toBe(1);
    machineClock.increment(100);
    await engine.store.committed();
    expect(engine.get(job.id)?.state).toBe("succeeded");
    expect(engine.liveCount()).toBe(0);
  });

  test("cancel: queued at once, running by request, and children follow their parent", async () => {
    const { engine } = setup();
    const later = await engine.create({ type: "script", runAt: engine.now() + 60_000 });
    expect((await engine.cancel(later.id)).state).toBe("canceled");

    const parent = await engine.create({
      type: "script",
      input: steps({ sleep: 10_000 }),
      children: [
        { type: "script", input: { steps: [{ sleep: 10_000 }], cancel: "ignore" } },
        { type: "script", input: steps({ prompt: "?", buttons: ["ok"] }) },
      ],
    });
    const canceled = await engine.cancel(parent.id);
    expect(canceled.state).toBe("canceled");
    const [ignoring, asking] = parent.children.map((id) => engine.get(id));
    expect(ignoring?.state).toBe("cancelling");
    expect(asking?.state).toBe("canceled");
  });

  test("children: parent progress is the mean of its children until it reports its own", async () => {
    const { engine, machineClock } = setup();
    const parent = await engine.create({
      type: "script",
      input: steps({ prompt: "hold", buttons: ["go"] }),
      children: [
        { type: "script", input: steps({ progress: 50 }, { sleep: 100 }) },
        { type: "script", input: steps({ sleep: 200 }) },
      ],
    });
    expect(engine.get(parent.id)?.progress.percent).toBe(25);
    machineClock.increment(100);
    await engine.store.committed();
    expect(engine.get(parent.id)?.progress.percent).toBe(50);
    machineClock.increment(100);
    await engine.store.committed();
    const done = await engine.answer(parent.id, 0);
    expect(done.state).toBe("succeeded");
  });

  test("fail-fast cancels the siblings and fails the parent", async () => {
    const { engine } = setup();
    const parent = await engine.create({
      type: "script",
      failurePolicy: "fail-fast",
      input: steps({ sleep: 10_000 }),
      children: [
        { type: "script", input: steps({ sleep: 10_000 }) },
        { type: "script", input: steps({ fail: { code: "DISK_FULL", message: "full" } }) },
      ],
    });
    const view = engine.get(parent.id);
    expect(view?.state).toBe("failed");
    expect(view?.error?.code).toBe("CHILD_FAILED");
    expect(engine.get(parent.children[0] ?? "")?.state).toBe("canceled");
  });

  test("retries wait for their backoff deadline, stored and fired from the column", async () => {
    const { engine, clock } = setup();
    const job = await engine.create({
      type: "script",
      maxAttempts: 2,
      backoff: { type: "fixed", delayMs: 5000 },
      input: steps({ fail: { code: "FLAKY", message: "try again" } }),
    });
    expect(job.state).toBe("queued");
    expect(job.attempts).toBe(1);
    expect(job.runAt).toBe(engine.now() + 5000);
    expect(engine.tick()).toBe(0);
    clock.advance(5000);
    expect(engine.tick()).toBe(1);
    await engine.store.committed();
    const after = engine.get(job.id);
    expect(after?.state).toBe("failed");
    expect(after?.attempts).toBe(2);
  });

  test("a timeout fires from its stored deadline", async () => {
    const { engine, clock } = setup();
    const job = await engine.create({ type: "script", timeoutMs: 1000, input: steps({ sleep: 60_000 }) });
    clock.advance(1000);
    engine.tick();
    await engine.store.committed();
    expect(engine.get(job.id)?.error?.code).toBe("TIMEOUT");
  });

  test("a prompt deadline takes the default button", async () => {
    const { engine, clock } = setup();
    const job = await engine.create({
      type: "script",
      input: steps({ prompt: "Continue?", buttons: ["Yes", "No"], default: 1, timeoutMs: 30_000 }),
    });
    expect(job.prompt?.deadline).toBe(engine.now() + 30_000);
    clock.advance(30_000);
    engine.tick();
    await engine.store.committed();
    expect(engine.get(job.id)?.result).toEqual({ answers: ["No"] });
  });

  test("a stuck cancelling becomes canceled after the grace period", async () => {
    const { engine, clock } = setup({ cancelGraceMs: 2000 });
    const job = await engine.create({ type: "script", input: { steps: [{ sleep: 60_000 }], cancel: "ignore" } });
    expect((await engine.cancel(job.id)).state).toBe("cancelling");
    clock.advance(2000);
    engine.tick();
    await engine.store.committed();
    expect(engine.get(job.id)?.state).toBe("canceled");
  });

  test("retention deletes finished jobs after the period; receipt removes them at once", async () => {
    const { engine, clock } = setup({ retention: { finishedMs: 3 * 86_400_000 } });
    const kept = await engine.create({ type: "script" });
    const received = await engine.create({ type: "script" });
    const running = await engine.create({ type: "script", input: steps({ prompt: "?", buttons: ["a"] }) });
    await engine.receive(received.id);
    expect(engine.get(received.id)).toBeUndefined();
    clock.advance(3 * 86_400_000 - 1);
    engine.tick();
    expect(engine.get(kept.id)?.state).toBe("succeeded");
    clock.advance(1);
    engine.tick();
    await engine.store.committed();
    expect(engine.get(kept.id)).toBeUndefined();
    expect(engine.get(running.id)?.state).toBe("waiting");
  });

  test("bookkeeping (retention keeping a child, receipt) leaves updatedAt at the job's last change", async () => {
    const { engine, clock } = setup({ retention: { finishedMs: 1000, afterReceiptMs: 60_000 } });
    const parent = await engine.create({
      type: "script",
      input: steps({ prompt: "?", buttons: ["a"] }),
      children: [{ type: "script" }],
    });
    const childId = parent.children[0] as string;
    const child = engine.get(childId);
    expect(child?.state).toBe("succeeded");
    clock.advance(5000);
    engine.tick();
    await engine.store.committed();
    // The finished child outlived its retention because its parent still runs: kept, not changed.
    expect(engine.get(childId)?.expiresAt).toBeNull();
    expect(engine.get(childId)?.updatedAt).toBe(child?.updatedAt as number);
    const done = await engine.create({ type: "script" });
    clock.advance(1000);
    await engine.receive(done.id);
    expect(engine.get(done.id)?.receivedAt).toBe(clock.now());
    expect(engine.get(done.id)?.updatedAt).toBe(done.updatedAt);
  });

  test("the same Idempotency-Key returns the same job", async () => {
    const { engine } = setup();
    const a = await engine.create({ type: "script" }, { idempotencyKey: "k1" });
    const b = await engine.create({ type: "script" }, { idempotencyKey: "k1" });
    const c = await engine.create({ type: "script" }, { idempotencyKey: "k2" });
    expect(b.id).toBe(a.id);
    expect(c.id).not.toBe(a.id);
  });

  test("the transition log records every step with its event", async () => {
    const { engine } = setup();
    const job = await engine.create({ type: "script", input: steps({ prompt: "?", buttons: ["a"] }) });
    await engine.answer(job.id, 0);
    const log = engine.log(job.id).map((t) => `${t.event}:${t.from}>${t.to}`);
    expect(log).toEqual([
      "job.create:>queued",
      "job.start:queued>running.working",
      "job.prompt:running.working>running.waiting",
      "job.answer:running.waiting>running.working",
      "job.succeed:running.working>succeeded",
    ]);
  });

  test("max running: extra in-process jobs wait in the queue and start as room frees", async () => {
    const { engine, machineClock } = setup({ maxRunning: 2 });
    const jobs = [];
    for (let i = 0; i < 4; i++) jobs.push(await engine.create({ type: "script", input: steps({ sleep: 100 }) }));
    expect(jobs.map((j) => j.state)).toEqual(["running", "running", "queued", "queued"]);
    machineClock.increment(100);
    await engine.store.committed();
    expect(jobs.map((j) => engine.get(j.id)?.state)).toEqual(["succeeded", "succeeded", "running", "running"]);
  });

  test("a finished job keeps no snapshot; an event sent to it later changes nothing and wakes nothing", async () => {
    const { engine, store } = setup();
    const done = await engine.create({ type: "script", input: steps({ progress: 50 }) });
    const asking = await engine.create({ type: "script", input: steps({ prompt: "?", buttons: ["a"] }) });
    expect(done.state).toBe("succeeded");
    expect(asking.state).toBe("waiting");
    // An unfinished job sleeps in its snapshot; once it ends, its row is all there is.
    expect(JSON.parse(store.findSnapshot(asking.id)?.snapshot ?? "null")?.value).toEqual({ running: "waiting" });
    await engine.cancel(asking.id);
    for (const id of [done.id, asking.id]) {
      expect(store.findSnapshot(id)?.snapshot).toBeNull();
      const before = store.findJobById(id);
      if (!before) throw new Error("the job is gone");
      const after = await engine.send(id, { type: "job.fail", error: { code: "LATE", message: "too late" } });
      expect(after.state).toBe(before.state);
      expect(store.findJobById(id)).toEqual(before);
      expect(engine.log(id).map((t) => t.event)).not.toContain("job.fail");
    }
    expect(engine.get(done.id)?.result).toEqual({ answers: [] });
    expect(engine.get(asking.id)?.state).toBe("canceled");
  });

  test("close keeps the snapshot of a change still waiting for its commit (taken before the actor stops)", async () => {
    const { engine, store } = setup();
    const job = await engine.create({ type: "script", input: steps({ sleep: 100_000 }) });
    const sent = engine.send(job.id, { type: "job.progress", percent: 5 });
    await engine.close();
    await sent;
    const stored = JSON.parse(store.findSnapshot(job.id)?.snapshot ?? "null");
    expect(stored?.status).toBe("active");
    expect(stored?.value).toEqual({ running: "working" });
    expect(store.findJobById(job.id)?.progressPercent).toBe(5);
  });

  test("boot re-runs in-process work that was running when jobd stopped", async () => {
    const first = setup();
    const job = await first.engine.create({ type: "script", input: steps({ progress: 10 }, { sleep: 100_000 }) });
    const waiting = await first.engine.create({ type: "script", input: steps({ prompt: "?", buttons: ["a"] }) });
    expect(job.state).toBe("running");
    // Simulate a crash: drop the engine without letting it change anything.
    await first.engine.close();
    first.store.close();
    open.splice(0);

    const second = setup({}, first.dir);
    await second.store.committed();
    const resumed = second.engine.get(job.id);
    expect(resumed?.state).toBe("running");
    expect(resumed?.attempts).toBe(1);
    expect(second.engine.log(job.id).some((t) => t.event === "job.interrupted")).toBe(true);
    expect(second.engine.get(waiting.id)?.state).toBe("waiting");
    expect((await second.engine.answer(waiting.id, 0)).state).toBe("succeeded");
  });
});
