import { Elysia, t } from "elysia";
import { canSee } from "../../auth/index.ts";
import { JobdError, notFound } from "../../errors.ts";
import { JOB_STATES, type JobState, type JobSpec, type JobView } from "../../job-view.ts";
import type { SurfaceContext } from "../context.ts";
import { JSON_BODY } from "../json-body.ts";
import { JsonMemo } from "../json-memo.ts";
import { synchronousRoutes } from "../synchronous.ts";
import { listScope, requireTreeNamespaces, viewFor, visibleForCommand, visibleJob, visibleRecord } from "./access.ts";
import { AnswerSchema, ErrorSchema, IdParams, JobSpecSchema, ListQuery } from "./schemas.ts";

const MAX_WAIT_MS = 60_000;
const CREATED = { status: 201 };
const errors = { 400: ErrorSchema, 404: ErrorSchema };

function parseStates(raw: string | undefined): JobState[] | undefined {
  if (!raw) return undefined;
  const states = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const s of states) {
    if (!JOB_STATES.includes(s as JobState)) throw new JobdError("BAD_REQUEST", `unknown state ${JSON.stringify(s)}`);
  }
  return states as JobState[];
}

/**
 * An integer query parameter, read here rather than by the schema: a schema's numeric coercion
 * reports a bad value without naming the parameter.
 */
function queryInteger(raw: string | undefined, name: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^\s*-?\d{1,16}\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) throw new JobdError("BAD_REQUEST", `${name} must be an integer from ${min} to ${max}`);
  return value;
}

/** The native jobs API: create, read, list, cancel, answer, log, children and a long poll. */
export const nativeJobs = ({ engine, auth }: SurfaceContext) => {
  const views = new JsonMemo<JobView>();
  const routes = new Elysia({ name: "native-jobs", prefix: "/api/v1/jobs", detail: { tags: ["jobs"] } })
    // derive runs before validation: a caller without credentials learns nothing about the body.
    .derive(({ request }) => ({ principal: auth.authenticate(request, ["bearer"]) }))
    .post(
      "/",
      // The one header is read from the request: naming `headers` would make Elysia copy them all.
      async ({ body, request, principal }) => {
        auth.requireWrite(principal);
        requireTreeNamespaces(principal, body as JobSpec, "default");
        const key = request.headers.get("idempotency-key");
        if (key !== null && (key.length === 0 || key.length > 200)) {
          throw new JobdError("BAD_REQUEST", "Idempotency-Key must be 1-200 characters");
        }
        const job = await engine.create(body as JobSpec, { idempotencyKey: key, owner: principal.name });
        // Response.json with a status costs less than Elysia's mapping of `set.status` and an object.
        return Response.json(job, CREATED);
      },
      {
        body: JobSpecSchema,
        ...JSON_BODY,
        detail: {
          summary: "Create a job",
          description:
            "Creates a job (and its children, any depth). Answered 201 once the job is committed. " +
            "An Idempotency-Key header returns the same job for the same key within a namespace.",
        },
        response: { 400: ErrorSchema },
      },
    )
    .get(
      "/",
      ({ query, principal }) => {
        const limit = queryInteger(query.limit, "limit", 1, 1000) ?? 50;
        // A cursor is a nextCursor handed out before: digits only (an empty one would read as 0, the end).
        const cursor = query.cursor === undefined ? undefined : /^\d{1,16}$/.test(query.cursor) ? Number(query.cursor) : Number.NaN;
        if (cursor !== undefined && !Number.isSafeInteger(cursor)) throw new JobdError("BAD_REQUEST", "cursor is not valid");
        const jobs = engine.list({
          states: parseStates(query.state),
          type: query.type,
          ...listScope(principal, query.namespace),
          parentId: query.parent === undefined ? undefined : query.parent === "none" ? null : query.parent,
          text: query.text,
          beforeSeq: cursor,
          // One more than asked: nextCursor is only handed out when there is an older job to page to.
          limit: limit + 1,
        });
        const page = jobs.slice(0, limit);
        const last = page[page.length - 1];
        return { jobs: page.map((job) => viewFor(engine, principal, job)), nextCursor: jobs.length > limit && last ? String(last.seq) : null };
      },
      {
        query: ListQuery,
        detail: { summary: "List jobs", description: "Newest first. Pass nextCursor back as cursor for the next page." },
        response: { 400: ErrorSchema },
      },
    )
    .get(
      "/:id",
      ({ params, principal }) => views.response(visibleJob(engine, principal, params.id)),
      { params: IdParams, detail: { summary: "Get a job" }, response: { 404: ErrorSchema } },
    )
    .post(
      "/:id/cancel",
      ({ params, principal }) => {
        visibleForCommand(engine, principal, params.id);
        auth.requireWrite(principal);
        return engine.cancel(params.id).then((job) => viewFor(engine, principal, job));
      },
      {
      params: IdParams,
      detail: {
        summary: "Request cancellation",
        description:
          "A queued job ends canceled at once; a running one goes to cancelling until its work stops " +
          "(or finishes first). Unfinished children are cancelled too.",
      },
      response: errors,
      },
    )
    .post(
      "/:id/answer",
      ({ params, body, principal }) => {
        visibleForCommand(engine, principal, params.id);
        auth.requireWrite(principal);
        return engine.answer(params.id, body.button, body.prompt).then((job) => viewFor(engine, principal, job));
      },
      {
      params: IdParams,
      body: AnswerSchema,
      ...JSON_BODY,
      detail: {
        summary: "Answer the open prompt",
        description:
          "400 when nothing is asked or the button index is out of range; nothing changes then. With `prompt` " +
          "(the job's `answers.length` when it asked), a retry is safe: a prompt answered already is 409.",
      },
      response: errors,
      },
    )
    .get(
      "/:id/log",
      ({ params, principal }) => {
        visibleRecord(engine, principal, params.id);
        return { transitions: engine.log(params.id) };
      },
      { params: IdParams, detail: { summary: "The job's transition log" }, response: { 404: ErrorSchema } },
    )
    .get(
      "/:id/children",
      ({ params, principal }) => {
        visibleRecord(engine, principal, params.id);
        // Sub-jobs in a namespace the token cannot see are not there, as far as this caller can tell.
        const children = engine.children(params.id).filter((r) => canSee(principal, r.namespace));
        return { jobs: children.map((r) => viewFor(engine, principal, engine.viewOf(r))) };
      },
      { params: IdParams, detail: { summary: "The job's direct children" }, response: { 404: ErrorSchema } },
    )
    .get(
      "/:id/wait",
      async ({ params, query, principal, server, request }) => {
        const timeout = queryInteger(query.timeout, "timeout", 0, MAX_WAIT_MS) ?? 30_000;
        visibleRecord(engine, principal, params.id);
        // Keep the connection open past the server's idle timeout for as long as the wait may last.
        server?.timeout(request, Math.ceil(timeout / 1000) + 15);
        const job = await engine.wait(params.id, timeout);
        if (!job) throw notFound();
        return viewFor(engine, principal, job);
      },
      {
        params: IdParams,
        query: t.Object({ timeout: t.Optional(t.String({ maxLength: 20, description: `ms, 0 to ${MAX_WAIT_MS} (default 30000)` })) }),
        detail: {
          summary: "Wait for a job to finish",
          description: `Long poll: answers when the job has finished, or at the timeout (ms, at most ${MAX_WAIT_MS}) with the job as it is.`,
        },
        response: errors,
      },
    );
  synchronousRoutes(routes, [["GET", "/api/v1/jobs/:id"]]);
  return routes;
};
