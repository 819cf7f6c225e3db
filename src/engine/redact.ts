/**
 * Credentials never leave jobd through a job's view. A job input may carry request headers (the
 * `http` kind's `headers` object, an `arango.request`'s `[name, value]` pairs, which hold the caller's
 * own Authorization so the queued request can be replayed with it). Anyone who may read the job's
 * namespace sees its input, so those header values are shown as REDACTED; the stored input, which
 * the work runs from, keeps them.
 */
export const REDACTED = "[redacted]";

const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "x-auth-token", "x-api-key", "x-csrftoken"]);

const isSecret = (name: unknown): boolean => typeof name === "string" && SECRET_HEADERS.has(name.toLowerCase());

function redactHeaders(headers: unknown): unknown {
  if (Array.isArray(headers)) {
    return headers.map((pair) => (Array.isArray(pair) && pair.length === 2 && isSecret(pair[0]) ? [pair[0], REDACTED] : pair));
  }
  if (headers && typeof headers === "object") {
    return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, isSecret(name) ? REDACTED : value]));
  }
  return headers;
}

/** The input as views show it: the same value, with credential header values replaced. */
export function redactInput(input: unknown): unknown {
  if (!input || typeof input !== "object" || Array.isArray(input) || !("headers" in input)) return input;
  const headers = (input as { headers: unknown }).headers;
  const redacted = redactHeaders(headers);
  return redacted === headers ? input : { ...input, headers: redacted };
}
