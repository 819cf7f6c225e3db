import { JobdError } from "../../../errors.ts";

// The four text forms .NET's Guid.Parse reads: D (hyphens), N (32 hex), B ({D}) and P ((D)).
const HYPHENATED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX32 = /^[0-9a-f]{32}$/i;
const NAMESPACE = /^[A-Za-z0-9_.:\-]{1,100}$/;

/** A GUID in any of its usual text forms, as jobd stores ids: lowercase with hyphens. */
export function parseGuid(raw: string): string | undefined {
  let s = raw.trim();
  if ((s.startsWith("{") && s.endsWith("}")) || (s.startsWith("(") && s.endsWith(")"))) s = s.slice(1, -1);
  if (HYPHENATED.test(s)) return s.toLowerCase();
  if (HEX32.test(s)) {
    const h = s.toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  return undefined;
}

/** The job id from the route; anything that is not a GUID is a 400. */
export function mustJobId(raw: string): string {
  const id = parseGuid(raw);
  if (!id) throw new JobdError("BAD_REQUEST", "the job id must be a GUID");
  return id;
}

/**
 * The `dbid` from the route is the job namespace. CentriQS database ids are GUIDs (normalised, so every
 * spelling of one reaches the same jobs); a plain namespace name (`demo`) is accepted too, so this
 * dialect can watch jobs started elsewhere.
 */
export function mustNamespace(raw: string): string {
  const guid = parseGuid(raw);
  if (guid) return guid;
  if (NAMESPACE.test(raw)) return raw;
  throw new JobdError("BAD_REQUEST", "the database id must be a GUID or a name of letters, digits and _ . : -");
}
