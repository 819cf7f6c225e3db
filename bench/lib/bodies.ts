/** The request bodies every figure sends, in one place so jobd, the baseline and BullMQ get the same. */

/** The job's input, and BullMQ's job data. */
export const INPUT = { order: 12345, items: ["a", "b", "c"], note: "bench ".repeat(10).trim() };

/** Figure 1: a job for an external worker queue. It is committed `queued` and stays so for the run. */
export const CREATE_SPEC = { type: "bench.worker", description: "bench create", input: INPUT };

/** Figure 3: a `script` job with no steps: it starts, runs and succeeds inside the create. */
export const NOOP_SPEC = { type: "script", description: "bench no-op", input: { steps: [] } };
