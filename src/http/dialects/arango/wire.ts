/**
 * Requests and responses as stored data: the queued request is the job's input, the answer it got is
 * the job's result. Bodies are text when they are valid UTF-8, base64 otherwise.
 */
import type { ArangoRequestInput, ArangoResponseValue } from "../../../../machines/index.ts";
import { ArangoError, ERRNO } from "./errors.ts";

/** Largest body stored with a job, either way (request or response). */
export const MAX_STORED_BODY = 8 * 1024 * 1024;

export const ASYNC_HEADER = "x-arango-async";
export const ASYNC_ID_HEADER = "x-arango-async-id";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** End-to-end headers only: hop-by-hop ones, those the Connection header names, and `drop`. */
export function endToEndHeaders(headers: Headers, drop: readonly string[]): [string, string][] {
  const named = (headers.get("connection") ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const out: [string, string][] = [];
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    if (HOP_BY_HOP.has(key) || named.includes(key) || drop.includes(key)) continue;
    out.push([key, value]);
  }
  return out;
}

/** Headers a request keeps when it is stored or forwarded; fetch sets host and length itself. */
export const requestHeaders = (headers: Headers): [string, string][] =>
  endToEndHeaders(headers, ["host", "content-length", ASYNC_HEADER]);

/** Headers a response keeps: fetch has already decoded the body, so its length and encoding go. */
export const responseHeaders = (headers: Headers): [string, string][] =>
  endToEndHeaders(headers, ["content-length", "content-encoding"]);

export class BodyTooLarge extends Error {
  readonly code = "RESPONSE_TOO_LARGE";
  constructor() {
    super(`the body is larger than ${MAX_STORED_BODY} bytes`);
  }
}

/** Reads a body up to `max` bytes; past it, stops reading and throws BodyTooLarge. */
export async function readBounded(body: ReadableStream<Uint8Array> | null, max = MAX_STORED_BODY): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function encodeBody(bytes: Uint8Array): Pick<ArangoRequestInput, "body" | "bodyEncoding"> {
  if (bytes.byteLength === 0) return { body: null, bodyEncoding: "text" };
  try {
    return { body: utf8.decode(bytes), bodyEncoding: "text" };
  } catch {
    return { body: Buffer.from(bytes).toString("base64"), bodyEncoding: "base64" };
  }
}

export function decodeBody(value: Pick<ArangoRequestInput, "body" | "bodyEncoding">): string | Uint8Array<ArrayBuffer> | null {
  if (value.body === null) return null;
  return value.bodyEncoding === "base64" ? new Uint8Array(Buffer.from(value.body, "base64")) : value.body;
}

/** `/path?query` of a request, as the client sent it. */
export function pathOf(request: Request): string {
  const url = new URL(request.url);
  return url.pathname + url.search;
}

/**
 * Bun's error when a body sent without a length (chunked) passes the server's `maxRequestBodySize`
 * (`--max-body`) while it is read. Bun has already answered 413 itself; the error has no code.
 */
export const isServerBodyLimit = (error: unknown): boolean =>
  error instanceof Error && error.message.includes("maxRequestBodySize");

/** The server's body limit, as the dialect's own 413 (a declared length past it never gets this far). */
export const serverBodyLimit = () => new ArangoError(413, ERRNO.REQUEST_TOO_LARGE, "the request body is larger than the server accepts");

/** The request as a job input. A body past MAX_STORED_BODY, or the server's limit, is a 413 in the dialect's envelope. */
export async function captureRequest(request: Request): Promise<ArangoRequestInput> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLarge = () =>
    new ArangoError(413, ERRNO.REQUEST_TOO_LARGE, `an async request body may hold at most ${MAX_STORED_BODY} bytes`);
  if (declared > MAX_STORED_BODY) throw tooLarge();
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(request.body);
  } catch (error) {
    if (error instanceof BodyTooLarge) throw tooLarge();
    if (isServerBodyLimit(error)) throw serverBodyLimit();
    throw error;
  }
  return { method: request.method.toUpperCase(), path: pathOf(request), headers: requestHeaders(request.headers), ...encodeBody(bytes) };
}

const BODYLESS = new Set(["GET", "HEAD"]);

/**
 * Rebuilds the stored request for a replay through the app; it never carries `x-arango-async`.
 * `replace` sets headers in place of the stored ones of the same names (the sender's credentials).
 */
export function toRequest(input: ArangoRequestInput, signal: AbortSignal, replace: Record<string, string> = {}): Request {
  const headers = new Headers();
  for (const [name, value] of input.headers) {
    const key = name.toLowerCase();
    if (key !== ASYNC_HEADER && !Object.hasOwn(replace, key)) headers.append(name, value);
  }
  for (const [name, value] of Object.entries(replace)) headers.set(name, value);
  const body = BODYLESS.has(input.method.toUpperCase()) ? null : decodeBody(input);
  return new Request(`http://localhost${input.path}`, { method: input.method, headers, body, signal });
}

/** The whole answer as a job result; gives up on a body past MAX_STORED_BODY. */
export async function captureResponse(response: Response): Promise<ArangoResponseValue> {
  const bytes = await readBounded(response.body);
  return { status: response.status, headers: responseHeaders(response.headers), ...encodeBody(bytes) };
}

/** A stored answer back on the wire, with extra headers (the async id). */
export function toResponse(value: ArangoResponseValue, extra: Record<string, string> = {}): Response {
  const headers = new Headers();
  for (const [name, v] of value.headers) headers.append(name, v);
  for (const [name, v] of Object.entries(extra)) headers.set(name, v);
  const body = value.status === 204 || value.status === 304 ? null : decodeBody(value);
  return new Response(body, { status: value.status, headers });
}
