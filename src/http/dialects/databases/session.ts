import { Elysia, t } from "elysia";
import { canSee } from "../../../auth/index.ts";
import { JobdError } from "../../../errors.ts";
import type { SurfaceContext } from "../../context.ts";
import { parseLenientJson } from "./body.ts";
import { mustNamespace } from "./ids.ts";
import { jsonBody, jsonResponses } from "./openapi.ts";
import { reply } from "./reply.ts";
import { MessageSchema } from "./job-state.ts";

const AuthBodySchema = t.Object({
  User: t.String({ description: "the user name: informational, jobd knows principals by token" }),
  PasswordHash: t.String({ description: "the password: jobd reads it as the token" }),
});
const SessionSchema = t.Object({
  SessionId: t.String({ description: "send it back as the `sid` cookie or `?sid=`" }),
  User: t.String({ description: "the principal the token belongs to" }),
});

/** The credentials the auth body carries: the password (jobd's token), or undefined when it has none. */
function passwordOf(text: string): string | undefined {
  const value = parseLenientJson(text);
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new JobdError("BAD_REQUEST", "the body must be {\"User\", \"PasswordHash\"}");
  const password = (value as Record<string, unknown>).PasswordHash;
  if (password === undefined) return undefined;
  if (typeof password !== "string" || password.length === 0 || password.length > 1000) {
    throw new JobdError("BAD_REQUEST", "PasswordHash must be a non-empty string");
  }
  return password;
}

/**
 * `PUT /api/databases/{dbid}/auth`: logs in and opens a session. The body's PasswordHash is taken as
 * a jobd token (HTTP Basic `user:token` works as well); the answer carries the session id, also set as
 * the `sid` cookie. A database the token does not reach is 404, as its jobs are.
 */
export const databasesSession = ({ auth }: SurfaceContext) =>
  new Elysia({ name: "dialect-databases-session" }).put(
    "/:dbid/auth",
    ({ params, body, request }) => {
      const namespace = mustNamespace(params.dbid);
      const password = passwordOf(typeof body === "string" ? body : "");
      const principal = password !== undefined ? auth.login(password) : auth.authenticate(request, ["basic"]);
      if (!principal) throw new JobdError("UNAUTHORIZED", "the user name or password is not valid");
      if (!canSee(principal, namespace)) throw new JobdError("NOT_FOUND", "there is no such database");
      const sid = auth.openSession(principal);
      const res = reply(request, 200, { SessionId: sid, User: principal.name });
      res.headers.append("set-cookie", `sid=${sid}; Path=/; HttpOnly; SameSite=Strict`);
      return res;
    },
    {
      params: t.Object({ dbid: t.String({ maxLength: 100, description: "the database id (jobd namespace)" }) }),
      parse: "text",
      detail: {
        summary: "Log in: open a session",
        description:
          "Takes {User, PasswordHash} (the password is a jobd token) or HTTP Basic, and answers {SessionId, User} " +
          "with the `sid` cookie set. Send the session back as the cookie or as `?sid=`. Sessions last 12 hours " +
          "and are kept in memory (a restart ends them).",
        ...jsonBody(AuthBodySchema, "the credentials"),
        ...jsonResponses({
          200: { schema: SessionSchema, description: "the session" },
          400: { schema: MessageSchema, description: "a body that is not {User, PasswordHash}" },
          401: { schema: MessageSchema, description: "wrong or missing credentials" },
          404: { schema: MessageSchema, description: "the token does not reach this database" },
        }),
      },
    },
  );
