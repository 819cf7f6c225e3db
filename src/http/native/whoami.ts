import { Elysia, t } from "elysia";
import type { SurfaceContext } from "../context.ts";
import { ErrorSchema } from "./schemas.ts";

const Whoami = t.Object({
  name: t.String({ description: "the principal's name (`local` when jobd has no tokens)" }),
  role: t.Union([t.Literal("read"), t.Literal("write"), t.Literal("admin")]),
  namespaces: t.Union([t.Literal("*"), t.Array(t.String())], { description: "`*` for every namespace" }),
});

/**
 * `GET /api/v1/whoami`: the principal the caller's token stands for, without the token. A client
 * learns what it may do before it tries (the UI turns answering and cancelling off for a read-only
 * token instead of waiting for the first refusal).
 */
export const nativeWhoami = (ctx: SurfaceContext) =>
  new Elysia({ name: "native-whoami", detail: { tags: ["auth"] } }).get(
    "/api/v1/whoami",
    ({ request }) => {
      const { name, role, namespaces } = ctx.auth.authenticate(request, ["bearer"]);
      return { name, role, namespaces };
    },
    {
      response: { 200: Whoami, 401: ErrorSchema },
      detail: { summary: "Who the token is", description: "Name, role and namespaces of the caller's principal." },
    },
  );
