/**
 * Figure 8, scaling: figure 1 across concurrency levels, and figures 1-2 on databases that already
 * hold 1k, 100k and 1M unfinished jobs. Flat curves mean no hot path scans.
 */
import { rate, rounds, warm, type BenchContext } from "../lib/context.ts";
import { bullmqAdd } from "../lib/peers.ts";
import { atLeast, ratioOf, type Row, type Section } from "../lib/report.ts";
import { jobCount, spreadJobs, type Seeded } from "../lib/seeds.ts";
import { startJobd, type Running } from "../lib/servers.ts";
import { fmt, spread, type Spread } from "../lib/stats.ts";
import { checkCreate, createLoad } from "./creates.ts";
import { probe, READ_ROUTES, type ReadRoute } from "./reads.ts";

export async function concurrencySweep(
  ctx: BenchContext,
  s: { jobd: Running; baseline: Running; redisPort: number },
): Promise<Section> {
  const load = createLoad();
  const rows: Row[] = [];
  for (const c of ctx.sweep) {
    ctx.say(`figure 8: creates at ${c} connections`);
    await warm(ctx, `${s.jobd.url}/api/v1/jobs`, load, c);
    const [bare, jobd, bull] = await rounds(ctx.runs, [
      () => rate(ctx, `bare Elysia POST c=${c}`, `${s.baseline.url}/api/v1/jobs`, load, c, ctx.sweepSeconds),
      () => rate(ctx, `jobd POST c=${c}`, `${s.jobd.url}/api/v1/jobs`, load, c, ctx.sweepSeconds),
      () => bullmqAdd(ctx, s.redisPort, c, ctx.sweepSeconds),
    ]) as [number[], number[], number[]];
    rows.push(
      {
        label: `${c} connections: jobd ÷ bare Elysia`,
        value: spread(jobd),
        unit: "jobs/s",
        baseline: { label: "bare Elysia", value: spread(bare) },
        ratio: ratioOf(jobd, bare),
      },
      {
        label: `${c} connections: jobd ÷ BullMQ`,
        value: spread(jobd),
        unit: "jobs/s",
        baseline: { label: "BullMQ", value: spread(bull) },
        ratio: ratioOf(jobd, bull),
      },
    );
  }
  return {
    id: "8a",
    title: "Scaling with concurrency (figure 1 at other levels)",
    how:
      `As figure 1 (${ctx.concurrency} connections is there), at ${ctx.sweep.join(", ")} connections (BullMQ: adds in flight), ` +
      `${ctx.sweepSeconds} s per run, rounds interleaved. One wrk thread drives all connections.`,
    rows,
    notes: [
      "No target of its own: figure 1's targets are set at 50 in flight; these rows show how the ratios move. " +
        "At 1 connection nothing can be grouped, so every create pays a full commit, as does every add in BullMQ.",
    ],
  };
}

interface SizePoint {
  jobs: number;
  /** Jobs in the database once its runs were over (the creates' own rows included). */
  jobsAfter: number;
  creates: Spread;
  reads: Map<string, Spread>;
  served: string[];
}

/** Figures 1-2 measured on jobd started over a seeded database. */
export async function measureAtSize(ctx: BenchContext, seeded: Seeded): Promise<SizePoint> {
  const targets = spreadJobs(seeded.path, 1000);
  const jobd = await startJobd(ctx.jobdBin, seeded.path, ctx.cores.server);
  let served: Omit<SizePoint, "jobs" | "jobsAfter">;
  try {
    await checkCreate(jobd);
    const routes: ReadRoute[] = [];
    for (const route of READ_ROUTES) {
      const first = targets[0];
      if (first && (await probe(jobd, route, first)).ok) routes.push(route);
    }
    ctx.say(`figure 8: ${seeded.jobs.toLocaleString("en-US")} jobs in the database, creates and ${routes.length} read routes`);
    const c = ctx.concurrency;
    const readLoad = (route: ReadRoute) => ({ kind: "get" as const, paths: targets.map(route.path) });
    // Reads first, while the table holds the seeded jobs only; the creates after them add rows of their own.
    for (const route of routes) await warm(ctx, jobd.url, readLoad(route), c);
    const readRates = await rounds(
      ctx.runs,
      routes.map((route) => () => rate(ctx, `${route.name} over ${seeded.jobs} jobs`, jobd.url, readLoad(route), c, ctx.sweepSeconds)),
    );
    const load = createLoad();
    await warm(ctx, `${jobd.url}/api/v1/jobs`, load, c);
    const [createRates] = await rounds(ctx.runs, [
      () => rate(ctx, `creates over ${seeded.jobs} jobs`, `${jobd.url}/api/v1/jobs`, load, c, ctx.sweepSeconds),
    ]);
    const reads = new Map<string, Spread>();
    routes.forEach((route, i) => reads.set(route.name, spread(readRates[i] as number[])));
    served = { creates: spread(createRates as number[]), reads, served: routes.map((r) => r.name) };
  } finally {
    await jobd.stop();
  }
  return { jobs: seeded.jobs, jobsAfter: jobCount(seeded.path), ...served };
}

export function sizeSweepSection(ctx: BenchContext, points: SizePoint[]): Section {
  const first = points[0];
  const rows: Row[] = [];
  const flat = (value: Spread, base: Spread): Row["ratio"] => spread([value.median / base.median]);
  for (const p of points) {
    const label = `${fmt(p.jobs)} jobs`;
    const isFirst = p === first;
    const ratio = first && !isFirst ? flat(p.creates, first.creates) : undefined;
    rows.push({
      label: `${label}: creates`,
      value: p.creates,
      unit: "jobs/s",
      ...(first && ratio ? { baseline: { label: `${fmt(first.jobs)} jobs`, value: first.creates }, ratio, target: atLeast(ratio, 0.8, `the ${fmt(first.jobs)}-job figure (flat)`) } : {}),
    });
    for (const [name, value] of p.reads) {
      const base = first?.reads.get(name);
      const r = base && !isFirst ? flat(value, base) : undefined;
      rows.push({
        label: `${label}: ${name}`,
        value,
        unit: "req/s",
        ...(first && base && r ? { baseline: { label: `${fmt(first.jobs)} jobs`, value: base }, ratio: r, target: atLeast(r, 0.8, `the ${fmt(first.jobs)}-job figure (flat)`) } : {}),
      });
    }
  }
  return {
    id: "8b",
    title: "Scaling with the number of jobs in the database (figures 1-2)",
    how:
      `jobd started on databases seeded with ${points.map((p) => fmt(p.jobs)).join(", ")} unfinished jobs (as in figure 5), ` +
      `creates as in figure 1 and every served read route as in figure 2, ${ctx.concurrency} connections, ` +
      `${ctx.sweepSeconds} s per run. Reads walk 1,000 of the seeded jobs spread evenly over the table (not the newest ` +
      "rows, which would sit in cache). The ratio is the median against the same figure on the smallest database; " +
      "its range is not shown because the sizes run at different times. On each database the reads run first, at the " +
      "seeded size; the creates run after them and add their own rows as they go.",
    rows,
    notes: [
      `Jobs in each database once its create runs were over: ${points.map((p) => `${fmt(p.jobs)} → ${fmt(p.jobsAfter)}`).join(", ")}.`,
      "The sizes run one after another, minutes apart, so load from elsewhere on a shared machine moves them independently; a scan would show as a fall that grows with the size (1M well below 100k), while a dip at one size with the larger one flat is noise.",
    ],
  };
}
