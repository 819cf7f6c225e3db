/**
 * Dialect 000: the Crystite / Remora.Neos.Headless jobs API (`/jobs`). A thin translator: ids are
 * read the way .NET reads a Guid, jobs are shown as `{id, description, status}`, and reading a
 * finished job takes receipt of it (the engine hides it from receipt-taking dialects at once).
 */
import { Elysia, t } from "elysia";
import type { SurfaceContext } from "../context.ts";
import { toSafeError } from "../errors.ts";
import { JobdError } from "../../errors.ts";
import { isFinished, type JobView } from "../../job-view.ts";
import { parseGuid } from "./jobs/guid.ts";
import { problem, ProblemSchema } from "./jobs/problem.ts";
import { JobSchema, toWireJob } from "./jobs/wire.ts";

/** Gen B lists every tracked job; jobd keeps days of them, so the list shows the newest this many. */
export const JOBS_LIST_LIMIT = 1000;

const IdParams = t.Object({ id: t.String({ maxLength: 200, description: "a GUID in any .NET format (D, N, B, P, X)" }) });
// Other query parameters are ignored, as ASP.NET ignores them (cache busters and the like).
const PeekQuery = t.Object(
  { peek: t.Optional(t.String({ maxLength: 10, description: "`true` reads a finished job without taking receipt" })) },
  { additionalProperties: true },
);
const errors = { 400: ProblemSchema, 404: ProblemSchema };
const badId = () => new JobdError("BAD_REQUEST", "the id cannot be parsed as a GUID");
const noJob = () => new JobdError("NOT_FOUND", "no job with the given id exists");

/** .NET `bool.TryParse`, with an empty value read as the default (false). */
function parsePeek(raw: string | undefined): boolean | null {
  const value = (raw ?? "").trim().toLowerCase();
  if (value === "" || value === "false") return false;
  return value === "true" ? true : null;
}

export const jobsDialect = (ctx: SurfaceContext) => {
  const { engine } = ctx;
  /** A job this dialect can see: it exists and no receipt-taking client has taken it yet. */
  const visible = (id: string): JobView | undefined => {
    const job = engine.get(id);
    return job && job.receivedAt === null ? job : undefined;
  };
  const methodNotAllowed = (allow: string) => () => problem(405, `only ${allow} is allowed here`, { allow });

  return new Elysia({ name: "dialect-jobs", detail: { tags: ["dialect: jobs (Crystite)"] } })
    .onError(({ code, error }) => {
      const safe = toSafeError(code, error, (e) => ctx.log("unhandled error", { dialect: "jobs", error: String(e) }));
      return problem(safe.status, safe.message);
    })
    .get("/jobs", () => engine.list({ unreceived: true, order: "newest", limit: JOBS_LIST_LIMIT }).map(toWireJob), {
      detail: {
        summary: "List jobs",
        description: `Jobs nobody has taken receipt of, newest first (at most ${JOBS_LIST_LIMIT}). Listing takes no receipt.`,
      },
      response: { 200: t.Array(JobSchema) },
    })
    .get(
      "/jobs/:id",
      async ({ params, query, request }) => {
        const id = parseGuid(params.id);
        if (id === null) throw badId();
        const peek = parsePeek(query.peek);
        if (peek === null) throw new JobdError("BAD_REQUEST", "peek must be true or false");
        const job = visible(id);
        if (!job) throw noJob();
        // A HEAD request is only a look, never a receipt.
        const takesReceipt = isFinished(job.state) && !peek && request.method !== "HEAD";
        if (takesReceipt && !(await engine.receive(id))) throw noJob();
        return toWireJob(job);
      },
      {
        params: IdParams,
        query: PeekQuery,
        detail: {
          summary: "Get a job",
          description:
            "Reading a finished job (Completed, Canceled or Faulted) takes receipt of it: this answer is the " +
            "last, the next read is 404. `?peek=true` reads without taking receipt.",
        },
        response: { 200: JobSchema, ...errors },
      },
    )
    .delete(
      "/jobs/:id",
      async ({ params }) => {
        const id = parseGuid(params.id);
        if (id === null) throw badId();
        const job = visible(id);
        if (!job) throw noJob();
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
            "this takes receipt instead, like a read.",
        },
        response: { 200: JobSchema, ...errors },
      },
    )
    .all("/jobs/:id", methodNotAllowed("GET, DELETE"), { detail: { hide: true } })
    .all("/jobs", methodNotAllowed("GET"), { detail: { hide: true } })
    .all("/jobs/*", () => problem(404, "no such route"), { detail: { hide: true } });
};
