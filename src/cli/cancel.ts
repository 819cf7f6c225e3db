import type { JobView } from "../job-view.ts";
import { CLIENT_OPTIONS, clientFrom, jobPath, JSON_OPTION } from "./client.ts";
import { flag, HELP, parse, type Command } from "./command.ts";
import { EXIT } from "./exit-codes.ts";
import { outcome, print, printJson } from "./job-output.ts";
import { makeStyle } from "./style.ts";
import { waitForJob } from "./wait-for-job.ts";

const options = {
  wait: { type: "boolean", help: "wait until the job has stopped" },
  ...JSON_OPTION,
  ...CLIENT_OPTIONS,
  ...HELP,
} as const;

export const cancel: Command = {
  name: "cancel",
  summary: "Ask a job to stop (and its unfinished children).",
  args: "ID",
  complete: "job-id",
  options,
  details: [
    "A queued job is canceled at once; a running one goes to `cancelling` until its work stops,",
    "and may still succeed or fail if it finishes first. Cancelling a finished job changes nothing.",
    "Exits 0 once the request is taken; with --wait, 0 if the job ended canceled or succeeded, 1 if it failed.",
  ].join("\n"),
  async run(argv) {
    const p = parse(cancel, argv, { min: 1, max: 1 });
    const id = p.positionals[0]!;
    const client = clientFrom(p);
    let job = await client.post<JobView>(jobPath(id, "/cancel"));
    if (flag(p, "wait")) job = await waitForJob(client, id);
    if (flag(p, "json")) printJson(job);
    else print(flag(p, "wait") ? outcome(job, makeStyle()) : `${job.id} ${makeStyle().state(job.state)}`);
    return flag(p, "wait") && job.state === "failed" ? EXIT.JOB_FAILED : EXIT.OK;
  },
};
