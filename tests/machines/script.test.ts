import { describe, expect, test } from "bun:test";
import { createActor, SimulatedClock } from "xstate";
import { jobMachine, scriptMachine, BUILT_IN_KINDS } from "../../machines/index.ts";

const machine = jobMachine.provide({ actors: { work: scriptMachine } });
const run = (script: unknown, clock = new SimulatedClock()) => {
  const actor = createActor(machine, {
    input: {
      kind: "script",
      input: script,
      maxAttempts: 1,
      backoff: { type: "fixed", delayMs: 1 },
      failurePolicy: "wait-all",
      interruptPolicy: "rerun",
    },
    clock,
  });
  actor.start();
  actor.send({ type: "job.start" });
  return { actor, clock };
};

describe("script kind", () => {
  test("no steps: succeeds at once with no answers", () => {
    const { actor } = run({ steps: [] });
    expect(actor.getSnapshot().value).toBe("succeeded");
    expect(actor.getSnapshot().context.result).toEqual({ answers: [] });
  });

  test("progress and sleep steps advance with the clock", () => {
    const { actor, clock } = run({ steps: [{ progress: 30, message: "a" }, { sleep: 500 }, { progress: 60, message: "b" }, { sleep: 500 }] });
    expect(actor.getSnapshot().context.progress).toEqual({ percent: 30, message: "a" });
    clock.increment(500);
    expect(actor.getSnapshot().context.progress).toEqual({ percent: 60, message: "b" });
    expect(actor.getSnapshot().value).toEqual({ running: "working" });
    clock.increment(500);
    expect(actor.getSnapshot().value).toBe("succeeded");
  });

  test("succeed and fail steps end the job", () => {
    expect(run({ steps: [{ succeed: { n: 1 } }, { progress: 50 }] }).actor.getSnapshot().context.result).toEqual({ n: 1 });
    const failed = run({ steps: [{ fail: { code: "DISK_FULL", message: "no space" } }] }).actor.getSnapshot();
    expect(failed.value).toBe("failed");
    expect(failed.context.error).toEqual({ code: "DISK_FULL", message: "no space" });
  });

  test("two prompts in a row collect both answers", () => {
    const { actor } = run({
      steps: [
        { prompt: "First?", buttons: ["A", "B"] },
        { prompt: "Second?", buttons: ["C", "D"] },
      ],
    });
    actor.send({ type: "job.answer", button: 1 });
    expect(actor.getSnapshot().context.prompt?.message).toBe("Second?");
    actor.send({ type: "job.answer", button: 0 });
    expect(actor.getSnapshot().context.result).toEqual({ answers: ["B", "C"] });
  });

  test("cancel honour stops; cancel ignore carries on to the end", () => {
    const honour = run({ steps: [{ sleep: 1000 }], cancel: "honour" });
    honour.actor.send({ type: "job.cancel" });
    expect(honour.actor.getSnapshot().value).toBe("canceled");

    const ignore = run({ steps: [{ sleep: 1000 }, { succeed: "done" }], cancel: "ignore" });
    ignore.actor.send({ type: "job.cancel" });
    expect(ignore.actor.getSnapshot().value).toBe("cancelling");
    ignore.clock.increment(1000);
    expect(ignore.actor.getSnapshot().value).toBe("succeeded");
  });

  test("input checks reject steps the machine cannot run", () => {
    const check = BUILT_IN_KINDS.script?.checkInput ?? (() => "missing");
    expect(check({ steps: [{ progress: 10 }, { sleep: 5 }, { prompt: "q", buttons: ["a"] }] })).toBeNull();
    expect(check({ steps: [{ bogus: 1 }] })).toContain("unknown step");
    expect(check({ steps: [{ progress: 140 }] })).toContain("0..100");
    expect(check({ steps: [{ prompt: "q", buttons: [] }] })).toContain("buttons");
    expect(check({ steps: [{ prompt: "q", buttons: ["a"], default: 3 }] })).toContain("default");
    expect(check({ cancel: "maybe" })).toContain("cancel");
    expect(check("nope")).toContain("object");
  });
});

describe("script kind: a damaged stored state", () => {
  // A damaged context spun forever in the eventless walk, or threw out of an action; a spinning
  // process can only be stopped from outside, so each case runs in a child with a time limit.
  const fixture = new URL("./fixtures/damaged-script.ts", import.meta.url).pathname;
  const restore = (damage: string) => {
    const child = Bun.spawnSync([process.execPath, fixture, damage], { timeout: 4_000, stdout: "pipe", stderr: "pipe" });
    return { exitCode: child.exitCode, end: child.exitCode === 0 ? JSON.parse(child.stdout.toString()) : child.stderr.toString() };
  };

  test("an intact state restores and carries on", () => {
    expect(restore("none")).toEqual({ exitCode: 0, end: { value: "succeeded", error: null } });
  });

  for (const damage of ["steps-object", "steps-null", "index-string", "index-negative"]) {
    test(`${damage}: the job fails with SCRIPT_DAMAGED instead of spinning or throwing`, () => {
      expect(restore(damage)).toEqual({ exitCode: 0, end: { value: "failed", error: "SCRIPT_DAMAGED" } });
    });
  }
});
