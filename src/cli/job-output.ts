import { isFinished, type JobState, type JobView } from "../job-view.ts";
import { EXIT } from "./exit-codes.ts";
import type { Style } from "./style.ts";

export const print = (text: string): void => {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
};

export const printJson = (value: unknown): void => print(JSON.stringify(value, null, 2));

/** The exit code for a job that has finished: 0 when it succeeded, 1 when it failed or was canceled. */
export const exitFor = (job: Pick<JobView, "state">): number =>
  !isFinished(job.state) || job.state === "succeeded" ? EXIT.OK : EXIT.JOB_FAILED;

/** One line that says how a job ended, with its result or error. */
export function outcome(job: JobView, style: Style): string {
  const head = `${job.id} ${style.state(job.state)}`;
  if (job.state === "failed" && job.error) return `${head}: ${style.red(`${job.error.code}: ${job.error.message}`)}`;
  if (job.state === "succeeded" && job.result !== null && job.result !== undefined) return `${head}: ${JSON.stringify(job.result)}`;
  return head;
}

export const unfinished = (state: JobState): boolean => !isFinished(state);
