import { t } from "elysia";

/**
 * ArangoDB's error envelope and the errnos this dialect sends. ArangoDB has no job-specific errno:
 * the job manager answers with the generic HTTP ones (errors.dat).
 */
export const ERRNO = {
  INTERNAL: 4,
  FORBIDDEN: 11,
  REQUEST_CANCELED: 21,
  BAD_PARAMETER: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TOO_LARGE: 413,
  SERVICE_UNAVAILABLE: 503,
  QUEUE_FULL: 21003,
} as const;

export interface ArangoErrorBody {
  error: true;
  code: number;
  errorNum: number;
  errorMessage: string;
}

export const ArangoErrorSchema = t.Object(
  {
    error: t.Literal(true),
    code: t.Integer({ description: "the HTTP status" }),
    errorNum: t.Integer({ description: "the ArangoDB errno (400, 404, 405, 21003…)" }),
    errorMessage: t.String(),
  },
  { description: "ArangoDB error envelope" },
);

/** Thrown inside the dialect; its own error hook renders it as the envelope. */
export class ArangoError extends Error {
  constructor(
    readonly status: number,
    readonly errorNum: number,
    message: string,
    /** Headers every answer with this error carries (a 401's challenge). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ArangoError";
  }

  body(): ArangoErrorBody {
    return { error: true, code: this.status, errorNum: this.errorNum, errorMessage: this.message };
  }

  toResponse(headers: Record<string, string> = {}): Response {
    return Response.json(this.body(), {
      status: this.status,
      headers: { "content-type": "application/json; charset=utf-8", ...this.headers, ...headers },
    });
  }
}

export const badParameter = () => new ArangoError(400, ERRNO.BAD_PARAMETER, "bad parameter");
export const notFound = () => new ArangoError(404, ERRNO.NOT_FOUND, "not found");
export const methodNotAllowed = () => new ArangoError(405, ERRNO.METHOD_NOT_ALLOWED, "method not supported");
export const queueFull = () => new ArangoError(503, ERRNO.QUEUE_FULL, "named queue is full");
export const unknownPath = (path: string) =>
  new ArangoError(404, ERRNO.NOT_FOUND, `unknown path '${path.slice(0, 200)}'`);
