import { t } from "elysia";

/**
 * IMS error bodies: `{"error": {"code": "IMG.xxxx", "message": "…"}}`. The codes come from the IMS
 * error table; jobd only uses the ones whose meaning fits.
 */
export const IMS_CODES = {
  /** The request message format is invalid. */
  badRequest: "IMG.0001",
  /** An exception occurred during the job query (unknown or unreadable job id). */
  jobQuery: "IMG.0023",
  /** The project ID is incorrect. */
  badProject: "IMG.0067",
  /** Unknown system error. */
  system: "IMG.0061",
  /** The token is incorrect (sent with 401: missing or wrong X-Auth-Token). */
  badToken: "IMG.0087",
  /** The role is invalid (403: a read-only token; IMS has no writing job route, so rarely seen). */
  badRole: "IMG.0026",
} as const;

export const ImsErrorSchema = t.Object({
  error: t.Object({ code: t.String({ description: "IMS error code, e.g. IMG.0023" }), message: t.String() }),
});

export class ImsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ImsError";
  }
}

export function imsErrorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** The IMS code for a status that did not come with one. */
export const codeForStatus = (status: number): string =>
  status === 404
    ? IMS_CODES.jobQuery
    : status === 401
      ? IMS_CODES.badToken
      : status === 403
        ? IMS_CODES.badRole
        : status >= 500
          ? IMS_CODES.system
          : IMS_CODES.badRequest;
