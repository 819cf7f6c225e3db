/**
 * Domain errors with stable codes. Surfaces map `status` onto their own envelopes; the message is
 * written for clients and never carries internal detail.
 */
export type ErrorCode =
  | "BAD_REQUEST"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "CONFLICT"
  | "NOTHING_ASKED"
  | "INVALID_BUTTON"
  | "LEASE_EXPIRED"
  | "UNKNOWN_KIND"
  | "QUEUE_FULL"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "SHUTTING_DOWN";

const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  NOTHING_ASKED: 400,
  INVALID_BUTTON: 400,
  LEASE_EXPIRED: 409,
  UNKNOWN_KIND: 400,
  QUEUE_FULL: 503,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  SHUTTING_DOWN: 503,
};

export class JobdError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "JobdError";
    this.code = code;
    this.status = STATUS[code];
  }
}

export const notFound = (what = "job"): JobdError => new JobdError("NOT_FOUND", `${what} not found`);
