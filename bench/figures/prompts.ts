/** Figure 4, the prompt round trip: from an answer until the job is working again, under light load. */
import { join } from "node:path";
import type { BenchContext } from "../lib/context.ts";
import { runJson } from "../lib/proc.ts";
import { against, atMost, type Section } from "../lib/report.ts";
import type { Running } from "../lib/servers.ts";
import { spread } from "../lib/stats.ts";

interface Rtt {
  answers: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
}

/** One run of the round-trip client on the load core; `bare` measures the baseline's floor. */
function roundTrips(ctx: BenchContext, url: string, bare: boolean): Promise<Rtt> {
  return runJson<Rtt>([
    ...ctx.cores.load,
    ctx.bun,
    join(ctx.repo, "bench/clients/prompt-rtt.ts"),
    "--url", url,
    "--jobs", ctx.quick ? "50" : "200",
    "--prompts", "40",
    "--seconds", String(ctx.seconds),
    "--concurrency", "1",
    ...(bare ? ["--bare"] : []),
  ]);
}

export async function promptsFigure(ctx: BenchContext, s: { jobd: Running; baseline: Running }): Promise<Section> {
  ctx.say("figure 4: prompt round trips");
  const runs: Rtt[] = [];
  const floor: Rtt[] = [];
  // Interleaved round by round, as every other baseline is.
  for (let r = 0; r < ctx.runs; r++) {
    floor.push(await roundTrips(ctx, s.baseline.url, true));
    runs.push(await roundTrips(ctx, s.jobd.url, false));
  }
  // Each percentile beside the bare route's same percentile, round by round.
  const latency = (label: string, pick: (r: Rtt) => number) => ({
    ...against(label, runs.map(pick), "ms", { label: "bare Elysia POST", values: floor.map(pick) }),
    digits: 2,
  });
  const p99 = latency("answer → working again, p99", (r) => r.p99Ms);
  const errors = runs.reduce((n, r) => n + r.errors, 0) + floor.reduce((n, r) => n + r.errors, 0);
  return {
    id: "4",
    title: "Prompt round trip",
    how:
      "bench/clients/prompt-rtt.ts on the load core makes script jobs that ask 40 questions each (a progress step " +
      "between two questions), then answers them one at a time (one request in flight: light load) for " +
      `${ctx.seconds} s per run. Each latency runs from sending \`POST /api/v1/jobs/{id}/answer\` to its response, which ` +
      "jobd sends after the commit that holds waiting → working, the progress step and the next question (so the " +
      "job was working again, and asked again, before the client heard back). The answer's body is checked: state " +
      "`waiting` with one more answer recorded (`succeeded` after the last question). The baseline is the same " +
      "client against the bare Elysia server's `POST /api/v1/jobs/:id/answer` (the same params and body schemas, " +
      "answering at once without a job or a commit), run before jobd in each round: the floor that HTTP, " +
      "the client and Elysia set on one request in flight.",
    rows: [
      latency("answer → working again, p50", (r) => r.p50Ms),
      { ...p99, target: atMost(p99.value.median, 5, "p99 ≤ 5 ms") },
      { label: "answers per run", value: spread(runs.map((r) => r.answers)), unit: "" },
    ],
    notes: [
      `Max latency per run: ${runs.map((r) => r.maxMs.toFixed(1)).join(", ")} ms (bare route: ${floor.map((r) => r.maxMs.toFixed(1)).join(", ")} ms). Answers with a wrong reply: ${errors}.`,
    ],
  };
}
