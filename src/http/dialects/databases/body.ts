import { JobdError } from "../../../errors.ts";

export const MAX_BODY_CHARS = 1_048_576;

const bad = (message: string): JobdError => new JobdError("BAD_REQUEST", message);

/**
 * Parses a request body the way the CentriQS samples write it: JSON, but a comma before a closing
 * `}` or `]` is forgiven (the SetJobResponce sample has two). An empty body is `undefined`.
 */
export function parseLenientJson(text: string): unknown {
  if (text.length > MAX_BODY_CHARS) throw bad(`the body must be at most ${MAX_BODY_CHARS} characters`);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(withoutTrailingCommas(text));
  } catch {
    throw bad("the body is not valid JSON");
  }
}

/** Drops every comma that only whitespace separates from a closing bracket, outside strings. */
export function withoutTrailingCommas(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (inString) {
      out += c;
      if (c === "\\") out += text.charAt(++i);
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === ",") {
      let j = i + 1;
      while (j < text.length && /\s/.test(text.charAt(j))) j++;
      if (text.charAt(j) === "}" || text.charAt(j) === "]") continue;
    }
    out += c;
  }
  return out;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** StartJob: the job's data object. No body at all stands for `{}`. */
export function readStartBody(text: string): Record<string, unknown> {
  const value = parseLenientJson(text);
  if (value === undefined) return {};
  if (!isObject(value)) throw bad("the body must be a JSON object");
  return value;
}

/**
 * SetJobResponce: `{"ButtonIndex": n}` (the reference page) or `{"Response": {"ButtonIndex": n}}` (the
 * sample). Other members are ignored; giving the index both ways is ambiguous and refused.
 */
export function readButtonIndex(text: string): number {
  const value = parseLenientJson(text);
  if (!isObject(value)) throw bad('the body must be {"ButtonIndex": n} or {"Response": {"ButtonIndex": n}}');
  const top = value.ButtonIndex;
  const nested = isObject(value.Response) ? value.Response.ButtonIndex : undefined;
  if (top !== undefined && nested !== undefined) throw bad("give ButtonIndex once: at the top level or inside Response");
  const index = top ?? nested;
  if (index === undefined) throw bad('the body must be {"ButtonIndex": n} or {"Response": {"ButtonIndex": n}}');
  if (typeof index !== "number" || !Number.isInteger(index)) throw bad("ButtonIndex must be an integer");
  return index;
}
