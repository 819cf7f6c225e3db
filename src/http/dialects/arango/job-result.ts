/**
 * What `PUT /_api/job/{id}` answers for a done job: the original response, as it was received, plus
 * `x-arango-async-id`. A request that never got an answer is rendered as the error ArangoDB would
 * have stored for it; the id header still marks it as a job result.
 */
import type { ArangoResponseValue } from "../../../../machines/index.ts";
import type { JobError } from "../../../job-view.ts";
import type { JobRecord } from "../../../store/index.ts";
import { ArangoError, ERRNO } from "./errors.ts";
import { ASYNC_ID_HEADER, toResponse } from "./wire.ts";

const isStoredResponse = (value: unknown): value is ArangoResponseValue => {
  const v = value as Partial<ArangoResponseValue> | null;
  return (
    !!v &&
    typeof v.status === "number" &&
    Array.isArray(v.headers) &&
    (v.body === null || typeof v.body === "string") &&
    (v.bodyEncoding === "text" || v.bodyEncoding === "base64")
  );
};

const FAILURES: Record<string, string> = {
  INTERRUPTED: "jobd stopped while the request was running",
  RESPONSE_TOO_LARGE: "the response was too large to store",
  TIMEOUT: "the request ran past its timeout",
};

function failureOf(error: JobError | null): ArangoError {
  const message = (error && FAILURES[error.code]) ?? "internal error";
  return new ArangoError(500, ERRNO.INTERNAL, message);
}

export function jobResult(record: JobRecord): Response {
  const extra = { [ASYNC_ID_HEADER]: String(record.seq) };
  if (record.state === "succeeded" && isStoredResponse(record.result)) return toResponse(record.result, extra);
  if (record.state === "canceled") return new ArangoError(410, ERRNO.REQUEST_CANCELED, "canceled request").toResponse(extra);
  return failureOf(record.error).toResponse(extra);
}
