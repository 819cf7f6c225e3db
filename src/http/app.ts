import { Elysia } from "elysia";
import type { Engine } from "../engine/index.ts";
import { docs } from "./docs.ts";
import { toSafeError } from "./errors.ts";
import { health } from "./health.ts";
import { nativeEvents } from "./native/events.ts";
import { nativeJobs } from "./native/jobs.ts";

export interface AppOptions {
  engine: Engine;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface AppState {
  sse: { clients: number };
}

/** Every surface, wired on one screen. Each dialect keeps its own error envelope. */
export function createApp({ engine, log = () => {} }: AppOptions) {
  const state: AppState = { sse: { clients: 0 } };
  const native = new Elysia({ name: "native" })
    .onError(({ code, error, set }) => {
      const safe = toSafeError(code, error, (e) => log("unhandled error", { error: String(e) }));
      set.status = safe.status;
      return { error: { code: safe.code, message: safe.message } };
    })
    .use(nativeJobs(engine))
    .use(nativeEvents(engine, state.sse));

  const app = new Elysia()
    .use(health(engine))
    .use(docs())
    .use(native)
    .onError(({ code, error, set }) => {
      // Routes that no surface claims, and anything a surface let through.
      const safe = toSafeError(code, error, (e) => log("unhandled error", { error: String(e) }));
      set.status = safe.status;
      return { error: { code: safe.code, message: safe.message } };
    });
  return { app, state };
}

export type App = ReturnType<typeof createApp>["app"];
