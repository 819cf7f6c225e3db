/**
 * A stored snapshot does not repeat the job's input. The input is in the row already, but XState's
 * snapshot holds it again: in the lifecycle's context, and often in the work actor's (a `script`'s
 * steps, an `http` job's request, the promise it invoked). Each transition of a job with a large input
 * used to serialize and write it once more per copy.
 *
 * Before a snapshot is stored, every place that holds the job's input object itself, or one of that
 * object's own object-valued properties (`input.steps`), is replaced by a marker naming its path in the
 * input. A restored snapshot gets the row's input back in those places, so the actor sees the same
 * values as before, shared the way they were shared. The match is by identity: the engine gives the
 * machine the record's own input object, and XState never copies it.
 *
 * Snapshots stored before (schema 4 and older) hold no markers and restore as they are.
 */

/** The key of a marker; its value is the path in the input (`[]` for the input itself). */
export const INPUT_MARK = "jobd$$input";

type Json = unknown;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** The objects to replace: the input and its own object-valued properties, each with its path. */
function parts(input: unknown): Map<object, string[]> {
  const found = new Map<object, string[]>();
  if (!isObject(input)) return found;
  found.set(input, []);
  if (Array.isArray(input)) return found;
  for (const [key, value] of Object.entries(input)) if (isObject(value) && !found.has(value)) found.set(value, [key]);
  return found;
}

/**
 * A copy of `persisted` (XState's persisted snapshot) with markers where the input was. Objects on the
 * way to a marker are copied; everything else is shared with `persisted`, which is not changed.
 */
export function withoutInput(persisted: Json, input: unknown): Json {
  const targets = parts(input);
  if (targets.size === 0) return persisted;
  const visit = (value: Json): Json => {
    if (!isObject(value)) return value;
    const path = targets.get(value);
    if (path) return { [INPUT_MARK]: path };
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item, i) => {
        const next = visit(item);
        if (next !== item) (copy ??= value.slice())[i] = next;
      });
      return copy ?? value;
    }
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const item = value[key];
      const next = visit(item);
      if (next !== item) (copy ??= { ...value })[key] = next;
    }
    return copy ?? value;
  };
  return visit(persisted);
}

const markerPath = (value: Record<string, unknown>): string[] | undefined => {
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== INPUT_MARK) return undefined;
  const path = value[INPUT_MARK];
  return Array.isArray(path) && path.every((p) => typeof p === "string") ? path : undefined;
};

/** Puts the input back where a parsed snapshot has markers; `parsed` is changed in place and returned. */
export function withInput(parsed: Json, input: unknown): Json {
  const resolve = (path: string[]): unknown => path.reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), input);
  const visit = (value: Json): Json => {
    if (!isObject(value)) return value;
    const path = markerPath(value);
    if (path) return resolve(path);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = visit(value[i]);
    } else {
      for (const key of Object.keys(value)) value[key] = visit(value[key]);
    }
    return value;
  };
  return visit(parsed);
}
