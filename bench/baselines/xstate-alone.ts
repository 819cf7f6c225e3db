/**
 * A ceiling for figure 3: a no-op job's statechart work alone, with no HTTP and no SQLite. Each job
 * goes through what the engine does with its actor: the actor is restored from the kind's birth
 * snapshot, started with an inspector watching its snapshots, sent `job.start`, and its `script` work
 * (no steps) runs and succeeds, and the actor is stopped. No snapshot is serialized: the job is
 * finished by the time its commit goes out, and a finished job stores none. The same machines and
 * the same XState as jobd, one job after another for a fixed time.
 *
 * Usage: bun bench/baselines/xstate-alone.ts --seconds S
 * Prints one JSON line: { jobs, seconds, perSecond }.
 */
import { parseArgs } from "node:util";
import { createActor, type InspectionEvent, type Snapshot } from "xstate";
import { BirthSnapshots, jobInputOf } from "../../src/engine/birth.ts";
import { fetchClient, KindRegistry } from "../../src/engine/kinds.ts";
import type { JobRecord } from "../../src/store/index.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { seconds: { type: "string", default: "3" }, warmup: { type: "string", default: "1" } },
  strict: true,
});

// No job here makes a request; the HTTP client is never called.
const kinds = new KindRegistry(fetchClient(async () => false));
const machine = kinds.machineFor("script");
const births = new BirthSnapshots();
const record = {
  kind: "script",
  input: { steps: [] },
  maxAttempts: 1,
  backoff: { type: "exponential", delayMs: 1000 },
  failurePolicy: "wait-all",
} as unknown as JobRecord;
const input = jobInputOf(record, kinds.get("script"));

let snapshots = 0;
function oneJob(): void {
  const actor = createActor(machine, {
    snapshot: births.snapshot(machine, input, []) as Snapshot<unknown>,
    inspect: (event: InspectionEvent) => {
      if (event.type === "@xstate.snapshot" && event.actorRef === actor) snapshots++;
    },
  });
  actor.start();
  actor.send({ type: "job.start" });
  const snapshot = actor.getSnapshot() as { value: unknown };
  if (snapshot.value !== "succeeded") throw new Error(`the job ended ${JSON.stringify(snapshot.value)}`);
  actor.stop();
}

function runFor(seconds: number): { jobs: number; elapsed: number } {
  const started = performance.now();
  const until = started + seconds * 1000;
  let jobs = 0;
  while (performance.now() < until) {
    for (let i = 0; i < 100; i++) oneJob();
    jobs += 100;
  }
  return { jobs, elapsed: (performance.now() - started) / 1000 };
}

runFor(Number(values.warmup));
snapshots = 0;
const { jobs, elapsed } = runFor(Number(values.seconds));
// Each job's lifecycle reports at least start and success; fewer means the work did not run.
if (snapshots < 2 * jobs) throw new Error(`only ${snapshots} snapshots for ${jobs} jobs`);
console.log(JSON.stringify({ jobs, seconds: elapsed, perSecond: jobs / elapsed }));
