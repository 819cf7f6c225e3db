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
 * A value of the snapshot's own that looks like a marker (an object whose one key is a marker's key,
 * say in a job's result) is stored wrapped, and unwrapped as it was: no data is ever taken for a marker.
 *
 * Snapshots stored before (schema 4 and older) hold no markers and restore as they are.
 */

/** The key of a marker; its value is the path in the input (`[]` for the input itself). */
export const INPUT_MARK = "jobd$$input";
/** The key that wraps a value which would otherwise read as a marker. */
export const LITERAL_MARK = "jobd$$literal";

type Json = unknown;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** Whether an object's keys are exactly one marker key. */
const looksLikeMarker = (keys: string[]): boolean => keys.length === 1 && (keys[0] === INPUT_MARK || keys[0] === LITERAL_MARK);

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
    const keys = Object.keys(value);
    if (looksLikeMarker(keys)) return { [LITERAL_MARK]: value };
    let copy: Record<string, unknown> | undefined;
    for (const key of keys) {
      const item = value[key];
      const next = visit(item);
      if (next !== item) (copy ??= { ...value })[key] = next;
    }
    return copy ?? value;
  };
  return visit(persisted);
}

const isPath = (path: unknown): path is string[] => Array.isArray(path) && path.every((p) => typeof p === "string");

/** Puts the input back where a parsed snapshot has markers; `parsed` is changed in place and returned. */
export function withInput(parsed: Json, input: unknown): Json {
  const resolve = (path: string[]): unknown => path.reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), input);
  const visit = (value: Json): Json => {
    if (!isObject(value)) return value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = visit(value[i]);
      return value;
    }
    const keys = Object.keys(value);
    if (looksLikeMarker(keys)) {
      if (keys[0] === LITERAL_MARK) return value[LITERAL_MARK];
      if (isPath(value[INPUT_MARK])) return resolve(value[INPUT_MARK]);
    }
    for (const key of keys) value[key] = visit(value[key]);
    return value;
  };
  return visit(parsed);
}
