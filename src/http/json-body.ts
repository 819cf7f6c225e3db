import { JobdError } from "../errors.ts";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../json-depth.ts";

/**
 * How the native API and the worker API take a body (spread into each body route's options): JSON in,
 * whether the request says `application/json`, a `+json` type, `text/plain` or nothing at all; another
 * media type (a form, multipart) is 415 rather than a body read some other way. A body that nests
 * deeper than MAX_JSON_DEPTH is refused before schema validation sees it.
 *
 * `application/json` itself is left to Elysia's own parser, and the depth is checked after it (a
 * transform hook runs before validation): a parser of jobd's own for every create cost ~1-2 µs.
 */
export const JSON_BODY = {
  parse: ({ request }: { request: Request }, contentType: string | null | undefined): Promise<unknown> | undefined => {
    // Elysia hands over the type without its parameters (`; charset=…`).
    if (contentType === "application/json") return undefined;
    const type = (contentType ?? "").trim().toLowerCase();
    if (type !== "" && type !== "text/plain" && !type.endsWith("+json")) {
      throw new JobdError("UNSUPPORTED_MEDIA_TYPE", `send the body as application/json, not ${type.slice(0, 100)}`);
    }
    return readJson(request);
  },
  transform: ({ body }: { body: unknown }): void => {
    if (nestsDeeperThan(body)) throw new JobdError("BAD_REQUEST", `the body nests deeper than ${MAX_JSON_DEPTH} levels`);
  },
};

/** A body declared as something else that is JSON all the same; no body at all is null (the schema refuses it). */
async function readJson(request: Request): Promise<unknown> {
  if (request.body === null) return null;
  try {
    return await request.json();
  } catch {
    throw new JobdError("BAD_REQUEST", "the body could not be parsed as JSON");
  }
}
