import { Elysia, t } from "elysia";
import { canSee, type Principal } from "../../../auth/index.ts";
import { findOpenPrompt } from "../../../engine/index.ts";
import { JobdError } from "../../../errors.ts";
import { isFinished, type JobView } from "../../../job-view.ts";
import type { SurfaceContext } from "../../context.ts";
import { toSafeError } from "../../errors.ts";
import { JsonMemo } from "../../json-memo.ts";
import { synchronousRoutes } from "../../synchronous.ts";
import { readButtonIndex, readStartBody } from "./body.ts";
import { DEFAULT_DATABASES_JOBS, findNamedJob, specFor } from "./config.ts";
import { mustJobId, mustNamespace } from "./ids.ts";
import { JobStateSchema, MessageSchema, StartedSchema, STATUS, toJobState } from "./job-state.ts";
import { jsonBody, jsonResponses } from "./openapi.ts";
import { reply, replyText } from "./reply.ts";
import { databasesSession } from "./session.ts";

const Params = t.Object({
  dbid: t.String({ maxLength: 100, description: "the database id: a GUID (or a jobd namespace name)" }),
  job: t.String({ maxLength: 200, description: "POST: a job name; GET, PUT, DELETE: the job's GUID" }),
});

const AnswerBodySchema = t.Union([
  t.Object({ ButtonIndex: t.Integer({ minimum: 0 }) }),
  t.Object({ Response: t.Object({ ButtonIndex: t.Integer({ minimum: 0 }) }) }),
]);

const failures = {
  400: { schema: MessageSchema, description: "a bad id, body or answer" },
  401: { schema: MessageSchema, description: "no session and no valid credentials" },
  403: { schema: MessageSchema, description: "a read-only token may not start, answer or abort" },
  404: { schema: MessageSchema, description: "no such job (or job name) in this database" },
};

/** HTTP.sys with Basic authentication on challenges this way. */
const CHALLENGE = 'Basic realm="CentriQS"';
const noDatabase = () => new JobdError("NOT_FOUND", "there is no such database");

/** The raw body: Elysia hands it over as text (`parse: "text"`), or nothing when there was none. */
const textOf = (body: unknown): string => (typeof body === "string" ? body : "");

/**
 * CentriQS Web API jobs (`/api/databases/{dbid}/jobs/…`): start a named job, poll its state, answer its
 * question, abort it. The dbid is the job namespace: a job is not there under any other dbid.
 * Bodies are read as text and parsed leniently, because the CentriQS samples carry trailing commas.
 */
export const databasesDialect = (ctx: SurfaceContext) => {
  const { engine, auth } = ctx;
  const table = ctx.options.databasesJobs ?? DEFAULT_DATABASES_JOBS;

  /** The dbid as a namespace the caller reaches; any other database does not exist for it. */
  const database = (dbid: string, principal: Principal): string => {
    const namespace = mustNamespace(dbid);
    if (!canSee(principal, namespace)) throw noDatabase();
    return namespace;
  };
  const scoped = (dbid: string, rawId: string, principal: Principal): JobView => {
    const namespace = database(dbid, principal);
    const job = engine.get(mustJobId(rawId));
    if (!job || job.namespace !== namespace) throw new JobdError("NOT_FOUND", "there is no such job in this database");
    return job;
  };
  const stateOf = (job: JobView) => toJobState(job, isFinished(job.state) ? undefined : findOpenPrompt(engine, job.id));
  // A job without sub-jobs can only show its own question, so its state is kept while it is unchanged.
  const states = new JsonMemo<JobView>(stateOf, (job) => job.children.length === 0);

  const noRoute = () => {
    throw new JobdError("NOT_FOUND", "no such route");
  };
  const surface = new Elysia({ name: "dialect-databases", prefix: "/api/databases", detail: { tags: ["databases"] } })
    .onError(({ code, error, request }) => {
      const safe = toSafeError(code, error, (e) => ctx.log("unhandled error", { error: String(e) }));
      const res = reply(request, safe.status, { Message: safe.message });
      if (safe.status === 401) res.headers.set("www-authenticate", CHALLENGE);
      return res;
    })
    // The login route comes before the credential check: it is how a client gets a session.
    .use(databasesSession(ctx))
    .derive(({ request }) => ({ principal: auth.authenticate(request, ["sid", "basic"]) }))
    .post(
      "/:dbid/jobs/:job",
      async ({ params, body, request, principal }) => {
        const namespace = database(params.dbid, principal);
        auth.requireWrite(principal);
        const named = findNamedJob(table, params.job);
        if (!named) throw new JobdError("NOT_FOUND", `there is no job named ${JSON.stringify(params.job)}`);
        const data = readStartBody(textOf(body));
        const reason = named.job.check?.(data);
        if (reason) throw new JobdError("BAD_REQUEST", reason);
        const job = await engine.create(specFor(named, data, namespace, (kind) => engine.kinds.isBuiltIn(kind)), {
          owner: principal.name,
        });
        // StartJob acknowledges the job as accepted (PendingRun); polling shows where it is now.
        return reply(request, 200, { JobId: job.id, Status: STATUS.PendingRun });
      },
      {
        params: Params,
        parse: "text",
        detail: {
          summary: "StartJob: start a named job",
          description:
            "Starts the job named in the path (case-insensitive) with the posted data object and answers " +
            "{JobId, Status: 0} once it is stored. Unknown names are 404; a body that is not an object, or " +
            "that the job's checks refuse, is 400.",
          ...jsonBody(t.Record(t.String(), t.Unknown()), "the job's data object, e.g. for DuplicateEntities {DuplicatedFields, EntityMetaName, InitialIds, Comment}"),
          ...jsonResponses({ 200: { schema: StartedSchema, description: "the job was accepted" }, ...failures }),
        },
      },
    )
    .get("/:dbid/jobs/:job", ({ params, request, principal }) => replyText(request, 200, states.text(scoped(params.dbid, params.job, principal))), {
      params: Params,
      detail: {
        summary: "GetJobState: poll a job",
        description:
          "Status 0 PendingRun, 1 Running, 2 WaitingResponse (Request holds the question; a job whose " +
          "sub-job asks shows that question), 3 Closed (Exception present when it failed).",
        ...jsonResponses({ 200: { schema: JobStateSchema, description: "the job's state" }, ...failures }),
      },
    })
    .put(
      "/:dbid/jobs/:job",
      async ({ params, body, request, principal }) => {
        const job = scoped(params.dbid, params.job, principal);
        auth.requireWrite(principal);
        const button = readButtonIndex(textOf(body));
        const asking = isFinished(job.state) ? undefined : findOpenPrompt(engine, job.id);
        if (!asking) throw new JobdError("NOTHING_ASKED", "the job is not waiting for a response");
        await engine.answer(asking.id, button);
        return reply(request, 200, stateOf(scoped(params.dbid, params.job, principal)));
      },
      {
        params: Params,
        parse: "text",
        detail: {
          summary: "SetJobResponce: answer the job's question",
          description:
            "Answers with a 0-based button index, as {ButtonIndex: n} or {Response: {ButtonIndex: n}}. " +
            "400 when the job asks nothing or the index is out of range; nothing changes then.",
          ...jsonBody(AnswerBodySchema, "the chosen button"),
          ...jsonResponses({ 200: { schema: JobStateSchema, description: "the job's state after the answer" }, ...failures }),
        },
      },
    )
    .delete(
      "/:dbid/jobs/:job",
      async ({ params, request, principal }) => {
        const job = scoped(params.dbid, params.job, principal);
        auth.requireWrite(principal);
        await engine.cancel(job.id);
        return reply(request, 200);
      },
      {
        params: Params,
        detail: {
          summary: "AbortJob: stop a job early",
          description:
            "Cancels the job and its sub-jobs; what was done stays done. Answers 200 with no body; the job " +
            "then reads Closed (3). Aborting a closed job changes nothing.",
          ...jsonResponses({ 200: { description: "aborted; no body" }, ...failures }),
        },
      },
    )
    // The prefix itself too: without it, `/api/databases` fell through to the native 404.
    .all("", noRoute, { detail: { hide: true } })
    .all("/*", noRoute, { detail: { hide: true } });
  synchronousRoutes(surface, [["GET", "/api/databases/:dbid/jobs/:job"]]);
  return surface;
};
