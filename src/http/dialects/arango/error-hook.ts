import { JobdError } from "../../../errors.ts";
import type { SurfaceContext } from "../../context.ts";
import { ArangoError, badParameter, ERRNO, notFound } from "./errors.ts";

/**
 * Anything thrown inside the dialect, as ArangoDB's envelope. Domain errors keep their status (the
 * errno is the status, as ArangoDB does for HTTP errors); unknown throws are logged, never sent.
 */
export function toArangoError(code: string | number, error: unknown, ctx: Pick<SurfaceContext, "log">): ArangoError {
  if (error instanceof ArangoError) return error;
  if (error instanceof JobdError) {
    const errorNum = error.code === "QUEUE_FULL" ? ERRNO.QUEUE_FULL : error.status;
    return new ArangoError(error.status, errorNum, error.message);
  }
  if (code === "VALIDATION" || code === "PARSE") return badParameter();
  if (code === "NOT_FOUND") return notFound();
  ctx.log("arango dialect: unhandled error", { error: String(error) });
  return new ArangoError(500, ERRNO.INTERNAL, "internal error");
}
