import { Elysia, t } from "elysia";
import { canSee, visibleNamespaces, type Principal } from "../../auth/index.ts";
import type { Engine } from "../../engine/index.ts";
import type { JobView } from "../../job-view.ts";
import type { SurfaceContext } from "../context.ts";
import { toSafeError } from "../errors.ts";
import { JsonMemo } from "../json-memo.ts";
import { CloudsigmaError, ErrorArraySchema, notExist, type CloudsigmaErrorObject } from "./cloudsigma/errors.ts";
import { JobListSchema, JobSchema, toCloudsigmaJob, type CloudsigmaJob } from "./cloudsigma/job-object.ts";
import { parseListQuery } from "./cloudsigma/list-query.ts";
import { requireJson } from "./cloudsigma/negotiate.ts";
import { jobsSchemaDocument, SchemaDocumentSchema } from "./cloudsigma/schema-document.ts";

const ALLOW = "GET, OPTIONS";
/** CloudSigma challenges with Basic (`email:password`); jobd reads the password as its token. */
const CHALLENGE = 'Basic realm="CloudSigma API"';

const ListQuerySchema = t.Object(
  {
    limit: t.Optional(t.String({ description: "page size, default 20; 0 = everything (served in pages of at most 1000)" })),
    offset: t.Optional(t.String({ description: "0-based index of the first job" })),
    state: t.Optional(t.String({ description: "started, success, error or canceled; comma-separated values are ORed" })),
    order_by: t.Optional(t.String({ description: "last_modified or -last_modified" })),
    format: t.Optional(t.String({ description: "json (the only format served)" })),
  },
  { additionalProperties: true },
);

const NO_PARAMS = new URLSearchParams();
/** The query string's parameters; most reads have none, and parsing the whole URL is not free. */
const searchParams = (request: Request): URLSearchParams => {
  const at = request.url.indexOf("?");
  return at < 0 ? NO_PARAMS : new URLSearchParams(request.url.slice(at + 1));
};

/** A job and its children (those the caller may see), any depth, read from committed data. */
function project(engine: Engine, view: JobView, principal: Principal): CloudsigmaJob {
  return toCloudsigmaJob(view, (parent) =>
    parent.children.flatMap((id) => {
      const child = engine.get(id);
      return child && canSee(principal, child.namespace) ? [project(engine, child, principal)] : [];
    }),
  );
}

/** A job without children looks the same to every caller, so its answer is kept while it is unchanged. */
const leaves = new JsonMemo<JobView>((view) => toCloudsigmaJob(view, () => []));

function listJobs(engine: Engine, request: Request, principal: Principal) {
  const params = searchParams(request);
  requireJson(request, params);
  const query = parseListQuery(params);
  const meta = { limit: query.limit, offset: query.offset, total_count: 0 };
  // A state filter that names no known state matches nothing (tastypie's exact match on an unknown value).
  if (query.states?.length === 0) return { meta, objects: [] };
  const namespaces = visibleNamespaces(principal);
  const filter = {
    parentId: null,
    states: query.states,
    order: query.order,
    limit: query.limit,
    offset: query.offset,
    ...(namespaces ? { namespaces } : {}),
  };
  meta.total_count = engine.count(filter);
  const objects = engine.list(filter).map((view) => project(engine, view, principal));
  return { meta, objects };
}

function errorType(status: number): CloudsigmaErrorObject["error_type"] {
  if (status === 404) return "notexist";
  if (status === 401 || status === 403) return "permission";
  if (status === 409) return "concurrency";
  return status < 500 ? "validation" : "backend";
}

/**
 * Dialect 004: CloudSigma API 2.0 jobs (`/api/2.0/jobs/`), read-only. Root jobs are listed
 * tastypie-style with their children embedded; every error is CloudSigma's array envelope.
 */
export const cloudsigmaDialect = (ctx: SurfaceContext) =>
  new Elysia({ name: "dialect-cloudsigma", prefix: "/api/2.0/jobs", detail: { tags: ["cloudsigma"] } })
    .onError(({ code, error, set }) => {
      if (error instanceof CloudsigmaError) {
        set.status = error.status;
        if (error.status === 405) set.headers.allow = ALLOW;
        return error.body();
      }
      const safe = toSafeError(code, error, (e) => ctx.log("unhandled error", { error: String(e), dialect: "cloudsigma" }));
      set.status = safe.status;
      if (safe.status === 401) set.headers["www-authenticate"] = CHALLENGE;
      const body: CloudsigmaErrorObject[] = [{ error_type: errorType(safe.status), error_message: safe.message, error_point: null }];
      return body;
    })
    // Jobs are scoped to the account: Basic `user:token` names the principal (the token is the password).
    .derive(({ request }) => ({ principal: ctx.auth.authenticate(request, ["basic"]) }))
    .get("/", ({ request, principal }) => listJobs(ctx.engine, request, principal), {
      query: ListQuerySchema,
      detail: {
        summary: "List jobs",
        description:
          "Root jobs, children embedded. tastypie paging (limit, offset, meta.total_count); `state` filter " +
          "(comma = OR, repeated = AND); `order_by=last_modified|-last_modified`, newest first otherwise.",
      },
      response: { 200: JobListSchema, 400: ErrorArraySchema, 401: ErrorArraySchema, 406: ErrorArraySchema },
    })
    .get("/detail/", ({ request, principal }) => listJobs(ctx.engine, request, principal), {
      query: ListQuerySchema,
      detail: { summary: "List jobs (detailed)", description: "The same as the list: jobs are always listed in full." },
      response: { 200: JobListSchema, 400: ErrorArraySchema, 401: ErrorArraySchema, 406: ErrorArraySchema },
    })
    .get(
      "/schema/",
      ({ request }) => {
        requireJson(request, searchParams(request));
        return jobsSchemaDocument(ctx.engine.now());
      },
      {
        detail: { summary: "The job resource's schema", description: "tastypie schema: fields, filtering, ordering." },
        response: { 200: SchemaDocumentSchema, 406: ErrorArraySchema },
      },
    )
    .get(
      "/:uuid/",
      ({ params, request, principal }) => {
        requireJson(request, searchParams(request));
        // No params schema: a path segment that does not decode (`%zz`) is simply no job, not a 400.
        const uuid = typeof params.uuid === "string" ? params.uuid : "";
        const view = uuid ? ctx.engine.get(uuid.toLowerCase()) : undefined;
        // Another account's job does not exist, as far as this one can tell.
        if (!view || !canSee(principal, view.namespace)) throw notExist(uuid ? `Job ${uuid.slice(0, 100)}` : "The job");
        return view.children.length === 0 ? leaves.response(view) : project(ctx.engine, view, principal);
      },
      {
        detail: {
          summary: "Get a job",
          description: "One job with its children embedded. 404 (notexist) for an unknown job or a finished one past retention.",
        },
        response: { 200: JobSchema, 401: ErrorArraySchema, 404: ErrorArraySchema, 406: ErrorArraySchema },
      },
    )
    .options("/", ({ set }) => allow(set), { detail: { summary: "Supported methods" } })
    .options("/*", ({ set }) => allow(set), { detail: { summary: "Supported methods" } })
    .all("/", ({ request }) => refuse(request), { detail: { hide: true } })
    .all("/*", ({ request }) => refuse(request), { detail: { hide: true } });

function allow(set: { headers: Record<string, string | number> }): string {
  set.headers.allow = ALLOW;
  set.headers["content-type"] = "text/plain; charset=utf-8";
  return "GET";
}

/** Jobs are read-only: any write is 405; a GET on a path that is not a job is 404. */
function refuse(request: Request): never {
  if (request.method === "GET") throw notExist("The resource");
  throw new CloudsigmaError(405, "permission", `Method ${request.method.slice(0, 20)} is not allowed on jobs; only GET is.`);
}

