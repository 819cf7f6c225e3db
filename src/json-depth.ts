/**
 * How deep a JSON value may nest, wherever jobd takes one from a client (a body, a job's input, a
 * worker's result). Deeper values are refused with a 400: XState copies a context recursively when
 * it persists a snapshot, and a value nested tens of thousands deep overflows the stack there (the
 * job could then never be read back), and Elysia's error message for a body that fails its schema
 * spends seconds printing one.
 */
export const MAX_JSON_DEPTH = 100;

/** Whether `value` has arrays or objects nested more than `max` deep. Iterative: any depth is safe to ask about. */
export function nestsDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== "object") return false;
  const stack: [object, number][] = [[value, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [item, depth] = next;
    if (depth > max) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return false;
}
