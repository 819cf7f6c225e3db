import type { JobState } from "../../../job-view.ts";
import { invalidParam } from "./errors.ts";
import { CLOUDSIGMA_STATES, isCloudsigmaState } from "./job-object.ts";

export const DEFAULT_LIMIT = 20;
/** `limit=0` ("everything") and any larger limit are served as pages of this many (tastypie's max_limit). */
export const MAX_LIMIT = 1000;

/** Fields of the job resource; filtering on any but `state` is refused the way tastypie refuses it. */
const FIELDS = new Set(["children", "created", "data", "last_modified", "operation", "resource_uri", "resources", "state", "uuid"]);
const STATE_LOOKUPS = new Set(["state", "state__exact", "state__in"]);
const ORDERINGS = { last_modified: "updated", "-last_modified": "-updated" } as const;

export interface ListQuery {
  limit: number;
  offset: number;
  /** undefined: no state filter; empty: the filter matches nothing. */
  states: JobState[] | undefined;
  order: "newest" | "updated" | "-updated";
}

/**
 * Reads the tastypie list parameters from the raw query string (repeated parameters are ANDed, so
 * they must be seen one by one). Unknown parameters are ignored, as tastypie ignores them.
 */
export function parseListQuery(params: URLSearchParams): ListQuery {
  for (const key of new Set(params.keys())) {
    const field = key.split("__")[0] ?? key;
    if (!FIELDS.has(field) || STATE_LOOKUPS.has(key)) continue;
    if (field === "state") throw invalidParam(key, `The lookup '${key.slice(field.length + 2)}' is not allowed for 'state'; use state or state__in.`);
    throw invalidParam(key, `The '${field}' field does not allow filtering.`);
  }
  return {
    limit: Math.min(readCount(params, "limit", DEFAULT_LIMIT) || MAX_LIMIT, MAX_LIMIT),
    offset: readCount(params, "offset", 0),
    states: readStates(params),
    order: readOrder(params),
  };
}

/** Only an absent parameter takes the default: tastypie refuses an empty `limit=` or `offset=` as it refuses `abc`. */
function readCount(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,15}$/.test(raw.trim())) {
    throw invalidParam(name, `Invalid ${name} '${raw.slice(0, 40)}' provided. Please provide a positive integer >= 0.`);
  }
  return Number(raw.trim());
}

/** Comma-separated values are ORed; repeated parameters are ANDed. Unknown values match nothing. */
function readStates(params: URLSearchParams): JobState[] | undefined {
  const groups = [...STATE_LOOKUPS].flatMap((key) => params.getAll(key));
  if (groups.length === 0) return undefined;
  let allowed: Set<JobState> | undefined;
  for (const group of groups) {
    const states = new Set<JobState>();
    for (const value of group.split(",").map((v) => v.trim())) {
      if (isCloudsigmaState(value)) for (const s of CLOUDSIGMA_STATES[value]) states.add(s);
    }
    allowed = allowed ? new Set([...allowed].filter((s) => states.has(s))) : states;
  }
  return [...(allowed ?? [])];
}

function readOrder(params: URLSearchParams): ListQuery["order"] {
  const raw = params.get("order_by");
  if (raw === null) return "newest";
  if (Object.hasOwn(ORDERINGS, raw)) return ORDERINGS[raw as keyof typeof ORDERINGS];
  throw invalidParam("order_by", `No matching '${raw.slice(0, 40)}' field for ordering on; use last_modified or -last_modified.`);
}
