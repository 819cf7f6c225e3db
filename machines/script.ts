/**
 * The `script` kind: a deterministic job for demos, tests and drills. It walks its steps in order:
 * - `{ progress, message }` reports progress;
 * - `{ sleep }` waits that many ms;
 * - `{ prompt, buttons, default?, timeoutMs? }` asks a question and waits for the answer;
 * - `{ succeed }` ends the job with that result; `{ fail: { code, message } }` ends it failed.
 * With no ending step the job succeeds with `{ answers }` (the labels of the buttons chosen).
 * `cancel: "honour"` (default) stops at a cancel request; `"ignore"` carries on to the end.
 */
import { assign, sendParent, setup } from "xstate";
import type { JobErrorValue, WorkCommand } from "./job.ts";

export const SCRIPT_MACHINE_VERSION = 1;

export type ScriptStep =
  | { progress: number; message?: string }
  | { sleep: number }
  | { prompt: string; buttons: string[]; default?: number; timeoutMs?: number }
  | { succeed: unknown }
  | { fail: JobErrorValue };

export interface ScriptInput {
  steps: ScriptStep[];
  cancel?: "honour" | "ignore";
}

interface ScriptContext {
  steps: ScriptStep[];
  cancel: "honour" | "ignore";
  index: number;
  answers: string[];
}

const current = (context: ScriptContext): ScriptStep | undefined =>
  Array.isArray(context.steps) ? context.steps[context.index] : undefined;
const has = <K extends string>(step: ScriptStep | undefined, key: K): step is Extract<ScriptStep, Record<K, unknown>> =>
  step !== undefined && typeof step === "object" && key in step;

export const scriptMachine = setup({
  types: {
    context: {} as ScriptContext,
    events: {} as WorkCommand,
    input: {} as { input: unknown; attempt: number },
  },
  guards: {
    // Only a damaged row can restore a context this machine never writes. The walk below is eventless,
    // so such a context must end the job rather than spin in it (which would block the whole process).
    isDamaged: ({ context }) => !Array.isArray(context.steps) || !Number.isInteger(context.index) || context.index < 0,
    atEnd: ({ context }) => context.index >= context.steps.length,
    isProgress: ({ context }) => has(current(context), "progress"),
    isSleep: ({ context }) => has(current(context), "sleep"),
    isPrompt: ({ context }) => has(current(context), "prompt"),
    isSucceed: ({ context }) => has(current(context), "succeed"),
    isFail: ({ context }) => has(current(context), "fail"),
    honoursCancel: ({ context }) => context.cancel === "honour",
  },
  delays: {
    stepDelay: ({ context }) => {
      const step = current(context);
      return has(step, "sleep") ? Math.max(0, Number(step.sleep) || 0) : 0;
    },
  },
  actions: {
    advance: assign({ index: ({ context }) => context.index + 1 }),
    reportProgress: sendParent(({ context }) => {
      const step = current(context);
      return has(step, "progress")
        ? { type: "job.progress", percent: step.progress, message: step.message }
        : { type: "job.progress" };
    }),
    ask: sendParent(({ context }) => {
      const step = current(context);
      if (!has(step, "prompt")) return { type: "job.progress" };
      return {
        type: "job.prompt",
        prompt: { message: step.prompt, buttons: step.buttons, defaultButton: step.default, timeoutMs: step.timeoutMs },
      };
    }),
    recordAnswer: assign({
      answers: ({ context, event }) => {
        const step = current(context);
        const label = event.type === "work.answer" && has(step, "prompt") ? step.buttons[event.button] : undefined;
        return [...context.answers, label ?? String(event.type === "work.answer" ? event.button : "")];
      },
    }),
    succeedWithStep: sendParent(({ context }) => {
      const step = current(context);
      return { type: "job.succeed", result: has(step, "succeed") ? step.succeed : null };
    }),
    failDamaged: sendParent({
      type: "job.fail",
      error: { code: "SCRIPT_DAMAGED", message: "the script's stored state is damaged: its steps or position are not valid" },
      retryable: false,
    }),
    succeedWithAnswers: sendParent(({ context }) => ({ type: "job.succeed", result: { answers: context.answers } })),
    failWithStep: sendParent(({ context }) => {
      const step = current(context);
      const error = has(step, "fail") ? step.fail : { code: "FAILED", message: "script failed" };
      return { type: "job.fail", error, retryable: true };
    }),
    acknowledgeCancel: sendParent({ type: "job.stopped" }),
  },
}).createMachine({
  id: "script",
  context: ({ input }) => {
    const script = (input.input ?? {}) as Partial<ScriptInput>;
    return {
      steps: Array.isArray(script.steps) ? script.steps : [],
      cancel: script.cancel === "ignore" ? "ignore" : "honour",
      index: 0,
      answers: [],
    };
  },
  initial: "stepping",
  on: {
    "work.cancel": { guard: "honoursCancel", target: ".stopped", actions: "acknowledgeCancel" },
  },
  states: {
    stepping: {
      always: [
        { guard: "isDamaged", target: "done", actions: "failDamaged" },
        { guard: "atEnd", target: "done", actions: "succeedWithAnswers" },
        { guard: "isProgress", target: "stepping", reenter: true, actions: ["reportProgress", "advance"] },
        { guard: "isSleep", target: "sleeping" },
        { guard: "isPrompt", target: "asking" },
        { guard: "isSucceed", target: "done", actions: "succeedWithStep" },
        { guard: "isFail", target: "done", actions: "failWithStep" },
        // An unknown step is skipped; input validation rejects it before a job is created.
        { target: "stepping", reenter: true, actions: "advance" },
      ],
    },
    sleeping: {
      after: { stepDelay: { target: "stepping", actions: "advance" } },
    },
    asking: {
      entry: "ask",
      on: { "work.answer": { target: "stepping", actions: ["recordAnswer", "advance"] } },
    },
    done: { type: "final" },
    stopped: { type: "final" },
  },
});
