/**
 * Dialect 000: the Crystite / Remora.Neos.Headless jobs API (`/jobs`). A thin translator: ids are
 * read the way .NET reads a Guid, jobs are shown as `{id, description, status}`, and reading a
 * finished job takes receipt of it (the engine hides it from receipt-taking dialects at once).
 */
import { Elysia, t } from "elysia";
import { canSee, canWrite, visibleNamespaces, type Principal } from "../../auth/index.ts";
import type { SurfaceContext } from "../context.ts";
import { JsonMemo } from "../json-memo.ts";
import { documentedResponses } from "../openapi.ts";
import { synchronousRoutes } from "../synchronous.ts";
import { toSafeError } from "../errors.ts";
import { JobdError } from "../../errors.ts";
import { isFinished, type JobView } from "../../job-view.ts";
import { parseGuid } from "./jobs/guid.ts";
import { problem, ProblemSchema } from "./jobs/problem.ts";
import { JobSchema, toWireJob } from "./jobs/wire.ts";

/** Gen B lists every tracked job; jobd keeps days of them, so the list shows the newest this many. */
export const JOBS_LIST_LIMIT = 1000;

// No length limits on the id or `peek`: the handler's own checks answer any value in the dialect's words.
const IdParams = t.Object({ id: t.String({ description: "a GUID in any .NET format (D, N, B, P, X)" }) });
// Other query parameters are ignored, as ASP.NET ignores them (cache busters and the like).
const PeekQuery = t.Object(
  { peek: t.Optional(t.String({ description: "`true` reads a finished job without taking receipt" })) },
  { additionalProperties: true },
);
const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
/** ASP.NET's JwtBearer challenge, plus Basic: curl users may send `user:token`. */
const CHALLENGE = { "www-authenticate": 'Bearer realm="jobd", Basic realm="jobd"' };
const badId = () => new JobdError("BAD_REQUEST", "the id cannot be parsed as a GUID");
const noJob = () => new JobdError("NOT_FOUND", "no job with the given id exists");

/** .NET `bool.TryParse`, with an empty value read as the default (false). */
function parsePeek(raw: string | undefined): boolean | null {
  const value = (raw ?? "").trim().toLowerCase();
  if (value === "" || value === "false") return false;
  return value === "true" ? true : null;
}

export const jobsDialect = (ctx: SurfaceContext) => {
  const { engine, auth } = ctx;
  /** A job this caller can see: it exists, is in the caller's namespaces, and nobody took receipt of it. */
  const visible = (id: string, principal: Principal): JobView | undefined => {
    const job = engine.get(id);
    return job && job.receivedAt === null && canSee(principal, job.namespace) ? job : undefined;
  };
  const methodNotAllowed = (allow: string) => () => problem(405, `only ${allow} is allowed here`, { allow });
  const wire = new JsonMemo<JobView>(toWireJob);
  const failure = (code: string | number, error: unknown): Response => {
    const safe = toSafeError(code, error, (e) => ctx.log("unhandled error", { dialect: "jobs", error: String(e) }));
    return problem(safe.status, safe.message, safe.status === 401 ? CHALLENGE : {});
  };
  /** After a receipt: the job as it was read, or 404 when another read took receipt first. */
  const received = (job: JobView) => (taken: boolean) => (taken ? wire.response(job) : failure("NOT_FOUND", noJob()));
  const receiptFailed = (error: unknown) => failure("UNKNOWN", error);

  const surface = new Elysia({ name: "dialect-jobs", detail: { tags: ["dialect: jobs (Crystite)"] } })
    .onError(({ code, error }) => failure(code, error))
    // The original has no authentication; with tokens on, jobd takes Bearer (and Basic `user:token`).
    .derive(({ request }) => ({ principal: auth.authenticate(request, ["bearer", "basic"]) }))
    .get(
      "/jobs",
      ({ principal }) => {
        const namespaces = visibleNamespaces(principal);
        return engine
          .list({ unreceived: true, order: "newest", limit: JOBS_LIST_LIMIT, ...(namespaces ? { namespaces } : {}) })
          .map(toWireJob);
      },
      {
        detail: {
          summary: "List jobs",
          description: `Jobs nobody has taken receipt of, newest first (at most ${JOBS_LIST_LIMIT}). Listing takes no receipt.`,
        },
        response: { 200: t.Array(JobSchema), 401: ProblemSchema },
      },
    )
    .get(
      "/jobs/:id",
      ({ params, query, request, principal }) => {
        const id = parseGuid(params.id);
        if (id === null) throw badId();
        const peek = parsePeek(query.peek);
        if (peek === null) throw new JobdError("BAD_REQUEST", "peek must be true or false");
        const job = visible(id, principal);
        if (!job) throw noJob();
        // A HEAD request is only a look, never a receipt; nor is a read-only token's read (it changes nothing).
        const takesReceipt = isFinished(job.state) && !peek && request.method !== "HEAD" && canWrite(principal);
        // Only a receipt waits for its commit; its promise always settles to an answer (synchronousRoutes).
        return takesReceipt ? engine.receive(id).then(received(job), receiptFailed) : wire.response(job);
      },
      {
        params: IdParams,
        query: PeekQuery,
        detail: {
          summary: "Get a job",
          description:
            "Reading a finished job (Completed, Canceled or Faulted) takes receipt of it: this answer is the " +
            "last, the next read is 404. `?peek=true` reads without taking receipt, and so does a read-only token.",
          // Documented here, not checked through `response`: the route is compiled synchronous, and Elysia
          // would check a 200 schema against a receipt's promise instead of the answer it settles to.
          responses: documentedResponses(
            {
              200: { schema: JobSchema, description: "the job" },
              ...Object.fromEntries(Object.entries(errors).map(([status, schema]) => [status, { schema, description: "a problem" }])),
            },
            (status) => [status === 200 ? "application/json" : "application/problem+json"],
          ),
        },
      },
    )
    .delete(
      "/jobs/:id",
      async ({ params, principal }) => {
        const id = parseGuid(params.id);
        if (id === null) throw badId();
        const job = visible(id, principal);
        if (!job) throw noJob();
        auth.requireWrite(principal);
        if (isFinished(job.state)) {
          if (!(await engine.receive(id))) throw noJob();
          return toWireJob(job);
        }
        return toWireJob(await engine.cancel(id));
      },
      {
        params: IdParams,
        detail: {
          summary: "Cancel a job",
          description:
            "Asks the job to stop and answers with the job as it is right after the request (usually still " +
            "Running). Cancelling is a request: the job may still end Completed or Faulted. On a finished job " +
            "this takes receipt instead, like a read. A read-only token gets 403.",
        },
        response: { 200: JobSchema, ...errors },
      },
    )
    .all("/jobs/:id", methodNotAllowed("GET, DELETE"), { detail: { hide: true } })
    .all("/jobs", methodNotAllowed("GET"), { detail: { hide: true } })
    .all("/jobs/*", () => problem(404, "no such route"), { detail: { hide: true } });
  synchronousRoutes(surface, [["GET", "/jobs/:id"]]);
  return surface;
};
