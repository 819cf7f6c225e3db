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
  if (jsonQuality(accept) === 0) throw new CloudsigmaError(406, "validation", "Only application/json is served.", "Accept");
}

/**
 * The quality an Accept header gives JSON: that of its most specific range that JSON satisfies
 * (`application/json` or another `…json` type, then `application/*`, then the full wildcard), 0 when
 * none does. So `application/json;q=0` refuses JSON even beside a wildcard, as HTTP reads it.
 */
function jsonQuality(accept: string): number {
  let best = -1;
  let quality = 0;
  for (const entry of accept.split(",")) {
    const [range = "", ...parameters] = entry.split(";").map((part) => part.trim().toLowerCase());
    const specificity = range.endsWith("json") ? 2 : range === "application/*" ? 1 : range === "*/*" || range === "" ? 0 : -1;
    if (specificity <= best) continue;
    const q = parameters.find((p) => p.startsWith("q="));
    const value = q === undefined ? 1 : Number(q.slice(2));
    best = specificity;
    quality = Number.isFinite(value) ? value : 1;
  }
  return quality;
}
