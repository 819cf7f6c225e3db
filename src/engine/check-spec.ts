import { JobdError } from "../errors.ts";
import type { Backoff, JobSpec } from "../job-view.ts";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../json-depth.ts";
import type { KindRegistry } from "./kinds.ts";

export const DEFAULT_BACKOFF: Backoff = { type: "exponential", delayMs: 1000, maxDelayMs: 300_000 };
export const MAX_TREE_SIZE = 1000;
export const MAX_DEPTH = 8;

const bad = (message: string): JobdError => new JobdError("BAD_REQUEST", message);

/** Checks what schemas cannot: the kind's own input rules, and the size and depth of a job tree. */
export function checkSpec(spec: JobSpec, kinds: KindRegistry): void {
  let count = 0;
  const visit = (s: JobSpec, depth: number, path: string): void => {
    count++;
    if (count > MAX_TREE_SIZE) throw bad(`a job tree holds at most ${MAX_TREE_SIZE} jobs`);
    if (depth > MAX_DEPTH) throw bad(`sub-jobs nest at most ${MAX_DEPTH} deep`);
    if (typeof s.type !== "string" || !/^[A-Za-z0-9_.:\-]{1,100}$/.test(s.type)) {
      throw bad(`${path}type must be 1-100 letters, digits or _ . : -`);
    }
    if (s.kind !== undefined && !kinds.isBuiltIn(s.kind)) throw bad(`${path}kind ${JSON.stringify(s.kind)} is not a built-in kind`);
    if (nestsDeeperThan(s.input)) throw bad(`${path}input nests deeper than ${MAX_JSON_DEPTH} levels`);
    const reason = kinds.get(s.kind ?? s.type).checkInput(s.input);
    if (reason) throw bad(`${path}input: ${reason}`);
    if (s.runAt !== undefined && !Number.isFinite(s.runAt)) throw bad(`${path}runAt must be a time in ms`);
    (s.children ?? []).forEach((child, i) => visit(child, depth + 1, `${path}children[${i}].`));
  };
  visit(spec, 0, "");
}
