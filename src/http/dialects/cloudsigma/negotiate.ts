import { CloudsigmaError } from "./errors.ts";

/**
 * CloudSigma serves JSON or XML; jobd serves JSON only. A client that explicitly asks for anything
 * else (`?format=xml`, an Accept header without a JSON match) gets 406 rather than a body it cannot read.
 */
export function requireJson(request: Request, params: URLSearchParams): void {
  const format = params.get("format");
  if (format !== null && format !== "json") {
    throw new CloudsigmaError(406, "validation", `The format '${format.slice(0, 40)}' is not served; use json.`, "format");
  }
  const accept = request.headers.get("accept");
  if (!accept) return;
  const types = accept.split(",").map((part) => (part.split(";")[0] ?? "").trim().toLowerCase());
  const ok = types.some((type) => type === "" || type === "*/*" || type === "application/*" || type.endsWith("json"));
  if (!ok) throw new CloudsigmaError(406, "validation", "Only application/json is served.", "Accept");
}
