import { describe, expect, test } from "bun:test";
import { createActor, type AnyStateMachine } from "xstate";
import {
  arangoRequestMachine,
  checkArangoRequest,
  jobMachine,
  requestActor,
  type ArangoRequestInput,
  type ArangoResponseValue,
  type RequestRunner,
} from "../../machines/index.ts";

const REQUEST: ArangoRequestInput = { method: "PUT", path: "/_api/version", headers: [["x-a", "1"]], body: null, bodyEncoding: "text" };
const RESPONSE: ArangoResponseValue = { status: 200, headers: [["content-type", "application/json"]], body: "{}", bodyEncoding: "text" };

/** A runner the test settles by hand; it records each call and its signal. */
function manualRunner() {
  const calls: { signal: AbortSignal; resolve: (r: ArangoResponseValue) => void; reject: (e: unknown) => void }[] = [];
  const run: RequestRunner = (_input, signal) =>
    new Promise((resolve, reject) => {
      calls.push({ signal, resolve, reject });
    });
  return { run, calls };
}

const machineWith = (run: RequestRunner) =>
  jobMachine.provide({ actors: { work: arangoRequestMachine.provide({ actors: { request: requestActor(run) } }) } });

const INPUT = {
  kind: "arango.request",
  input: REQUEST,
  maxAttempts: 1,
  backoff: { type: "fixed" as const, delayMs: 1 },
  failurePolicy: "wait-all" as const,
  interruptPolicy: "fail" as const,
};

const tick = () => new Promise((r) => setTimeout(r, 0));

function start(run: RequestRunner) {
  const actor = createActor(machineWith(run), { input: INPUT });
  actor.start();
  actor.send({ type: "job.start" });
  return actor;
}

describe("arango.request kind", () => {
  test("any answer succeeds the job with the stored response", async () => {
    const { run, calls } = manualRunner();
    const actor = start(run);
    await tick();
    expect(calls.length).toBe(1);
    calls[0]?.resolve({ ...RESPONSE, status: 404 });
    await tick();
    expect(actor.getSnapshot().value).toBe("succeeded");
    expect(actor.getSnapshot().context.result).toEqual({ ...RESPONSE, status: 404 });
  });

  test("a request that never answers fails the job, not retried", async () => {
    const { run, calls } = manualRunner();
    const actor = start(run);
    await tick();
    calls[0]?.reject(Object.assign(new Error("too big"), { code: "RESPONSE_TOO_LARGE" }));
    await tick();
    expect(actor.getSnapshot().value).toBe("failed");
    expect(actor.getSnapshot().context.error).toEqual({ code: "RESPONSE_TOO_LARGE", message: "too big" });
  });

  test("cancel aborts the request and waits for it to stop; the job then ends canceled", async () => {
    const { run, calls } = manualRunner();
    const actor = start(run);
    await tick();
    actor.send({ type: "job.cancel" });
    expect(actor.getSnapshot().value).toBe("cancelling");
    expect(calls[0]?.signal.aborted).toBe(true);
    calls[0]?.reject(new Error("aborted"));
    await tick();
    expect(actor.getSnapshot().value).toBe("canceled");
  });

  test("a request that answers despite the abort finished first: the job succeeds", async () => {
    const { run, calls } = manualRunner();
    const actor = start(run);
    await tick();
    actor.send({ type: "job.cancel" });
    calls[0]?.resolve(RESPONSE);
    await tick();
    expect(actor.getSnapshot().value).toBe("succeeded");
  });

  test("snapshot JSON round trip: a restored running job stopped at once never sends the request again", async () => {
    const { run, calls } = manualRunner();
    const actor = start(run);
    await tick();
    const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
    actor.stop();
    const restored = createActor(machineWith(run) as AnyStateMachine, { snapshot: persisted });
    restored.start();
    restored.send({ type: "job.interrupted" });
    await tick();
    expect(restored.getSnapshot().value).toBe("failed");
    expect(restored.getSnapshot().context.error?.code).toBe("INTERRUPTED");
    expect(calls.length).toBe(1);
  });

  test("input check", () => {
    expect(checkArangoRequest(REQUEST)).toBeNull();
    expect(checkArangoRequest({ ...REQUEST, path: "no-slash" })).toBeString();
    expect(checkArangoRequest({ ...REQUEST, headers: [["a"]] })).toBeString();
    expect(checkArangoRequest({ ...REQUEST, bodyEncoding: "hex" })).toBeString();
    expect(checkArangoRequest(null)).toBeString();
  });
});
