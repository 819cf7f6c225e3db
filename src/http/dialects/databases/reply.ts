/**
 * Every answer of this dialect: `Cache-Control: no-store` (the samples show it on each one) and JSON
 * typed the way the client asked: `text/json` when its Accept names it, `application/json` otherwise.
 */
export function reply(request: Request, status: number, body?: unknown): Response {
  const headers: Record<string, string> = { "cache-control": "no-store" };
  if (body === undefined) return new Response(null, { status, headers: { ...headers, "content-length": "0" } });
  const accept = request.headers.get("accept") ?? "";
  headers["content-type"] = /\btext\/json\b/i.test(accept) ? "text/json; charset=utf-8" : "application/json; charset=utf-8";
  return new Response(JSON.stringify(body), { status, headers });
}
