import { t } from "elysia";

/** The kinds of error CloudSigma's API 2.0 names in its error objects. */
export type CloudsigmaErrorType =
  | "validation"
  | "notexist"
  | "backend"
  | "permission"
  | "database"
  | "concurrency"
  | "billing"
  | "payment";

export interface CloudsigmaErrorObject {
  error_type: CloudsigmaErrorType;
  error_message: string;
  /** The field or parameter the error is about, or null. */
  error_point: string | null;
}

/** Thrown inside the dialect's routes; the dialect's error hook turns it into the array envelope. */
export class CloudsigmaError extends Error {
  constructor(
    readonly status: number,
    readonly type: CloudsigmaErrorType,
    message: string,
    readonly point: string | null = null,
  ) {
    super(message);
    this.name = "CloudsigmaError";
  }

  body(): CloudsigmaErrorObject[] {
    return [{ error_type: this.type, error_message: this.message, error_point: this.point }];
  }
}

export const notExist = (what: string): CloudsigmaError =>
  new CloudsigmaError(404, "notexist", `${what} does not exist`);

export const invalidParam = (point: string, message: string): CloudsigmaError =>
  new CloudsigmaError(400, "validation", message, point);

/** CloudSigma answers every error with a JSON array of these objects. */
export const ErrorArraySchema = t.Array(
  t.Object({
    error_type: t.String({ description: "validation, notexist, backend, permission, …" }),
    error_message: t.String(),
    error_point: t.Union([t.String(), t.Null()], { description: "the field or parameter at fault, or null" }),
  }),
  { description: "CloudSigma error envelope: an array of error objects" },
);
