import type { JobView } from "../job-view.ts";
import { CLIENT_OPTIONS, clientFrom, jobPath, JSON_OPTION } from "./client.ts";
import { flag, HELP, parse, type Command } from "./command.ts";
import { EXIT } from "./exit-codes.ts";
import { print, printJson } from "./job-output.ts";
import { age, bar, makeStyle, timestamp, type Style } from "./style.ts";

const options = { ...JSON_OPTION, ...CLIENT_OPTIONS, ...HELP } as const;

/** Buttons as the CLI numbers them: 1-based, the default marked. */
export function buttonList(prompt: NonNullable<JobView["prompt"]>, style: Style): string {
  return prompt.buttons
    .map((b, i) => `${style.bold(`[${i + 1}]`)} ${b}${prompt.defaultButton === i ? style.dim(" (default)") : ""}`)
    .join("  ");
}

export function describeJob(job: JobView, children: JobView[], style: Style): string {
  const now = Date.now();
  const when = (ms: number | null) => (ms === null ? style.dim("-") : `${timestamp(ms)} ${style.dim(`(${age(ms, now)})`)}`);
  const json = (value: unknown) => JSON.stringify(value, null, 2).replace(/\n/g, "\n  ");
  const lines: [string, string][] = [
    ["id", job.id],
    ["seq", String(job.seq)],
    ["type", job.type],
    ["description", job.description || style.dim("-")],
    ["namespace", job.namespace],
    ["owner", job.owner ?? style.dim("-")],
    ["state", `${style.state(job.state)}${job.stateValue !== job.state ? style.dim(` (${job.stateValue})`) : ""}${job.cancelRequested && job.state !== "canceled" ? style.yellow(" cancel requested") : ""}`],
    ["progress", `${bar(job.progress.percent, 20, style, job.state)} ${job.progress.message}`],
    ["attempts", `${job.attempts} of ${job.maxAttempts}`],
    ["parent", job.parentId ?? style.dim("-")],
    ["created", when(job.createdAt)],
    ["started", when(job.startedAt)],
    ["finished", when(job.finishedAt)],
  ];
  if (job.runAt > job.createdAt) lines.push(["run at", when(job.runAt)]);
  if (job.resources.length > 0) lines.push(["resources", job.resources.join(", ")]);
  if (job.lease) lines.push(["lease", `${job.lease.worker} until ${timestamp(job.lease.expiresAt)}`]);
  if (job.answers.length > 0) lines.push(["answers", job.answers.map((a) => a + 1).join(", ")]);
  const out = lines.map(([k, v]) => `${style.dim(`${k}:`.padEnd(13))}${v}`);
  if (job.prompt) {
    out.push("", `${style.magenta("?")} ${style.bold(job.prompt.message)}`, `  ${buttonList(job.prompt, style)}`);
    if (job.prompt.deadline) out.push(style.dim(`  answer by ${timestamp(job.prompt.deadline)}`));
    out.push(style.dim(`  answer with: jobd answer ${job.id} N`));
  }
  if (job.input !== null && job.input !== undefined) out.push("", style.dim("input:"), `  ${json(job.input)}`);
  if (job.result !== null && job.result !== undefined) out.push("", style.dim("result:"), `  ${json(job.result)}`);
  if (job.error) out.push("", style.dim("error:"), `  ${style.red(`${job.error.code}: ${job.error.message}`)}`);
  if (children.length > 0) {
    out.push("", style.dim(`children (${children.length}):`));
    for (const c of children) {
      out.push(`  ${c.id}  ${style.state(c.state.padEnd(10))} ${`${Math.round(c.progress.percent)}%`.padStart(4)}  ${c.description || c.type}`);
    }
  }
  return out.join("\n");
}

export const show: Command = {
  name: "show",
  summary: "Show one job: state, progress, prompt, input, result, children.",
  args: "ID",
  complete: "job-id",
  options,
  details: "--json prints the job as the native API returns it.",
  async run(argv) {
    const p = parse(show, argv, { min: 1, max: 1 });
    const id = p.positionals[0]!;
    const client = clientFrom(p);
    const job = await client.get<JobView>(jobPath(id));
    if (flag(p, "json")) {
      printJson(job);
      return EXIT.OK;
    }
    const { jobs: children } = job.children.length > 0 ? await client.get<{ jobs: JobView[] }>(jobPath(id, "/children")) : { jobs: [] };
    print(describeJob(job, children, makeStyle()));
    return EXIT.OK;
  },
};
