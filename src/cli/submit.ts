import type { JobSpec, JobView } from "../job-view.ts";
import { CLIENT_OPTIONS, clientFrom, JSON_OPTION } from "./client.ts";
import { flag, HELP, parse, str, type Command } from "./command.ts";
import { EXIT, usageError } from "./exit-codes.ts";
import { exitFor, outcome, print, printJson } from "./job-output.ts";
import { readJsonArg } from "./read-json-arg.ts";
import { makeStyle } from "./style.ts";
import { waitForJob } from "./wait-for-job.ts";
import { watchJob } from "./watch.ts";

const options = {
  input: { type: "string", value: "JSON|@file", help: "the job's input: JSON, @file, or @- for stdin" },
  description: { type: "string", value: "TEXT", help: "human-readable description" },
  namespace: { type: "string", value: "NAME", help: "namespace (default: default)" },
  kind: { type: "string", value: "KIND", help: "built-in kind doing the work when it differs from TYPE" },
  spec: { type: "string", value: "JSON|@file", help: "a whole job spec (children, retries…); flags override it" },
  priority: { type: "string", value: "N", help: "priority, -1000..1000 (higher runs first)" },
  "idempotency-key": { type: "string", value: "KEY", help: "same key, same job (per namespace)" },
  wait: { type: "boolean", help: "wait until the job finishes; exit 1 if it failed or was canceled" },
  watch: { type: "boolean", help: "follow the job live, as `jobd watch` does" },
  ...JSON_OPTION,
  ...CLIENT_OPTIONS,
  ...HELP,
} as const;

export const submit: Command = {
  name: "submit",
  summary: "Create a job and print its id.",
  args: "TYPE",
  options,
  details: [
    "Prints the new job's id (with --json, the whole job). With --wait, prints how it ended.",
    "",
    "Examples:",
    `  jobd submit script --input '{"steps":[{"progress":50},{"sleep":1000}]}' --wait`,
    "  jobd submit http --input @request.json --namespace ops",
    "  jobd submit --spec @tree.json --watch",
  ].join("\n"),
  async run(argv) {
    const p = parse(submit, argv, { min: 0, max: 1 });
    const base = str(p, "spec") === undefined ? {} : readJsonArg(str(p, "spec")!, "--spec");
    if (typeof base !== "object" || base === null || Array.isArray(base)) throw usageError("--spec must be a JSON object");
    const spec: Record<string, unknown> = { ...base };
    const type = p.positionals[0] ?? (typeof spec.type === "string" ? spec.type : undefined);
    if (!type) throw usageError("missing TYPE (or a --spec with a type)");
    spec.type = type;
    if (str(p, "input") !== undefined) spec.input = readJsonArg(str(p, "input")!, "--input");
    for (const name of ["description", "namespace", "kind"] as const) {
      const value = str(p, name);
      if (value !== undefined) spec[name] = value;
    }
    const priority = str(p, "priority");
    if (priority !== undefined) {
      const n = Number(priority);
      if (!/^-?\d+$/.test(priority) || Math.abs(n) > 1000) throw usageError(`--priority must be a whole number from -1000 to 1000`);
      spec.priority = n;
    }
    if (flag(p, "wait") && flag(p, "watch")) throw usageError("use --wait or --watch, not both");
    const client = clientFrom(p);
    const key = str(p, "idempotency-key");
    const res = await client.send("POST", "/api/v1/jobs", { body: spec as unknown as JobSpec, headers: key ? { "idempotency-key": key } : {} });
    const job = (await res.json()) as JobView;
    if (flag(p, "watch")) return watchJob(client, job.id, { json: flag(p, "json") });
    if (!flag(p, "wait")) {
      if (flag(p, "json")) printJson(job);
      else print(job.id);
      return EXIT.OK;
    }
    const done = await waitForJob(client, job.id);
    if (flag(p, "json")) printJson(done);
    else print(outcome(done, makeStyle()));
    return exitFor(done);
  },
};
