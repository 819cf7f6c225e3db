import { Elysia } from "elysia";
import type { SurfaceContext } from "./context.ts";

/** The worker API under /api/v1: placeholder until the workers issue lands. */
export const workerApi = (_ctx: SurfaceContext) => new Elysia({ name: "workers" });
