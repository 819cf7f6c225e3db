import { JobdError } from "../errors.ts";

export interface SafeError {
  status: number;
  code: string;
  message: string;
}

/**
 * Maps anything thrown inside a route to what may go on the wire. Domain errors keep their code and
 * message; Elysia's validation and parse errors become 400s; anything else is a generic 500 whose
 * cause is logged, never sent.
 */
export function toSafeError(code: string | number, error: unknown, log: (e: unknown) => void = () => {}): SafeError {
  if (error instanceof JobdError) return { status: error.status, code: error.code, message: error.message };
  // Elysia wraps whatever a body parser throws in its ParseError; jobd's own parser throws JobdErrors.
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (code === "PARSE" && cause instanceof JobdError) return { status: cause.status, code: cause.code, message: cause.message };
  switch (code) {
    case "VALIDATION":
      return { status: 400, code: "BAD_REQUEST", message: validationMessage(error) };
    case "PARSE":
      return { status: 400, code: "BAD_REQUEST", message: "the body could not be parsed" };
    case "NOT_FOUND":
      return { status: 404, code: "NOT_FOUND", message: "no such route" };
    case "INVALID_COOKIE_SIGNATURE":
    case "INVALID_FILE_TYPE":
      return { status: 400, code: "BAD_REQUEST", message: "bad request" };
  }
  const status = typeof (error as { status?: unknown })?.status === "number" ? (error as { status: number }).status : 500;
  if (status >= 400 && status < 500) return { status, code: "BAD_REQUEST", message: "bad request" };
  log(error);
  return { status: 500, code: "INTERNAL", message: "internal error" };
}

interface ValueErrorLike {
  path?: string;
  message?: string;
  schema?: { anyOf?: { type?: string; minimum?: number; maximum?: number }[] };
}

function validationMessage(error: unknown): string {
  const e = error as { valueError?: ValueErrorLike; type?: string };
  const where = e.valueError?.path ? `${e.type ?? "value"} ${e.valueError.path}` : (e.type ?? "request");
  const what = e.valueError ? describe(e.valueError) : "is not valid";
  return `${where}: ${what}`.slice(0, 300);
}

/**
 * TypeBox's own words, except for Elysia's integers: they are a union (a number, or a string of
 * digits), whose failure TypeBox can only call "Expected union value". Those say what is expected.
 */
function describe(valueError: ValueErrorLike): string {
  const integer = valueError.schema?.anyOf?.find((member) => member.type === "integer");
  if (!integer) return valueError.message ?? "is not valid";
  const { minimum, maximum } = integer;
  if (minimum !== undefined && maximum !== undefined) return `must be an integer from ${minimum} to ${maximum}`;
  if (minimum !== undefined) return `must be an integer of at least ${minimum}`;
  if (maximum !== undefined) return `must be an integer of at most ${maximum}`;
  return "must be an integer";
}
