import { CloudsigmaError } from "./errors.ts";

/** The formats tastypie knows besides JSON. CloudSigma serves XML; jobd serves none of them. */
const UNSERVED_FORMATS = new Set(["xml", "yaml", "plist", "jsonp"]);

/**
 * CloudSigma serves JSON or XML; jobd serves JSON only. A client that explicitly asks for anything
 * else gets 406 rather than a body it cannot read: `?format=` naming a format tastypie knows
 * (`xml`, …), or an Accept header with no acceptable JSON match. As in tastypie, a `format` value it
 * does not know is not a choice at all: the Accept header decides.
 */
export function requireJson(request: Request, params: URLSearchParams): void {
  const format = params.get("format");
  if (format !== null && UNSERVED_FORMATS.has(format)) {
    throw new CloudsigmaError(406, "validation", `The format '${format}' is not served; use json.`, "format");
  }
  if (format === "json") return;
  const accept = request.headers.get("accept");
  if (!accept) return;
  if (!accept.split(",").some(acceptsJson)) throw new CloudsigmaError(406, "validation", "Only application/json is served.", "Accept");
}

/** One Accept entry that JSON satisfies, unless its quality is 0 ("not acceptable"). */
function acceptsJson(entry: string): boolean {
  const [range = "", ...parameters] = entry.split(";").map((part) => part.trim().toLowerCase());
  const q = parameters.find((p) => p.startsWith("q="));
  if (q !== undefined && Number(q.slice(2)) === 0) return false;
  return range === "" || range === "*/*" || range === "application/*" || range.endsWith("json");
}
