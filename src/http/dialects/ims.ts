/**
 * Dialect 003: Open Telekom Cloud IMS "Asynchronous Job Query" (`GET /v1/{project_id}/jobs/{job_id}`),
 * plus Huawei Cloud's progress query (`GET /v1/cloudimages/job/{job_id}`). The project id is the job's
 * namespace; reads never change a job. A thin translator from JobView to the IMS job object.
 */
import { Elysia, t } from "elysia";
import { canSee, type Principal } from "../../auth/index.ts";
import type { SurfaceContext } from "../context.ts";
import { JsonMemo } from "../json-memo.ts";
import { synchronousRoutes } from "../synchronous.ts";
import { toSafeError } from "../errors.ts";
import type { JobView } from "../../job-view.ts";
import { codeForStatus, IMS_CODES, ImsError, imsErrorResponse, ImsErrorSchema } from "./ims/errors.ts";
import { parseImsJobId, PROJECT_ID } from "./ims/job-id.ts";
import { ImsJobSchema, toImsJob, withProgress, type ImsJob } from "./ims/wire.ts";

// No length limits here: `find` answers an id or project of any length with its own IMS code.
const JobParams = t.Object({
  project_id: t.String({ description: "the project id (jobd namespace)" }),
  job_id: t.String({ description: "32 hex digits (the dashed UUID form is read too)" }),
});
const ProgressParams = t.Object({ job_id: JobParams.properties.job_id });
const ProgressHeaders = t.Object({
  "x-project-id": t.Optional(t.String({ description: "limits the lookup to this project" })),
});
const errors = { 400: ImsErrorSchema, 401: ImsErrorSchema, 404: ImsErrorSchema };

const badJobId = () => new ImsError(400, IMS_CODES.jobQuery, "The job ID is invalid: expected 32 hex digits (or a dashed UUID).");
const noJob = (id: string) => new ImsError(404, IMS_CODES.jobQuery, `The job ${id} does not exist.`);

export const imsDialect = (ctx: SurfaceContext) => {
  const { engine, auth } = ctx;

  /** The job and its sub-jobs (any depth, same project only) in IMS form. */
  const imsJobOf = (job: JobView): ImsJob => {
    const subJobs =
      job.children.length === 0
        ? []
        : engine
            .children(job.id)
            .filter((child) => child.namespace === job.namespace)
            .map((child) => imsJobOf(engine.viewOf(child)));
    return toImsJob(job, subJobs);
  };

  /** Reads the job, within `project` when one is given, among the projects the token reaches. */
  const find = (rawId: string, project: string | undefined, principal: Principal): JobView => {
    if (project !== undefined && !PROJECT_ID.test(project)) {
      throw new ImsError(400, IMS_CODES.badProject, "The project ID is incorrect.");
    }
    const id = parseImsJobId(rawId);
    if (id === null) throw badJobId();
    const job = engine.get(id);
    // A job of another project (or one the token does not reach) is not there at all, as far as this caller can tell.
    if (!job || (project !== undefined && job.namespace !== project) || !canSee(principal, job.namespace)) throw noJob(rawId);
    return job;
  };

  // A job without sub-jobs shows only itself, so its answer can be kept for as long as it is unchanged.
  const wire = new JsonMemo<JobView>(imsJobOf, (job) => job.children.length === 0);

  const methodNotAllowed = ({ request }: { request: Request }) =>
    imsErrorResponse(405, IMS_CODES.badRequest, `The method ${request.method} is not allowed; use GET.`, { allow: "GET" });
  const noRoute = () => imsErrorResponse(404, IMS_CODES.badRequest, "The requested resource does not exist.");

  const surface = new Elysia({ name: "dialect-ims", detail: { tags: ["dialect: IMS (Open Telekom Cloud)"] } })
    .onError(({ code, error }) => {
      if (error instanceof ImsError) return imsErrorResponse(error.status, error.code, error.message);
      const safe = toSafeError(code, error, (e) => ctx.log("unhandled error", { dialect: "ims", error: String(e) }));
      return imsErrorResponse(safe.status, codeForStatus(safe.status), safe.message);
    })
    // IAM tokens travel in X-Auth-Token; a jobd token is taken there (and nowhere else on this surface).
    .derive(({ request }) => ({ principal: auth.authenticate(request, ["x-auth-token"]) }))
    .get("/v1/:project_id/jobs/:job_id", ({ params, principal }) => wire.response(find(params.job_id, params.project_id, principal)), {
      params: JobParams,
      detail: {
        summary: "Query an asynchronous job",
        description:
          "The job as IMS shows it. Only jobs of this project (jobd namespace) are found; others are 404 " +
          "IMG.0023. Reads change nothing: a finished job reads the same every time.",
      },
      response: { 200: ImsJobSchema, ...errors },
    })
    .get(
      "/v1/cloudimages/job/:job_id",
      ({ params, headers, principal }) => {
        const job = find(params.job_id, headers["x-project-id"], principal);
        return withProgress(imsJobOf(job), job);
      },
      {
        params: ProgressParams,
        headers: ProgressHeaders,
        detail: {
          summary: "Query an asynchronous job's progress (Huawei Cloud)",
          description:
            "The same job object with `entities.process_percent` (a fraction from 0 to 1) and " +
            "`entities.current_task` (the job's progress message, when it has one). The project comes from " +
            "the X-Project-Id header when it is sent.",
        },
        response: { 200: ImsJobSchema, ...errors },
      },
    )
    .all("/v1/:project_id/jobs/:job_id", methodNotAllowed, { detail: { hide: true } })
    .all("/v1/cloudimages/job/:job_id", methodNotAllowed, { detail: { hide: true } })
    .all("/v1/:project_id/jobs", noRoute, { detail: { hide: true } })
    .all("/v1/:project_id/jobs/*", noRoute, { detail: { hide: true } })
    .all("/v1/cloudimages/job", noRoute, { detail: { hide: true } })
    .all("/v1/cloudimages/job/:job_id/*", noRoute, { detail: { hide: true } });
  synchronousRoutes(surface, [["GET", "/v1/:project_id/jobs/:job_id"]]);
  return surface;
};
