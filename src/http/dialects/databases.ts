import { Elysia } from "elysia";
import type { SurfaceContext } from "../context.ts";

/** Dialect placeholder: filled in by its own issue. */
export const databasesDialect = (_ctx: SurfaceContext) => new Elysia({ name: "dialect-databases" });
