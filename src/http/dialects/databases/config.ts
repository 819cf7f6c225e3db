import type { JobSpec } from "../../../job-view.ts";
import { DEMO_DATABASES_JOBS } from "./demo-jobs.ts";

/** What a posted body turns into. */
export type DatabasesJobParts = Pick<JobSpec, "input" | "children" | "failurePolicy" | "description">;

/** One named CentriQS job: which jobd kind runs it and how its data object becomes a job. */
export interface DatabasesJob {
  /** A built-in kind (`script`, `http`) or the queue name of external workers. */
  kind: string;
  /** Checks the posted data object before anything is created; a reason makes the start a 400. */
  check?: (body: Record<string, unknown>) => string | null;
  /** Builds the job from the data object; without it the object is the job's input as posted. */
  build?: (body: Record<string, unknown>) => DatabasesJobParts;
}

/** Job names (matched case-insensitively) → jobs. Replace it through HttpOptions.databasesJobs. */
export type DatabasesJobTable = Record<string, DatabasesJob>;

/** Out of the box every name the CentriQS docs list runs a `script` demo (see demo-jobs.ts). */
export const DEFAULT_DATABASES_JOBS: DatabasesJobTable = DEMO_DATABASES_JOBS;

export interface NamedJob {
  /** The name as the table spells it. */
  name: string;
  job: DatabasesJob;
}

export function findNamedJob(table: DatabasesJobTable, name: string): NamedJob | undefined {
  const wanted = name.toLowerCase();
  for (const [key, job] of Object.entries(table)) if (key.toLowerCase() === wanted) return { name: key, job };
  return undefined;
}

/**
 * The jobd spec for a start. A built-in kind keeps the CentriQS name as the job's type (`kind` does the
 * work); an external kind is a worker queue, so the queue name is the type workers lease by.
 */
export function specFor(named: NamedJob, body: Record<string, unknown>, namespace: string, isBuiltIn: (kind: string) => boolean): JobSpec {
  const parts = named.job.build ? named.job.build(body) : { input: body };
  const identity = isBuiltIn(named.job.kind) ? { type: named.name, kind: named.job.kind } : { type: named.job.kind };
  return { description: named.name, ...parts, ...identity, namespace };
}
