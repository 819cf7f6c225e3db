/**
 * How deep a JSON value may nest, wherever jobd takes one from a client (a body, a job's input, a
 * worker's result). Deeper values are refused with a 400: XState copies a context recursively when
 * it persists a snapshot, and a value nested tens of thousands deep overflows the stack there (the
 * job could then never be read back), and Elysia's error message for a body that fails its schema
 * spends seconds printing one.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * Whether `value` has arrays or objects nested more than `max` deep. It stops at `max` levels, so it
 * recurses at most that deep whatever the value, and it allocates nothing (it runs on every create).
 */
export function nestsDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== "object") return false;
  if (max === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestsDeeperThan(value[i], max - 1)) return true;
    return false;
  }
  for (const key in value) if (nestsDeeperThan((value as Record<string, unknown>)[key], max - 1)) return true;
  return false;
}
