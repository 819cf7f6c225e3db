import { Elysia, t } from "elysia";
import { UI_ASSETS, UI_SHELL, type Asset } from "../ui/assets.ts";
import type { SurfaceContext } from "./context.ts";

/**
 * Everything the page may load comes from jobd itself; the policy makes a stray CDN link fail loudly
 * in development instead of quietly needing the network in production.
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const serve = (asset: Asset, status = 200) =>
  new Response(asset.body, {
    status,
    headers: {
      "content-type": asset.type,
      "cache-control": "no-cache",
      "content-security-policy": CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    },
  });

const hidden = { detail: { hide: true } };

/**
 * The debugging UI at /ui: one shell page for every UI path (the browser code routes by path) and its
 * assets under /ui/assets/. It reads jobd only through the public API, like any other client.
 */
export const uiSurface = (_ctx: SurfaceContext) =>
  new Elysia({ name: "ui" })
    .get("/ui/assets/:file", ({ params }) => {
      const asset = UI_ASSETS.get(params.file);
      return asset ? serve(asset) : serve({ body: "not found\n", type: "text/plain; charset=utf-8" }, 404);
    }, { params: t.Object({ file: t.String({ maxLength: 100 }) }), ...hidden })
    .get("/ui", () => serve(UI_SHELL), hidden)
    .get("/ui/*", () => serve(UI_SHELL), hidden);
