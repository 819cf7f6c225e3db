/**
 * Figure 2, status reads: the native GET and each dialect's read route, against a bare Elysia GET.
 * Routes that do not answer yet are reported as "not yet served".
 */
import { CREATE_SPEC } from "../lib/bodies.ts";
import { rate, rounds, warm, type BenchContext } from "../lib/context.ts";
import { against, atLeast, type Row, type Section } from "../lib/report.ts";
import type { Running } from "../lib/servers.ts";
import { spread } from "../lib/stats.ts";

export interface ReadJob {
  id: string;
  seq: number;
  namespace: string;
}

export interface ReadRoute {
  name: string;
  path(job: ReadJob): string;
}

export const READ_ROUTES: ReadRoute[] = [
  { name: "native GET /api/v1/jobs/:id", path: (j) => `/api/v1/jobs/${j.id}` },
  { name: "jobs GET /jobs/{id}?peek=true", path: (j) => `/jobs/${j.id}?peek=true` },
  { name: "arango GET /_api/job/{seq}", path: (j) => `/_api/job/${j.seq}` },
  { name: "databases GET /api/databases/{ns}/jobs/{id}", path: (j) => `/api/databases/${j.namespace}/jobs/${j.id}` },
  { name: "ims GET /v1/{ns}/jobs/{hex}", path: (j) => `/v1/${j.namespace}/jobs/${j.id.replaceAll("-", "")}` },
  { name: "cloudsigma GET /api/2.0/jobs/{id}/", path: (j) => `/api/2.0/jobs/${j.id}/` },
];

/** Creates `n` queued jobs to read (reads never finish them, so no dialect takes a receipt). */
export async function makeReadJobs(jobd: Running, n: number): Promise<ReadJob[]> {
  const jobs: ReadJob[] = [];
  const body = JSON.stringify(CREATE_SPEC);
  for (let i = 0; i < n; i += 50) {
    const made = await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, async () => {
        const res = await fetch(`${jobd.url}/api/v1/jobs`, { method: "POST", headers: { "content-type": "application/json" }, body });
        if (res.status !== 201) throw new Error(`read setup: create answered ${res.status}`);
        return (await res.json()) as ReadJob;
      }),
    );
    jobs.push(...made);
  }
  return jobs;
}

/** Does the route answer for this job? 2xx with the job's id (any form) or seq in the body, or 204. */
export async function probe(jobd: Running, route: ReadRoute, job: ReadJob): Promise<{ ok: boolean; why: string }> {
  const res = await fetch(`${jobd.url}${route.path(job)}`);
  const text = await res.text();
  if (res.status === 204) return { ok: true, why: "204" };
  const mentions = [job.id, job.id.replaceAll("-", ""), job.id.toUpperCase(), String(job.seq)].some((s) => text.includes(s));
  if (res.status >= 200 && res.status < 300 && mentions) return { ok: true, why: String(res.status) };
  return { ok: false, why: `HTTP ${res.status}` };
}

export async function readsFigure(ctx: BenchContext, s: { jobd: Running; baseline: Running }): Promise<Section> {
  const c = ctx.concurrency;
  const jobs = await makeReadJobs(s.jobd, ctx.quick ? 200 : 1000);
  const served: ReadRoute[] = [];
  const rows: Row[] = [];
  const skipped: Row[] = [];
  for (const route of READ_ROUTES) {
    const checks = await Promise.all([jobs[0], jobs[jobs.length - 1]].map((j) => probe(s.jobd, route, j as ReadJob)));
    const failed = checks.find((x) => !x.ok);
    if (failed) skipped.push({ label: route.name, value: null, unit: "", status: `not yet served (${failed.why})` });
    else served.push(route);
  }
  ctx.say(`figure 2: reads on ${served.length} routes at ${c} connections`);
  const baseLoad = { kind: "get" as const, paths: jobs.map((j) => `/api/v1/jobs/${j.id}`) };
  await warm(ctx, s.baseline.url, baseLoad, c);
  for (const route of served) await warm(ctx, s.jobd.url, { kind: "get", paths: jobs.map(route.path) }, c);
  const results = await rounds(ctx.runs, [
    () => rate(ctx, "bare Elysia GET", s.baseline.url, baseLoad, c, ctx.seconds),
    ...served.map((route) => () => rate(ctx, route.name, s.jobd.url, { kind: "get", paths: jobs.map(route.path) }, c, ctx.seconds)),
  ]);
  const bare = results[0] as number[];
  rows.push({ label: "bare Elysia GET /api/v1/jobs/:id", value: spread(bare), unit: "req/s" });
  served.forEach((route, i) => {
    const row = against(route.name, results[i + 1] as number[], "req/s", { label: "bare GET", values: bare });
    rows.push({ ...row, target: atLeast(row.ratio, 0.8, "bare Elysia GET") });
  });
  return {
    id: "2",
    title: "Status reads",
    how:
      `wrk GETs walking ${jobs.length} queued jobs (made through the native API just before), ${c} connections, ` +
      `${ctx.seconds} s per run. The baseline is a bare Elysia GET on /api/v1/jobs/:id with the same params schema ` +
      "that answers a two-field object. Every read route of jobd answers from SQLite through the read connection " +
      "(committed data only). A route is measured when it answers 2xx for a job made through the native API " +
      "(with the job's id or seq in its body, or 204); the others are listed as not yet served.",
    rows: [...rows, ...skipped],
    notes: [],
  };
}
