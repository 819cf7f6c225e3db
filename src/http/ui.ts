import { Elysia } from "elysia";
import type { SurfaceContext } from "./context.ts";

/** The debugging UI at /ui: placeholder until its issue lands. */
export const uiSurface = (_ctx: SurfaceContext) => new Elysia({ name: "ui" });
