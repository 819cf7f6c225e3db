/**
 * Every answer of this dialect: `Cache-Control: no-store` (the samples show it on each one) and JSON
 * typed the way the client asked: `text/json` when its Accept names it, `application/json` otherwise.
 */
export function reply(request: Request, status: number, body?: unknown): Response {
  if (body === undefined) return new Response(null, { status, headers: { "cache-control": "no-store", "content-length": "0" } });
  return replyText(request, status, JSON.stringify(body));
}

/** The same answer from JSON text made earlier. */
export function replyText(request: Request, status: number, json: string): Response {
  const accept = request.headers.get("accept") ?? "";
  const type = /\btext\/json\b/i.test(accept) ? "text/json; charset=utf-8" : "application/json; charset=utf-8";
  return new Response(json, { status, headers: { "cache-control": "no-store", "content-type": type } });
}
