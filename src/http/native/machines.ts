import { Elysia } from "elysia";
import type { SurfaceContext } from "../context.ts";

/** Machine graphs at /api/v1/machines: placeholder until the UI issue lands. */
export const nativeMachines = (_ctx: SurfaceContext) => new Elysia({ name: "native-machines" });
