/**
 * IMS shows a job id as 32 lowercase hex digits: jobd's UUID without its dashes. Both that form and
 * the dashed UUID are read back, in any case. Returns jobd's id (dashed, lowercase) or null.
 */
const COMPACT = /^[0-9a-f]{32}$/i;
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseImsJobId(raw: string): string | null {
  if (DASHED.test(raw)) return raw.toLowerCase();
  if (!COMPACT.test(raw)) return null;
  const h = raw.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const toImsJobId = (id: string): string => id.replaceAll("-", "").toLowerCase();

/** A project id jobd can hold as a namespace. */
export const PROJECT_ID = /^[A-Za-z0-9_.:-]{1,100}$/;
