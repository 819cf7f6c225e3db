import { describe, expect, test } from "bun:test";
import { createActor, createMachine, fromCallback, getNextSnapshot, SimulatedClock, type AnyActorLogic, type AnyStateMachine } from "xstate";
import { backoffDelay, jobMachine, scriptMachine, type JobInput } from "../../machines/index.ts";

const input = (over: Partial<JobInput> = {}): JobInput => ({
  kind: "script",
  input: { steps: [] },
  maxAttempts: 1,
  backoff: { type: "fixed", delayMs: 100 },
  failurePolicy: "wait-all",
  interruptPolicy: "rerun",
  ...over,
});

/** A work actor that does nothing by itself: the test plays the work by sending events. */
const idleWork = fromCallback(() => () => {});
const withWork = (work: AnyActorLogic = idleWork) => jobMachine.provide({ actors: { work } });

const start = (over: Partial<JobInput> = {}, work?: AnyActorLogic) => {
  const actor = createActor(withWork(work), { input: input(over) });
  actor.start();
  return actor;
};

describe("job lifecycle machine", () => {
  test("queued → running → succeeded with a result", () => {
    const actor = start();
    expect(actor.getSnapshot().value).toBe("queued");
    actor.send({ type: "job.start" });
    expect(actor.getSnapshot().value).toEqual({ running: "working" });
    expect(actor.getSnapshot().context.attempts).toBe(1);
    actor.send({ type: "job.progress", percent: 40, message: "copying" });
    actor.send({ type: "job.progress", percent: 20 });
    expect(actor.getSnapshot().context.progress).toEqual({ percent: 40, message: "copying" });
    actor.send({ type: "job.succeed", result: { ok: true } });
    const snap = actor.getSnapshot();
    expect(snap.value).toBe("succeeded");
    expect(snap.status).toBe("done");
    expect(snap.context.result).toEqual({ ok: true });
    expect(snap.context.progress.percent).toBe(100);
  });

  test("cancel while queued ends canceled at once", () => {
    const actor = start();
    actor.send({ type: "job.cancel" });
    expect(actor.getSnapshot().value).toBe("canceled");
    expect(actor.getSnapshot().context.cancelRequested).toBe(true);
  });

  test("cancel while running is a request: cancelling until the work stops", () => {
    const received: string[] = [];
    const work = fromCallback(({ receive }) => {
      receive((event) => received.push(event.type));
    });
    const actor = start({}, work);
    actor.send({ type: "job.start" });
    actor.send({ type: "job.cancel" });
    expect(actor.getSnapshot().value).toBe("cancelling");
    expect(received).toEqual(["work.cancel"]);
    actor.send({ type: "job.stopped" });
    expect(actor.getSnapshot().value).toBe("canceled");
  });

  test("work that finishes before it stops ends succeeded, not canceled", () => {
    const actor = start();
    actor.send({ type: "job.start" });
    actor.send({ type: "job.cancel" });
    actor.send({ type: "job.succeed", result: 1 });
    expect(actor.getSnapshot().value).toBe("succeeded");
  });

  test("a stuck cancelling ends canceled when the grace deadline fires", () => {
    const actor = start();
    actor.send({ type: "job.start" });
    actor.send({ type: "job.cancel" });
    actor.send({ type: "job.cancel.expired" });
    expect(actor.getSnapshot().value).toBe("canceled");
  });

  test("prompt: working → waiting; a valid answer returns to working and reaches the work", () => {
    const answers: number[] = [];
    const work = fromCallback(({ receive }) => {
      receive((event) => {
        if (event.type === "work.answer") answers.push((event as unknown as { button: number }).button);
      });
    });
    const actor = start({}, work);
    actor.send({ type: "job.start" });
    actor.send({ type: "job.prompt", prompt: { message: "Overwrite?", buttons: ["Yes", "No"] } });
    expect(actor.getSnapshot().value).toEqual({ running: "waiting" });
    expect(actor.getSnapshot().context.prompt?.message).toBe("Overwrite?");
    expect(actor.getSnapshot().can({ type: "job.answer", button: 2 })).toBe(false);
    actor.send({ type: "job.answer", button: 2 });
    expect(actor.getSnapshot().value).toEqual({ running: "waiting" });
    actor.send({ type: "job.answer", button: 1 });
    expect(actor.getSnapshot().value).toEqual({ running: "working" });
    expect(actor.getSnapshot().context.prompt).toBeNull();
    expect(actor.getSnapshot().context.answers).toEqual([1]);
    expect(answers).toEqual([1]);
  });

  test("an answer when nothing is asked changes nothing", () => {
    const actor = start();
    actor.send({ type: "job.start" });
    expect(actor.getSnapshot().can({ type: "job.answer", button: 0 })).toBe(false);
    const before = actor.getSnapshot();
    actor.send({ type: "job.answer", button: 0 });
    expect(actor.getSnapshot().value).toEqual(before.value);
    expect(actor.getSnapshot().context.answers).toEqual([]);
  });

  test("a due prompt deadline takes the default button, or fails without one", () => {
    const a = start();
    a.send({ type: "job.start" });
    a.send({ type: "job.prompt", prompt: { message: "Go?", buttons: ["Yes", "No"], defaultButton: 1, timeoutMs: 10 } });
    a.send({ type: "job.prompt.expired" });
    expect(a.getSnapshot().value).toEqual({ running: "working" });
    expect(a.getSnapshot().context.answers).toEqual([1]);

    const b = start();
    b.send({ type: "job.start" });
    b.send({ type: "job.prompt", prompt: { message: "Go?", buttons: ["Yes"] } });
    b.send({ type: "job.prompt.expired" });
    expect(b.getSnapshot().value).toBe("failed");
    expect(b.getSnapshot().context.error?.code).toBe("PROMPT_EXPIRED");
  });

  test("retries with backoff until attempts are used up", () => {
    const actor = start({ maxAttempts: 3, backoff: { type: "exponential", delayMs: 100 } });
    actor.send({ type: "job.start" });
    actor.send({ type: "job.fail", error: { code: "X", message: "boom" } });
    expect(actor.getSnapshot().value).toBe("queued");
    expect(actor.getSnapshot().context.retryDelayMs).toBe(100);
    actor.send({ type: "job.start" });
    actor.send({ type: "job.timeout" });
    expect(actor.getSnapshot().value).toBe("queued");
    expect(actor.getSnapshot().context.retryDelayMs).toBe(200);
    actor.send({ type: "job.start" });
    actor.send({ type: "job.fail", error: { code: "X", message: "boom" } });
    expect(actor.getSnapshot().value).toBe("failed");
    expect(actor.getSnapshot().context.attempts).toBe(3);
  });

  test("a failure marked not retryable fails at once", () => {
    const actor = start({ maxAttempts: 5 });
    actor.send({ type: "job.start" });
    actor.send({ type: "job.fail", error: { code: "BAD", message: "no" }, retryable: false });
    expect(actor.getSnapshot().value).toBe("failed");
  });

  test("timeout and lease expiry fail with their own codes", () => {
    const a = start();
    a.send({ type: "job.start" });
    a.send({ type: "job.timeout" });
    expect(a.getSnapshot().context.error?.code).toBe("TIMEOUT");
    const b = start();
    b.send({ type: "job.start" });
    b.send({ type: "job.lease.expired" });
    expect(b.getSnapshot().context.error?.code).toBe("LEASE_EXPIRED");
  });

  test("interrupted work re-runs without spending an attempt, or fails by policy", () => {
    const a = start();
    a.send({ type: "job.start" });
    a.send({ type: "job.interrupted" });
    expect(a.getSnapshot().value).toBe("queued");
    expect(a.getSnapshot().context.attempts).toBe(0);
    const b = start({ interruptPolicy: "fail" });
    b.send({ type: "job.start" });
    b.send({ type: "job.interrupted" });
    expect(b.getSnapshot().context.error?.code).toBe("INTERRUPTED");
  });

  test("backoff delays grow and are capped", () => {
    expect(backoffDelay({ type: "fixed", delayMs: 50 }, 4)).toBe(50);
    expect(backoffDelay({ type: "exponential", delayMs: 50 }, 1)).toBe(50);
    expect(backoffDelay({ type: "exponential", delayMs: 50 }, 3)).toBe(200);
    expect(backoffDelay({ type: "exponential", delayMs: 50, maxDelayMs: 120 }, 3)).toBe(120);
  });
});

describe("children and failure policies", () => {
  const withChildren = (policy: JobInput["failurePolicy"]) => {
    const actor = start({ failurePolicy: policy });
    actor.send({ type: "job.children.added", ids: ["a", "b"] });
    actor.send({ type: "job.start" });
    return actor;
  };

  test("wait-all: the parent joins its children and fails after all end if one failed", () => {
    const actor = withChildren("wait-all");
    actor.send({ type: "job.succeed", result: "own" });
    expect(actor.getSnapshot().value).toEqual({ running: "joining" });
    actor.send({ type: "job.child.settled", childId: "a", state: "failed" });
    expect(actor.getSnapshot().value).toEqual({ running: "joining" });
    actor.send({ type: "job.child.settled", childId: "b", state: "succeeded" });
    expect(actor.getSnapshot().value).toBe("failed");
    expect(actor.getSnapshot().context.error?.code).toBe("CHILD_FAILED");
  });

  test("wait-all: all children succeed → the parent succeeds", () => {
    const actor = withChildren("wait-all");
    actor.send({ type: "job.child.settled", childId: "a", state: "succeeded" });
    actor.send({ type: "job.child.settled", childId: "a", state: "failed" });
    actor.send({ type: "job.child.settled", childId: "b", state: "succeeded" });
    expect(actor.getSnapshot().context.children).toEqual({ a: "succeeded", b: "succeeded" });
    actor.send({ type: "job.succeed" });
    expect(actor.getSnapshot().value).toBe("succeeded");
  });

  test("fail-fast: the first failed child fails the parent at once", () => {
    const actor = withChildren("fail-fast");
    actor.send({ type: "job.child.settled", childId: "b", state: "canceled" });
    expect(actor.getSnapshot().value).toBe("failed");
  });

  test("ignore: failed children never fail the parent", () => {
    const actor = withChildren("ignore");
    actor.send({ type: "job.child.settled", childId: "a", state: "failed" });
    actor.send({ type: "job.succeed" });
    expect(actor.getSnapshot().value).toEqual({ running: "joining" });
    actor.send({ type: "job.child.settled", childId: "b", state: "failed" });
    expect(actor.getSnapshot().value).toBe("succeeded");
  });

  test("cancel while joining ends canceled at once (the work is already done)", () => {
    const actor = withChildren("wait-all");
    actor.send({ type: "job.succeed" });
    actor.send({ type: "job.cancel" });
    expect(actor.getSnapshot().value).toBe("canceled");
  });
});

describe("pure transitions and persistence", () => {
  test("getNextSnapshot computes a transition without running anything", () => {
    const machine = withWork();
    const queued = createActor(machine, { input: input() }).getSnapshot();
    const next = getNextSnapshot(machine, queued, { type: "job.cancel" });
    expect(next.value).toBe("canceled");
  });

  test("a persisted snapshot goes through JSON and is restored into a new actor", () => {
    const clock = new SimulatedClock();
    const machine = jobMachine.provide({ actors: { work: scriptMachine } });
    const steps = [
      { progress: 10, message: "copying" },
      { sleep: 1000 },
      { prompt: "Overwrite?", buttons: ["Yes", "Yes to All", "No"] },
      { progress: 90 },
    ];
    const first = createActor(machine, { input: input({ input: { steps } }), clock });
    first.start();
    first.send({ type: "job.start" });
    expect(first.getSnapshot().value).toEqual({ running: "working" });
    clock.increment(999);
    expect(first.getSnapshot().value).toEqual({ running: "working" });
    clock.increment(1);
    expect(first.getSnapshot().value).toEqual({ running: "waiting" });

    const json = JSON.stringify(first.getPersistedSnapshot());
    first.stop();

    const second = createActor(machine as AnyStateMachine, { snapshot: JSON.parse(json), clock });
    second.start();
    expect(second.getSnapshot().value).toEqual({ running: "waiting" });
    expect(second.getSnapshot().context.prompt?.buttons).toEqual(["Yes", "Yes to All", "No"]);
    second.send({ type: "job.answer", button: 1 });
    const done = second.getSnapshot();
    expect(done.value).toBe("succeeded");
    expect(done.context.result).toEqual({ answers: ["Yes to All"] });
  });

  test("the machine is a declaration: every state is named and reachable from the config", () => {
    const names = Object.keys(jobMachine.root.states);
    expect(names).toEqual(["queued", "running", "cancelling", "succeeded", "failed", "canceled"]);
    expect(Object.keys(jobMachine.root.states.running?.states ?? {})).toEqual(["working", "waiting", "joining"]);
    // createMachine keeps working with the same config shape (guards against accidental impurity).
    expect(() => createMachine({ initial: "a", states: { a: {} } })).not.toThrow();
  });
});
