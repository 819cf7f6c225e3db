import { Elysia, t } from "elysia";
import { visibleNamespaces, type Principal } from "../auth/index.ts";
import { Leases, LEASE_LIMITS } from "../engine/index.ts";
import type { JobSpec } from "../job-view.ts";
import type { SurfaceContext } from "./context.ts";
import { JSON_BODY } from "./json-body.ts";
import { requireTreeNamespaces, viewFor, visibleRecord } from "./native/access.ts";
import { ErrorSchema, IdParams, JobSpecSchema } from "./native/schemas.ts";

const LeaseId = t.String({ minLength: 1, maxLength: 100, description: "the lease id the lease call returned" });
const LeaseMs = t.Optional(
  t.Integer({
    minimum: LEASE_LIMITS.minMs,
    maximum: LEASE_LIMITS.maxMs,
    description: "how long the lease lasts from this call (ms); the server default when left out",
  }),
);
const WaitMs = t.Optional(
  t.Integer({ minimum: 0, maximum: LEASE_LIMITS.maxWaitMs, description: `long poll (ms, at most ${LEASE_LIMITS.maxWaitMs})` }),
);
const TypeName = t.String({ minLength: 1, maxLength: 100, pattern: "^[A-Za-z0-9_.:\\-]+$" });

const LeaseBody = t.Object(
  {
    worker: t.String({ minLength: 1, maxLength: 200, description: "who is asking: shown in the job's lease" }),
    types: t.Array(TypeName, { minItems: 1, maxItems: 50, description: "job types this worker does" }),
    namespaces: t.Optional(
      t.Array(t.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 50, description: "only jobs in these namespaces" }),
    ),
    max: t.Optional(t.Integer({ minimum: 1, maximum: LEASE_LIMITS.maxJobs, description: "at most this many jobs (default 1)" })),
    waitMs: WaitMs,
    leaseMs: LeaseMs,
  },
  { additionalProperties: false },
);

const HeartbeatBody = t.Object(
  {
    lease: LeaseId,
    progress: t.Optional(t.Number({ minimum: 0, maximum: 100, description: "percent; it never goes down within an attempt" })),
    message: t.Optional(t.String({ maxLength: 2000 })),
    leaseMs: LeaseMs,
  },
  { additionalProperties: false },
);

const PromptBody = t.Object(
  {
    lease: LeaseId,
    message: t.String({ minLength: 1, maxLength: 2000 }),
    buttons: t.Array(t.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 20 }),
    defaultButton: t.Optional(t.Integer({ minimum: 0, maximum: 19, description: "taken when the deadline passes" })),
    timeoutMs: t.Optional(t.Integer({ minimum: 1, maximum: 31_536_000_000, description: "the prompt's deadline, from now" })),
    deadline: t.Optional(t.Number({ minimum: 0, maximum: 8_640_000_000_000, description: "the prompt's deadline, ms since epoch" })),
    waitMs: WaitMs,
    leaseMs: LeaseMs,
  },
  { additionalProperties: false },
);

const WaitAnswerBody = t.Object(
  {
    lease: LeaseId,
    index: t.Integer({ minimum: 0, maximum: 100_000, description: "the `index` the prompt call returned" }),
    waitMs: WaitMs,
    leaseMs: LeaseMs,
  },
  { additionalProperties: false },
);

const ChildrenBody = t.Object(
  { lease: LeaseId, jobs: t.Array(JobSpecSchema, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);

const CompleteBody = t.Object({ lease: LeaseId, result: t.Optional(t.Unknown()) }, { additionalProperties: false });

const FailBody = t.Object(
  {
    lease: LeaseId,
    error: t.Object(
      {
        code: t.String({ minLength: 1, maxLength: 100 }),
        message: t.String({ maxLength: 2000 }),
        details: t.Optional(t.Unknown()),
      },
      { additionalProperties: false },
    ),
    retryable: t.Optional(t.Boolean({ description: "false fails the job now; otherwise it is retried while attempts remain" })),
  },
  { additionalProperties: false },
);

const LeaseOnly = t.Object({ lease: LeaseId }, { additionalProperties: false });

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const detail = (summary: string, description: string) => ({ summary, description });

/** Lets a long poll outlast the server's idle timeout. */
const holdOpen = (server: { timeout(r: Request, s: number): void } | null, request: Request, waitMs: number | undefined) =>
  server?.timeout(request, Math.ceil((waitMs ?? 0) / 1000) + 30);

/** The namespaces a worker may lease from: those it asked for, within the token's reach (null: any). */
function leaseScope(principal: Principal, asked: string[] | undefined): string[] | null {
  const reach = visibleNamespaces(principal);
  if (!reach) return asked ?? null;
  return asked ? asked.filter((ns) => reach.includes(ns)) : reach;
}

/**
 * The worker API: external workers lease jobs, heartbeat, ask, spawn sub-jobs and finish them. Every
 * call after the lease names the lease; a lease that is no longer the job's answers 409 LEASE_EXPIRED.
 */
export const workerApi = (ctx: SurfaceContext, leases = new Leases(ctx.engine, ctx.options.leaseMs)) => {
  const { engine, auth } = ctx;
  /** Worker calls write: the caller must see the job (404 otherwise, as for an unknown id) and may write. */
  const mayWork = (principal: Principal, id: string) => {
    const record = visibleRecord(engine, principal, id);
    auth.requireWrite(principal);
    return record;
  };
  return new Elysia({ name: "workers", prefix: "/api/v1/workers", detail: { tags: ["workers"] } })
    // derive runs before validation: a caller without credentials learns nothing about the body.
    .derive(({ request }) => ({ principal: auth.authenticate(request, ["bearer", "basic"]) }))
    .post(
      "/lease",
      ({ body, request, server, principal }) => {
        auth.requireWrite(principal);
        holdOpen(server, request, body.waitMs);
        return leases
          .lease({
            ...body,
            namespaces: leaseScope(principal, body.namespaces),
            max: body.max ?? 1,
            waitMs: body.waitMs ?? 0,
            signal: request.signal,
          })
          .then((jobs) => ({ jobs: jobs.map((job) => viewFor(engine, principal, job)) }));
      },
      {
        body: LeaseBody,
        ...JSON_BODY,
        detail: detail(
          "Lease queued jobs",
          "Takes up to `max` queued jobs of the given types (highest priority, then oldest) and starts them. " +
            "When none is queued, waits up to `waitMs` for one. Each job comes back with `lease` " +
            "{id, worker, expiresAt}; heartbeat before expiresAt to keep it.",
        ),
        response: { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    )
    .post(
      "/jobs/:id/heartbeat",
      ({ params, body, principal }) => {
        mayWork(principal, params.id);
        return leases.heartbeat(params.id, body.lease, body);
      },
      {
        params: IdParams,
        body: HeartbeatBody,
        ...JSON_BODY,
        detail: detail(
          "Keep a lease, report progress",
          "Extends the lease by `leaseMs` from now and records progress and message when given. The answer " +
            "tells the worker whether a cancel was requested (`cancelRequested`) and carries every prompt answer.",
        ),
        response: errors,
      },
    )
    .post(
      "/jobs/:id/prompt",
      ({ params, body, request, server, principal }) => {
        mayWork(principal, params.id);
        holdOpen(server, request, body.waitMs);
        const timeoutMs = body.timeoutMs ?? (body.deadline !== undefined ? Math.max(1, body.deadline - engine.now()) : undefined);
        return leases.prompt(params.id, body.lease, {
          message: body.message,
          buttons: body.buttons,
          defaultButton: body.defaultButton,
          timeoutMs,
          waitMs: body.waitMs ?? 30_000,
          leaseMs: body.leaseMs,
          signal: request.signal,
        });
      },
      {
        params: IdParams,
        body: PromptBody,
        ...JSON_BODY,
        detail: detail(
          "Ask a question and wait for the answer",
          "The job moves to `waiting` with the prompt until someone answers (or the deadline takes the default " +
            "button). Long poll: answers with `answered: true` and `button`, or at `waitMs` with `answered: false` " +
            "and the prompt's `index` to wait on. The lease is held while the call waits.",
        ),
        response: errors,
      },
    )
    .post(
      "/jobs/:id/prompt/wait",
      ({ params, body, request, server, principal }) => {
        mayWork(principal, params.id);
        holdOpen(server, request, body.waitMs);
        return leases.waitAnswer(params.id, body.lease, {
          index: body.index,
          waitMs: body.waitMs ?? 30_000,
          leaseMs: body.leaseMs,
          signal: request.signal,
        });
      },
      {
        params: IdParams,
        body: WaitAnswerBody,
        ...JSON_BODY,
        detail: detail("Wait for a prompt's answer", "Long poll for the answer to a prompt asked before, by its index."),
        response: errors,
      },
    )
    .post(
      "/jobs/:id/children",
      async ({ params, body, set, principal }) => {
        const parent = mayWork(principal, params.id);
        for (const spec of body.jobs) requireTreeNamespaces(principal, spec as JobSpec, parent.namespace);
        const jobs = await leases.addChildren(params.id, body.lease, body.jobs as JobSpec[]);
        set.status = 201;
        return { jobs };
      },
      {
        params: IdParams,
        body: ChildrenBody,
        ...JSON_BODY,
        detail: detail(
          "Create sub-jobs",
          "Creates sub-jobs under the leased job. Completing the job then waits for them; the failure policy " +
            "decides what a failed sub-job does.",
        ),
        response: errors,
      },
    )
    .post("/jobs/:id/complete", ({ params, body, principal }) => {
      mayWork(principal, params.id);
      return leases.complete(params.id, body.lease, body.result).then((job) => viewFor(engine, principal, job));
    }, {
      params: IdParams,
      body: CompleteBody,
      ...JSON_BODY,
      detail: detail(
        "Complete the job",
        "Stores the result and ends the lease. The job succeeds, or waits for its unfinished sub-jobs first.",
      ),
      response: errors,
    })
    .post("/jobs/:id/fail", ({ params, body, principal }) => {
      mayWork(principal, params.id);
      return leases.fail(params.id, body.lease, body.error, body.retryable).then((job) => viewFor(engine, principal, job));
    }, {
      params: IdParams,
      body: FailBody,
      ...JSON_BODY,
      detail: detail(
        "Fail the attempt",
        "Ends the lease. The job goes back to the queue (after its backoff) while attempts remain and " +
          "`retryable` is not false; otherwise it fails with the error.",
      ),
      response: errors,
    })
    .post("/jobs/:id/stopped", ({ params, body, principal }) => {
      mayWork(principal, params.id);
      return leases.stopped(params.id, body.lease).then((job) => viewFor(engine, principal, job));
    }, {
      params: IdParams,
      body: LeaseOnly,
      ...JSON_BODY,
      detail: detail("Acknowledge a cancel", "The worker stopped after a cancel request: the job ends `canceled`."),
      response: errors,
    });
};
