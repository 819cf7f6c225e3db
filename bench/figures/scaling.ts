/**
 * Figure 8, scaling: figure 1 across concurrency levels, and figures 1-2 on databases that already
 * hold 1k, 100k and 1M unfinished jobs. Flat curves mean no hot path scans.
 */
import { rate, rounds, warm, type BenchContext } from "../lib/context.ts";
import { bullmqAdd } from "../lib/peers.ts";
import { against, atLeast, type Row, type Section } from "../lib/report.ts";
import { jobCount, spreadJobs, type Seeded } from "../lib/seeds.ts";
import { startJobd, type Running } from "../lib/servers.ts";
import { fmt, spread, type Spread } from "../lib/stats.ts";
import { checkCreate, createLoad } from "./creates.ts";
import { probe, READ_ROUTES, type ReadJob, type ReadRoute } from "./reads.ts";

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
      against(`${c} connections: jobd ÷ bare Elysia`, jobd, "jobs/s", { label: "bare Elysia", values: bare }),
      against(`${c} connections: jobd ÷ BullMQ`, jobd, "jobs/s", { label: "BullMQ", values: bull }),
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

/**
 * Figures 1-2 on every seeded database, one jobd per database, all started before the first run so
 * that the sizes can take turns round by round: a burst of load from elsewhere then lands on every
 * size instead of on whichever ran at that minute. Reads run first, while each table holds its seeded
 * jobs only; the creates after them add rows of their own.
 */
export async function measureSizes(ctx: BenchContext, seeded: Seeded[]): Promise<SizePoint[]> {
  const servers: { seeded: Seeded; targets: ReadJob[]; jobd: Running }[] = [];
  const c = ctx.concurrency;
  let measured: { reads: number[][]; creates: number[][]; routes: ReadRoute[] };
  try {
    for (const db of seeded) {
      servers.push({ seeded: db, targets: spreadJobs(db.path, 1000), jobd: await startJobd(ctx.jobdBin, db.path, ctx.cores.server) });
    }
    const routes: ReadRoute[] = [];
    for (const route of READ_ROUTES) {
      let served = true;
      for (const { jobd, targets } of servers) {
        const first = targets[0];
        served &&= first !== undefined && (await probe(jobd, route, first)).ok;
      }
      if (served) routes.push(route);
    }
    for (const { jobd } of servers) await checkCreate(jobd);
    ctx.say(`figure 8: ${seeded.map((d) => fmt(d.jobs)).join(", ")} jobs in the database, ${routes.length} read routes, then creates`);
    const readLoad = (route: ReadRoute, targets: ReadJob[]) => ({ kind: "get" as const, paths: targets.map(route.path) });
    const reads = servers.flatMap(({ seeded: db, targets, jobd }) =>
      routes.map((route) => ({ warm: () => warm(ctx, jobd.url, readLoad(route, targets), c), run: () => rate(ctx, `${route.name} over ${db.jobs} jobs`, jobd.url, readLoad(route, targets), c, ctx.sweepSeconds) })),
    );
    for (const r of reads) await r.warm();
    const readRates = await rounds(ctx.runs, reads.map((r) => r.run));
    const load = createLoad();
    for (const { jobd } of servers) await warm(ctx, `${jobd.url}/api/v1/jobs`, load, c);
    const createRates = await rounds(
      ctx.runs,
      servers.map(({ seeded: db, jobd }) => () => rate(ctx, `creates over ${db.jobs} jobs`, `${jobd.url}/api/v1/jobs`, load, c, ctx.sweepSeconds)),
    );
    measured = { reads: readRates, creates: createRates, routes };
  } finally {
    for (const { jobd } of servers) await jobd.stop();
  }
  return servers.map(({ seeded: db }, i) => {
    const reads = new Map<string, Spread>();
    measured.routes.forEach((route, j) => reads.set(route.name, spread(measured.reads[i * measured.routes.length + j] as number[])));
    return {
      jobs: db.jobs,
      jobsAfter: jobCount(db.path),
      creates: spread(measured.creates[i] as number[]),
      reads,
      served: measured.routes.map((r) => r.name),
    };
  });
}

export function sizeSweepSection(ctx: BenchContext, points: SizePoint[]): Section {
  const first = points[0];
  const rows: Row[] = [];
  // The smallest database is the baseline of the others. The sizes took turns round by round, so
  // each round's figures pair up.
  const row = (p: SizePoint, label: string, unit: string, value: Spread, base: Spread | undefined): Row => {
    if (!first || !base || p === first) return { label, value, unit };
    const flat = against(label, value.runs, unit, { label: `${fmt(first.jobs)} jobs`, values: base.runs });
    return { ...flat, target: atLeast(flat.ratio, 0.8, `the ${fmt(first.jobs)}-job figure (flat)`) };
  };
  for (const p of points) {
    const label = `${fmt(p.jobs)} jobs`;
    rows.push(row(p, `${label}: creates`, "jobs/s", p.creates, first?.creates));
    for (const [name, value] of p.reads) rows.push(row(p, `${label}: ${name}`, "req/s", value, first?.reads.get(name)));
  }
  return {
    id: "8b",
    title: "Scaling with the number of jobs in the database (figures 1-2)",
    how:
      `jobd started on databases seeded with ${points.map((p) => fmt(p.jobs)).join(", ")} unfinished jobs (as in figure 5), ` +
      `creates as in figure 1 and every served read route as in figure 2, ${ctx.concurrency} connections, ` +
      `${ctx.sweepSeconds} s per run. Reads walk 1,000 of the seeded jobs spread evenly over the table (not the newest ` +
      "rows, which would sit in cache). One jobd per database, all running; the sizes take turns round by round, and the " +
      "ratio is the median (min–max) of the per-round ratios against the same figure on the smallest database. The " +
      "reads run first, at the seeded sizes; the creates run after them and add their own rows as they go.",
    rows,
    notes: [
      `Jobs in each database once its create runs were over: ${points.map((p) => `${fmt(p.jobs)} → ${fmt(p.jobsAfter)}`).join(", ")}.`,
      "A scan would show as a fall that grows with the size (1M well below 100k).",
    ],
  };
}
