/**
 * The few server routes an ArangoDB client needs around jobs: `/_api/version` (drivers call it; the
 * spec's examples queue it as a job) and `/_admin/sleep`, a slow request to queue, poll and cancel.
 */
import { Elysia, t } from "elysia";
import { VERSION } from "../../../version.ts";
import type { SurfaceContext } from "../../context.ts";
import { caller } from "./access.ts";
import { toArangoError } from "./error-hook.ts";
import { ArangoError, ArangoErrorSchema, badParameter, ERRNO, methodNotAllowed } from "./errors.ts";

/** The ArangoDB version jobd answers as: the one whose job API this dialect follows. */
export const ARANGO_VERSION = "3.12.0";
/** Longest `/_admin/sleep`, in seconds. */
export const MAX_SLEEP_S = 300;

const VersionSchema = t.Object({
  server: t.Literal("arango"),
  version: t.String(),
  license: t.String(),
  details: t.Optional(t.Record(t.String(), t.String())),
});

/**
 * Seconds as a plain decimal (`2`, `0.5`, `.5`, `2.`); anything else is undefined. `Number()` alone
 * would also take `0x1`, `1e1`, `Infinity` and surrounding blanks.
 */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined || !/^(?:[0-9]{1,16}(?:\.[0-9]{0,16})?|\.[0-9]{1,16})$/.test(text)) return undefined;
  return Number(text);
}

/** Waits `ms`, or less when the request is aborted (a cancelled job, a client gone). */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });

export const systemRoutes = (ctx: SurfaceContext) =>
  new Elysia({ name: "dialect-arango-system" })
    .onError(({ code, error }) => toArangoError(code, error, ctx).toResponse())
    // ArangoDB authenticates every route; any valid principal may call these. A derive runs before
    // validation, so a caller without credentials gets 401, never a 400 about the query.
    .derive(({ request }) => ({ principal: caller(ctx, request) }))
    .get(
      "/_api/version",
      ({ query }) => ({
        server: "arango" as const,
        version: ARANGO_VERSION,
        license: "community",
        ...(query.details === "true" ? { details: { "jobd-version": VERSION, mode: "server", role: "SINGLE" } } : {}),
      }),
      {
        query: t.Object({ details: t.Optional(t.String()) }),
        parse: "none",
        detail: { summary: "Server version", description: "What ArangoDB drivers read at connect time.", tags: ["arango"] },
        response: { 200: VersionSchema },
      },
    )
    .put(
      "/_api/version",
      () => ({ server: "arango" as const, version: ARANGO_VERSION, license: "community" }),
      {
        parse: "none",
        detail: { summary: "Server version (PUT)", description: "As GET; the ArangoDB job examples queue it.", tags: ["arango"] },
        response: { 200: VersionSchema },
      },
    )
    .all(
      "/_api/version",
      () => {
        throw methodNotAllowed();
      },
      { parse: "none", detail: { summary: "Another method", tags: ["arango"] }, response: { 405: ArangoErrorSchema } },
    )
    .all(
      "/_admin/sleep",
      async ({ query, request }) => {
        const duration = parseDuration(query.duration);
        if (duration === undefined || duration > MAX_SLEEP_S) throw badParameter();
        await sleep(duration * 1000, request.signal);
        if (request.signal.aborted) throw new ArangoError(410, ERRNO.REQUEST_CANCELED, "canceled request");
        return { error: false, code: 200, duration };
      },
      {
        query: t.Object({ duration: t.Optional(t.String({ description: `seconds, 0-${MAX_SLEEP_S}, may be fractional` })) }),
        parse: "none",
        detail: {
          summary: "Sleep, then answer",
          description:
            "A slow request for trying async jobs: answers `{duration}` after that many seconds. Stops early " +
            "when the request is aborted (its job was cancelled).",
          tags: ["arango"],
        },
        response: { 200: t.Object({ error: t.Literal(false), code: t.Literal(200), duration: t.Number() }), 400: ArangoErrorSchema },
      },
    );
