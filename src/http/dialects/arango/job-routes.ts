/**
 * `/_api/job…` (and its `/_admin/job…` alias): ArangoDB's async job manager. Routing follows
 * RestJobHandler, quirks included: GET reads a suffix starting with 1-9 as an id and anything else as
 * a list type (so `GET …/foobar` is 400), while PUT and DELETE read any word as an id (404).
 */
import { Elysia, t, type AnyElysia } from "elysia";
import type { SurfaceContext } from "../../context.ts";
import { caller, requireWrite } from "./access.ts";
import { toArangoError } from "./error-hook.ts";
import { ArangoErrorSchema, ArangoError, ERRNO, badParameter, methodNotAllowed, notFound } from "./errors.ts";
import { dropEntries, dropEntry, fetchEntry, findEntry, isDone, listIds, stampOf } from "./entries.ts";
import { jobResult } from "./job-result.ts";

/** `count` when the client sends none (RestJobHandler: `size_t count = 100`). */
export const DEFAULT_COUNT = 100;
/** `count=0` or a non-number means "all" in recent servers; jobd caps it here. */
export const MAX_COUNT = 100_000;

const ResultSchema = t.Object({ result: t.Literal(true) });
const IdParam = t.Object({ id: t.String({ description: "job id (decimal string), or a list type / keyword" }) });
const errors = { 400: ArangoErrorSchema, 404: ArangoErrorSchema, 405: ArangoErrorSchema };
/** Fetch, cancel and delete need `write` or `admin`: 403 for a read-only token, whatever the id. */
const writeErrors = { ...errors, 403: ArangoErrorSchema };

export function parseCount(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_COUNT;
  const n = /^[0-9]{1,20}$/.test(raw) ? Number(raw) : 0;
  return n >= 1 ? Math.min(n, MAX_COUNT) : MAX_COUNT;
}

const empty = (status: number, headers: Record<string, string> = {}) => new Response(null, { status, headers });

/** Typed loosely: two prefixes of full route types are more than the checker can hold. */
export const jobRoutes = (ctx: SurfaceContext, prefix: "/_api/job" | "/_admin/job"): AnyElysia => {
  const { engine } = ctx;
  const doc = (summary: string, description: string) => ({ summary, description, tags: ["arango"] });
  return new Elysia({ name: `dialect-arango${prefix}` })
    .onError(({ code, error }) => toArangoError(code, error, ctx).toResponse())
    .derive(({ request }) => ({ principal: caller(ctx, request) }))
    .put(
      `${prefix}/:id`,
      async ({ params, principal }) => {
        // Before the lookup, as for DELETE: a read-only token gets 403 for any id, which tells it nothing.
        requireWrite(principal);
        const record = findEntry(engine, params.id, principal);
        if (!record) throw notFound();
        if (!isDone(record)) return empty(204);
        if (!(await fetchEntry(engine, record))) throw notFound();
        return jobResult(record);
      },
      {
        params: IdParam,
        parse: "none",
        detail: doc(
          "Fetch a job result (once)",
          "Done: the original response (status, headers, body) plus `x-arango-async-id`, and the entry is gone. " +
            "Pending: 204 with no body. Unknown, fetched, deleted or not an id: 404. A read-only token: 403.",
        ),
        response: writeErrors,
      },
    )
    .put(
      `${prefix}/:id/:action`,
      async ({ params, principal }) => {
        requireWrite(principal);
        if (params.action !== "cancel") throw badParameter();
        const record = findEntry(engine, params.id, principal);
        if (!record) {
          throw new ArangoError(404, ERRNO.NOT_FOUND, `could not find job (${params.id.slice(0, 40)}) in AsyncJobManager during cancel operation`);
        }
        if (!isDone(record)) await engine.cancel(record.id);
        return { result: true as const };
      },
      {
        params: t.Object({ id: t.String(), action: t.String({ description: "must be `cancel`" }) }),
        parse: "none",
        detail: doc(
          "Ask a job to cancel",
          "A request, not a stop: the job stays pending until its work stops, then is done with a 410 " +
            "`canceled request` result. A job that already finished stays as it is. A read-only token: 403.",
        ),
        response: { 200: ResultSchema, ...writeErrors },
      },
    )
    .put(`${prefix}`, () => {
      throw badParameter();
    }, { parse: "none", detail: doc("No job id", "Always 400 bad parameter."), response: errors })
    .get(
      `${prefix}/:id`,
      ({ params, query, principal }) => {
        const word = params.id;
        if (/^[1-9]/.test(word)) {
          const record = findEntry(engine, word, principal);
          if (!record) throw notFound();
          return isDone(record) ? empty(200, { "content-type": "text/plain; charset=utf-8" }) : empty(204);
        }
        if (word === "done" || word === "pending") return listIds(engine, principal, word, parseCount(query.count));
        throw badParameter();
      },
      {
        params: IdParam,
        query: t.Object({ count: t.Optional(t.String({ description: `most ids to list (default ${DEFAULT_COUNT})` })) }),
        parse: "none",
        detail: doc(
          "Peek at a job, or list ids",
          "`/{id}`: 200 with an empty body when done, 204 when pending, 404 when unknown; it never takes the " +
            "result. `/done`, `/pending`: ids as strings, ascending. Any other word: 400.",
        ),
        response: { 200: t.Array(t.String()), ...errors },
      },
    )
    .get(`${prefix}`, () => {
      throw badParameter();
    }, { parse: "none", detail: doc("No list type", "Always 400 bad parameter."), response: errors })
    .delete(
      `${prefix}/:id`,
      async ({ params, query, principal }) => {
        requireWrite(principal);
        if (params.id === "all") {
          await dropEntries(engine, principal, () => true);
        } else if (params.id === "expired") {
          if (query.stamp === undefined) throw badParameter();
          const stamp = Number(query.stamp);
          if (query.stamp.trim() === "" || !Number.isFinite(stamp)) throw badParameter();
          await dropEntries(engine, principal, (record) => stampOf(record) < stamp * 1000);
        } else {
          const record = findEntry(engine, params.id, principal);
          if (!record) throw notFound();
          dropEntry(engine, record.id);
          await engine.committed();
        }
        return { result: true as const };
      },
      {
        params: IdParam,
        query: t.Object({ stamp: t.Optional(t.String({ description: "unix time in seconds, may be fractional" })) }),
        parse: "none",
        detail: doc(
          "Drop job entries",
          "`/{id}`: drop one entry; `/all`: every entry; `/expired?stamp=S`: entries whose stamp (creation, " +
            "refreshed at completion) is older than S. Pending jobs keep running; their results are discarded. " +
            "A read-only token: 403.",
        ),
        response: { 200: ResultSchema, ...writeErrors },
      },
    )
    .delete(`${prefix}`, () => {
      throw badParameter();
    }, { parse: "none", detail: doc("No job id", "Always 400 bad parameter."), response: errors })
    .all(
      `${prefix}/*`,
      ({ request }) => {
        // GET, PUT and DELETE reach here only with more path segments than they take.
        if (["GET", "PUT", "DELETE"].includes(request.method.toUpperCase())) throw badParameter();
        throw methodNotAllowed();
      },
      { parse: "none", detail: doc("Anything else", "Too many segments: 400. Another method: 405."), response: errors },
    )
    .all(`${prefix}`, () => {
      throw methodNotAllowed();
    }, { parse: "none", detail: doc("Another method", "405 method not supported."), response: errors });
};
