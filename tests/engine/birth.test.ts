import { expect, test } from "bun:test";
import { jobMachine, scriptMachine, externalMachine, type JobInput } from "../../machines/index.ts";
import { BirthSnapshots, bornQueued } from "../../src/engine/birth.ts";

const input = (over: Partial<JobInput>): JobInput => ({
  kind: "x",
  input: null,
  maxAttempts: 1,
  backoff: { type: "fixed", delayMs: 1 },
  failurePolicy: "wait-all",
  interruptPolicy: "rerun",
  ...over,
});

test("a job born passivated gets exactly the snapshot its machine would compute", () => {
  const births = new BirthSnapshots();
  for (const work of [scriptMachine, externalMachine]) {
    const machine = jobMachine.provide({ actors: { work } });
    const cases: [JobInput, string[]][] = [
      [input({ kind: "a", input: { steps: [{ sleep: 5 }] } }), []],
      [input({ kind: "b", input: { n: 1, deep: { x: [1, 2] } }, maxAttempts: 4, failurePolicy: "fail-fast" }), ["c1", "c2"]],
      [input({ kind: "c", backoff: { type: "exponential", delayMs: 50, maxDelayMs: 900 }, interruptPolicy: "fail" }), ["only"]],
    ];
    for (const [i, children] of cases) {
      expect(JSON.parse(JSON.stringify(births.snapshot(machine, i, children)))).toEqual(
        JSON.parse(JSON.stringify(bornQueued(machine, i, children))),
      );
    }
  }
});
