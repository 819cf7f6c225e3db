import type { Target } from "./target.ts";

export interface Answer {
  status: number;
  type: string;
  headers: Headers;
  /** Parsed JSON, or the text when the body is not JSON (kept for the assertion to show). */
  body: unknown;
}

/** One request through a target, with its body read once and parsed when it is JSON. */
export async function call(t: Target, path: string, init: RequestInit = {}): Promise<Answer> {
  const res = await t.fetch(path, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON.
  }
  return { status: res.status, type: res.headers.get("content-type") ?? "", headers: res.headers, body };
}
