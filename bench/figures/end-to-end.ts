/** Figure 3, end-to-end no-op jobs: created, started, succeeded, each transition durable. */
import { NOOP_SPEC } from "../lib/bodies.ts";
import { rate, rounds, warm, type BenchContext } from "../lib/context.ts";
import { bullmqEndToEnd, xstateAlone } from "../lib/peers.ts";
import { against, atLeast, type Section } from "../lib/report.ts";
import type { Running } from "../lib/servers.ts";
import { fmt, spread, together } from "../lib/stats.ts";

async function checkNoop(jobd: Running): Promise<void> {
  const res = await fetch(`${jobd.url}/api/v1/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(NOOP_SPEC),
  });
  const job = (await res.json()) as { id: string; state: string };
  if (res.status !== 201 || job.state !== "succeeded") throw new Error(`no-op check: ${res.status} ${job.state}`);
  const log = (await (await fetch(`${jobd.url}/api/v1/jobs/${job.id}/log`)).json()) as { transitions: { to: string }[] };
  const path = log.transitions.map((t) => t.to).join(" → ");
  if (!path.startsWith("queued → running") || !path.endsWith("succeeded")) throw new Error(`no-op check: log ${path}`);
}

export async function endToEndFigure(
  ctx: BenchContext,
  s: { jobd: Running; baseline: Running; redisPort: number },
): Promise<Section> {
  const c = ctx.concurrency;
  await checkNoop(s.jobd);
  const load = { kind: "post" as const, body: JSON.stringify(NOOP_SPEC) };
  ctx.say(`figure 3: end-to-end no-op jobs at ${c}`);
  await warm(ctx, `${s.jobd.url}/api/v1/jobs`, load, c);
  const [jobd, bull, statechart, bare] = await rounds(ctx.runs, [
    () => rate(ctx, "jobd no-op jobs", `${s.jobd.url}/api/v1/jobs`, load, c, ctx.seconds),
    () => bullmqEndToEnd(ctx, s.redisPort, c, ctx.seconds),
    () => xstateAlone(ctx, ctx.seconds),
    () => rate(ctx, "bare Elysia POST, no-op body", `${s.baseline.url}/api/v1/jobs`, load, c, ctx.seconds),
  ]) as [number[], number[], number[], number[]];
  const bullmq = { label: "BullMQ add + no-op Worker", values: bull };
  const vsBull = against("jobd no-op jobs, create → succeeded", jobd, "jobs/s", bullmq);
  const floor = together(statechart, bare);
  const target = 2 * spread(bull).median;
  const ceiling = spread(statechart).median;
  const both = spread(floor).median;
  return {
    id: "3",
    title: "End-to-end no-op jobs",
    how:
      `\`POST /api/v1/jobs\` with \`${JSON.stringify(NOOP_SPEC)}\`, ${c} connections, ${ctx.seconds} s per run: a script ` +
      "job with no steps starts and succeeds inside the create, and the 201 (state `succeeded`) is sent after the " +
      "commit that holds the whole log (queued → running.working → succeeded). Before the runs the bench checks one " +
      "such job's answer and log. BullMQ: one Node process adding jobs " +
      `(${c} in flight) while a no-op Worker (concurrency ${c}) takes them; the figure is jobs completed per second ` +
      "inside the window (completed jobs are kept, as jobd keeps finished jobs for retention). " +
      "XState alone (bench/baselines/xstate-alone.ts, on the server's core, from source): each no-op job's " +
      "statechart work as the engine does it (the actor restored from the birth snapshot and inspected, `job.start`, " +
      "its `script` work spawned and succeeding, the actor stopped; a finished job stores no snapshot), one job after another, " +
      "with no HTTP and no SQLite: a ceiling for jobd while each job runs as an actor of these machines. Bare " +
      "Elysia POST: the bare route of figure 1 taking the same body, at the same concurrency; added to the " +
      "statechart's time per job, it gives the rate of a job that does both and nothing else (no SQLite, no engine).",
    rows: [
      { ...vsBull, target: atLeast(vsBull.ratio, 2, "BullMQ add + Worker") },
      against("XState alone: no-op jobs through the statechart, no HTTP, no SQLite", statechart, "jobs/s", bullmq),
      against("XState alone + bare Elysia POST, time per job added (no SQLite, no engine)", floor, "jobs/s", bullmq),
      against("jobd ÷ XState alone (the share left to HTTP, SQLite and the engine)", jobd, "jobs/s", {
        label: "XState alone",
        values: statechart,
      }),
    ],
    notes: [
      `The target, 2x BullMQ, is ${fmt(target)} jobs/s in this run. The statechart work alone runs ` +
        `${fmt(ceiling)} jobs/s on the same core (${ceiling >= target ? "above" : "below"} the target); with a bare ` +
        `route's HTTP work added per job, ${fmt(both)} jobs/s (${both >= target ? "above" : "below"} the target), before ` +
        "any SQLite or engine work (docs/performance.md, \"Creates\").",
    ],
  };
}
