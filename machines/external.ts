/**
 * Work done outside jobd: an external worker leases the job and reports through the worker API.
 * The engine turns those calls into lifecycle events, so this machine only keeps the place of the
 * work and remembers what it was told, for the worker's next heartbeat to read.
 */
import { assign, setup } from "xstate";
import type { WorkCommand } from "./job.ts";

export const EXTERNAL_MACHINE_VERSION = 1;

export const externalMachine = setup({
  types: {
    context: {} as { answers: number[]; cancelRequested: boolean },
    events: {} as WorkCommand,
    input: {} as { input: unknown; attempt: number },
  },
}).createMachine({
  id: "external",
  context: { answers: [], cancelRequested: false },
  initial: "leased",
  states: {
    leased: {
      on: {
        "work.answer": { actions: assign({ answers: ({ context, event }) => [...context.answers, event.button] }) },
        "work.cancel": { actions: assign({ cancelRequested: true }) },
      },
    },
  },
});
