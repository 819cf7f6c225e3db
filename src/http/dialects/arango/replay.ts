/**
 * Replaying a stored request through the whole app, as the principal who queued it.
 *
 * The queue took ArangoDB's credentials (Basic `user:token` or Bearer), but the route that serves the
 * replay takes its own surface's forms: the native API only Bearer, CloudSigma only Basic, IMS only
 * X-Auth-Token. The replay is first sent as it was stored, which is what the upstream must get and what
 * most routes take. Only when one of jobd's routes refuses it for its credentials (a 401: every surface
 * authenticates before it does any work, so nothing ran) is it sent once more, presenting the token
 * the queue accepted, and no other, in the forms the first try lacked. That token maps to the same
 * principal whatever the form, so the route still applies that principal's role and namespaces; what
 * a route accepts from a direct call does not change.
 */
import type { ArangoRequestInput, RequestRunner } from "../../../../machines/index.ts";
import type { SurfaceContext } from "../../context.ts";
import { caller } from "./access.ts";
import { wentUpstream } from "./gateway.ts";
import { captureResponse, toRequest } from "./wire.ts";

/** The sender's token in the forms its stored `authorization` was not in; undefined when it names no one now. */
export function senderCredentials(ctx: Pick<SurfaceContext, "auth">, input: ArangoRequestInput): Record<string, string> | undefined {
  if (!ctx.auth.enabled) return undefined;
  const authorization = input.headers.find(([name]) => name.toLowerCase() === "authorization")?.[1];
  if (authorization === undefined) return undefined;
  let principal;
  try {
    principal = caller(ctx, new Request("http://localhost/", { headers: { authorization } }));
  } catch {
    return undefined;
  }
  const { name, token } = principal;
  // A token a header cannot carry as it is (Bearer, X-Auth-Token) would make the replay throw.
  if (!/^[\x21-\x7e]+$/.test(token)) return undefined;
  const other = /^basic\s/i.test(authorization) ? `Bearer ${token}` : `Basic ${Buffer.from(`${name}:${token}`).toString("base64")}`;
  return { authorization: other, "x-auth-token": token };
}

/** Replays one request; an aborted replay rejects whatever it answered, so the job ends canceled. */
export const replayThrough =
  (ctx: SurfaceContext): RequestRunner =>
  async (input, signal) => {
    const first = toRequest(input, signal);
    let response = await replay(ctx, first);
    if (response.status === 401 && !wentUpstream(first) && !signal.aborted) {
      const credentials = senderCredentials(ctx, input);
      if (credentials) {
        await response.body?.cancel().catch(() => {});
        response = await replay(ctx, toRequest(input, signal, credentials));
      }
    }
    const stored = await captureResponse(response);
    if (signal.aborted) throw new Error("the request was canceled");
    return stored;
  };

/**
 * A replay is not a request from the network: the one that queued it was counted already (as
 * `x-arango-async`), so the HTTP counts leave it out, a refused first try included.
 */
function replay(ctx: SurfaceContext, request: Request): Promise<Response> {
  ctx.http.passOn(request);
  return ctx.handle(request);
}
