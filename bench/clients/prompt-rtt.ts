/**
 * Figure 4, the prompt round trip, measured by a client on its own core. It creates jobs that ask
 * `--prompts` questions each (a progress step between two questions), then answers them one at a
 * time for `--seconds`, `--concurrency` answers in flight (light load: 1). Each answer's latency runs
 * from sending POST /api/v1/jobs/{id}/answer to its response, which jobd sends only after the commit
 * that holds waiting → working, the progress step and the next prompt (or the job's success).
 *
 * With `--bare` it measures the floor on the bare Elysia baseline instead: no jobs are made, every
 * answer goes to one path, and only the status (200) is checked.
 *
 * Prints one JSON line: { answers, p50Ms, p90Ms, p99Ms, maxMs, errors }.
 */
import { parseArgs } from "node:util";
import { quantile } from "../lib/stats.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    url: { type: "string" },
    jobs: { type: "string", default: "200" },
    prompts: { type: "string", default: "40" },
    seconds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "1" },
    bare: { type: "boolean", default: false },
  },
  strict: true,
});
const base = values.url ?? "";
const bare = values.bare === true;
const jobs = Number(values.jobs);
const prompts = Number(values.prompts);

interface JobReply {
  id: string;
  state: string;
  answers: number[];
}

const steps = Array.from({ length: prompts }, (_, i) => [
  { prompt: `Question ${i + 1}?`, buttons: ["yes", "no"] },
  { progress: Math.round(((i + 1) / prompts) * 99) },
]).flat();
const spec = JSON.stringify({ type: "script", description: "bench prompt round trip", input: { steps } });

async function post(path: string, body: string): Promise<{ status: number; job: JobReply }> {
  const res = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
  return { status: res.status, job: (await res.json()) as JobReply };
}

/** Jobs made for the run, each waiting on its first question. */
async function waitingJobs(): Promise<{ id: string; left: number }[]> {
  const made: { id: string; left: number }[] = [];
  for (let i = 0; i < jobs; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, jobs - i) }, () => post("/api/v1/jobs", spec)));
    for (const { status, job } of batch) {
      if (status !== 201 || job.state !== "waiting") throw new Error(`setup: job answered ${status} ${job.state}`);
      made.push({ id: job.id, left: prompts });
    }
  }
  return made;
}

// The bare route answers any id at once, for ever: one path is enough.
const queue = bare ? [{ id: "01a20000-0000-7000-8000-000000000000", left: Infinity }] : await waitingJobs();

const latencies: number[] = [];
let errors = 0;
let next = 0;
const until = performance.now() + Number(values.seconds) * 1000;
const answer = JSON.stringify({ button: 0 });

async function loop(): Promise<void> {
  while (performance.now() < until) {
    const job = queue[next++ % queue.length];
    if (!job || job.left === 0) {
      if (queue.every((j) => j.left === 0)) return;
      continue;
    }
    job.left--;
    const sent = performance.now();
    const { status, job: reply } = await post(`/api/v1/jobs/${job.id}/answer`, answer);
    latencies.push(performance.now() - sent);
    const expected = job.left === 0 ? "succeeded" : "waiting";
    if (status !== 200 || (!bare && (reply.state !== expected || reply.answers.length !== prompts - job.left))) errors++;
  }
}
await Promise.all(Array.from({ length: Number(values.concurrency) }, loop));

const round = (x: number) => Math.round(x * 1000) / 1000;
console.log(
  JSON.stringify({
    answers: latencies.length,
    p50Ms: round(quantile(latencies, 0.5)),
    p90Ms: round(quantile(latencies, 0.9)),
    p99Ms: round(quantile(latencies, 0.99)),
    maxMs: round(Math.max(...latencies)),
    errors,
  }),
);
