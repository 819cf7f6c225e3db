/**
 * Requests no jobd route claims. `/_db/{name}/…` is tried again without the prefix (drivers send it on
 * every request; the database does not matter to jobd). Whatever is still unclaimed goes to the
 * `--upstream` service when one is set: streamed both ways, end-to-end headers kept, redirects passed
 * back rather than followed, so no other host is ever contacted. A path jobd serves for other methods
 * is not unclaimed: the app answers it 405. Without an upstream, ArangoDB paths get ArangoDB's
 * "unknown path" 404 and the rest falls through to the app's own 404 or 405.
 */
import type { SurfaceContext } from "../../context.ts";
import { caller } from "./access.ts";
import { ArangoError, ERRNO, unknownPath } from "./errors.ts";
import { ASYNC_HEADER, endToEndHeaders, responseHeaders } from "./wire.ts";

const BODYLESS = new Set(["GET", "HEAD"]);
const DB_PREFIX = /^\/_db\/[^/]+(\/.*)?$/;
const ARANGO_PATH = /^\/_(api|admin|db)(\/|$)/;

/** Requests re-dispatched without their `/_db/{name}` prefix → the path the client sent. */
const original = new WeakMap<Request, string>();
/** Requests the upstream answered (a `/_db/` one too, when its re-dispatch went there). */
const proxied = new WeakSet<Request>();

/** Whether the upstream answered the request: its answer, a 401 included, is then not jobd's. */
export const wentUpstream = (request: Request): boolean => proxied.has(request);

async function withoutDbPrefix(request: Request, rest: string, search: string): Promise<Request> {
  const method = request.method.toUpperCase();
  const body = BODYLESS.has(method) ? null : await request.arrayBuffer();
  return new Request(`http://localhost${rest}${search}`, { method, headers: request.headers, body, signal: request.signal });
}

/** Sends the request to the upstream, at the same path, and streams its answer back. */
export async function proxy(ctx: SurfaceContext, upstream: URL, request: Request, path: string): Promise<Response> {
  const target = new URL(upstream.href.replace(/\/+$/, "") + path);
  if (target.origin !== upstream.origin) return unknownPath(path).toResponse();
  const method = request.method.toUpperCase();
  try {
    const answer = await fetch(target, {
      method,
      // content-length stays: a streamed body is then sent with its length, not chunked.
      headers: endToEndHeaders(request.headers, ["host", ASYNC_HEADER]),
      body: BODYLESS.has(method) ? undefined : request.body,
      redirect: "manual",
      signal: request.signal,
    });
    return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: responseHeaders(answer.headers) });
  } catch (error) {
    if (request.signal.aborted) throw error;
    ctx.log("arango gateway: upstream unreachable", { upstream: upstream.origin, error: String(error) });
    return new ArangoError(503, ERRNO.SERVICE_UNAVAILABLE, "upstream unreachable").toResponse();
  }
}

/** The global NOT_FOUND hook for unmatched routes: a Response, or undefined to let the app answer. */
export function unmatchedRequests(ctx: SurfaceContext): (request: Request) => Promise<Response | undefined> {
  const upstream = ctx.options.upstream ? new URL(ctx.options.upstream) : null;
  return async (request) => {
    const url = new URL(request.url);
    const path = original.get(request) ?? url.pathname + url.search;
    const db = original.has(request) ? null : DB_PREFIX.exec(url.pathname);
    if (db) {
      const inner = await withoutDbPrefix(request, db[1] ?? "/", url.search);
      original.set(inner, path);
      // The request is counted once, as the one without the prefix; a replay (passed on already) not at all.
      if (ctx.http.passedOn(request)) ctx.http.passOn(inner);
      ctx.http.passOn(request);
      const answer = await ctx.handle(inner);
      if (proxied.has(inner)) proxied.add(request);
      return answer;
    }
    // A path jobd serves for other methods is jobd's own: the app answers 405, the upstream never sees
    // it. That holds for a path that had a `/_db/{name}` prefix too (`request` is then without it).
    if (ctx.routes.methods(request.url).length > 0) return undefined;
    if (upstream) {
      // With auth on, the gateway is not an open relay: the caller must be a jobd principal.
      if (ctx.auth.enabled) {
        try {
          caller(ctx, request);
        } catch (error) {
          if (error instanceof ArangoError) return error.toResponse();
          throw error;
        }
      }
      proxied.add(request);
      return proxy(ctx, upstream, request, path);
    }
    if (ARANGO_PATH.test(path)) return unknownPath(path.split("?")[0] ?? path).toResponse();
    return undefined;
  };
}
