import { JOB_STATES, type JobView } from "../job-view.ts";
import { CLIENT_OPTIONS, clientFrom, JSON_OPTION } from "./client.ts";
import { flag, HELP, oneOf, parse, positiveInt, str, type Command } from "./command.ts";
import { EXIT } from "./exit-codes.ts";
import { print, printJson } from "./job-output.ts";
import { age, makeStyle, table } from "./style.ts";

const PAGE = 1000;

const options = {
  state: { type: "string", value: "STATE[,STATE]", help: "only jobs in these states", choices: JOB_STATES },
  type: { type: "string", value: "TYPE", help: "only jobs of this type" },
  namespace: { type: "string", value: "NAME", help: "only jobs in this namespace" },
  parent: { type: "string", value: "ID|none", help: "only children of this job, or `none` for top-level jobs" },
  text: { type: "string", value: "TEXT", help: "only jobs whose description contains TEXT" },
  limit: { type: "string", value: "N", help: "at most N jobs, newest first (default 50)" },
  quiet: { type: "boolean", short: "q", help: "print only the ids, one a line" },
  ...JSON_OPTION,
  ...CLIENT_OPTIONS,
  ...HELP,
} as const;

export const ls: Command = {
  name: "ls",
  summary: "List jobs, newest first.",
  args: "",
  options,
  details: "--json prints a JSON array of jobs. Example: jobd ls --state failed -q | xargs -n1 jobd logs",
  async run(argv) {
    const p = parse(ls, argv, { min: 0, max: 0 });
    const limit = str(p, "limit") === undefined ? 50 : positiveInt(str(p, "limit")!, "--limit", 100_000);
    const states = str(p, "state")?.split(",").map((s) => oneOf(s.trim(), JOB_STATES, "--state"));
    const client = clientFrom(p);
    const query = new URLSearchParams();
    if (states) query.set("state", states.join(","));
    for (const name of ["type", "namespace", "parent", "text"] as const) {
      const value = str(p, name);
      if (value !== undefined) query.set(name, value);
    }
    const jobs: JobView[] = [];
    let cursor: string | null = null;
    do {
      query.set("limit", String(Math.min(PAGE, limit - jobs.length)));
      if (cursor) query.set("cursor", cursor);
      const page: { jobs: JobView[]; nextCursor: string | null } = await client.get(`/api/v1/jobs?${query}`);
      jobs.push(...page.jobs);
      cursor = page.nextCursor;
    } while (cursor && jobs.length < limit);

    if (flag(p, "json")) printJson(jobs);
    else if (flag(p, "quiet")) {
      if (jobs.length > 0) print(jobs.map((j) => j.id).join("\n"));
    } else if (jobs.length === 0) process.stderr.write("no jobs\n");
    else {
      const style = makeStyle();
      const now = Date.now();
      const rows = jobs.map((j) => [
        j.id,
        j.type,
        style.state(j.state),
        `${Math.round(j.progress.percent)}%`,
        j.namespace,
        age(j.createdAt, now),
        j.description || style.dim(j.progress.message),
      ]);
      const width = process.stdout.isTTY ? process.stdout.columns : undefined;
      print(table(["ID", "TYPE", "STATE", "PROGRESS", "NAMESPACE", "CREATED", "DESCRIPTION"], rows, style, width));
    }
    return EXIT.OK;
  },
};
