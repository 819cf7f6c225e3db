import { JobdError } from "../errors.ts";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../json-depth.ts";

/**
 * The body parser of the native API and the worker API (an Elysia parse hook): JSON in, whether the
 * request says `application/json`, a `+json` type, `text/plain` or nothing at all. Another media type
 * (a form, multipart) is 415 rather than a body read some other way. A body that nests deeper than
 * MAX_JSON_DEPTH is refused here, before schema validation sees it.
 */
export async function parseJsonBody({ request }: { request: Request }, contentType: string | null | undefined): Promise<unknown> {
  // Elysia runs the hook for every route in scope, bodiless commands (cancel) included. No body is
  // null: a route that needs one refuses it through its schema.
  const text = request.body === null ? "" : await request.text();
  if (text.trim() === "") return null;
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type !== "" && type !== "application/json" && type !== "text/plain" && !type.endsWith("+json")) {
    throw new JobdError("UNSUPPORTED_MEDIA_TYPE", `send the body as application/json, not ${type.slice(0, 100)}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new JobdError("BAD_REQUEST", "the body could not be parsed as JSON");
  }
  if (nestsDeeperThan(body)) throw new JobdError("BAD_REQUEST", `the body nests deeper than ${MAX_JSON_DEPTH} levels`);
  return body;
}
