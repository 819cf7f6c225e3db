import { Elysia } from "elysia";
import type { Engine } from "../engine/index.ts";

export const health = (engine: Engine) =>
  new Elysia({ name: "health", detail: { tags: ["operations"] } })
    .get("/healthz", () => ({ status: "ok" }), { detail: { summary: "Alive" } })
    .get(
      "/readyz",
      ({ set }) => {
        if (!engine.ready) {
          set.status = 503;
          return { status: "starting" };
        }
        return { status: "ready" };
      },
      { detail: { summary: "Store open, migrations done, restore finished" } },
    );
