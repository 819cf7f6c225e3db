import type { JobView } from "../job-view.ts";
import { CLIENT_OPTIONS, clientFrom, jobPath, JSON_OPTION, type Client } from "./client.ts";
import { flag, HELP, parse, type Command } from "./command.ts";
import { CliError, EXIT } from "./exit-codes.ts";
import { print, printJson } from "./job-output.ts";
import { makeStyle } from "./style.ts";

const options = { ...JSON_OPTION, ...CLIENT_OPTIONS, ...HELP } as const;

/**
 * Turns what a person typed into the API's 0-based button index: a number is the 1-based position
 * shown by `show` and `watch`; anything else is matched against the labels (case-insensitive).
 */
export async function resolveButton(client: Client, id: string, button: string): Promise<number> {
  if (/^\d+$/.test(button)) {
    const n = Number(button);
    if (n < 1) throw new CliError("BUTTON counts from 1, as `jobd show` numbers them", EXIT.USAGE);
    return n - 1;
  }
  const job = await client.get<JobView>(jobPath(id));
  if (!job.prompt) throw new CliError("the job is not asking anything", EXIT.USAGE);
  const wanted = button.trim().toLowerCase();
  const index = job.prompt.buttons.findIndex((b) => b.toLowerCase() === wanted);
  if (index < 0) throw noSuchButton(button, job.prompt.buttons);
  return index;
}

/** Counted from 1 and labelled, as `show` and `watch` print them (the API's message counts from 0). */
const noSuchButton = (typed: string, buttons: string[]): CliError =>
  new CliError(`no button ${JSON.stringify(typed)}; the buttons are ${buttons.map((b, i) => `${i + 1} ${JSON.stringify(b)}`).join(", ")}`, EXIT.USAGE);

export const answer: Command = {
  name: "answer",
  summary: "Answer the question a waiting job asks.",
  args: "ID BUTTON",
  complete: "job-id",
  options,
  details: [
    "BUTTON is the number `jobd show` and `jobd watch` print beside it (1 for the first button),",
    "or the button's label. Exits 2 when nothing is asked or there is no such button.",
  ].join("\n"),
  async run(argv) {
    const p = parse(answer, argv, { min: 2, max: 2 });
    const [id, button] = p.positionals as [string, string];
    const client = clientFrom(p);
    const index = await resolveButton(client, id, button);
    const job = await client.post<JobView>(jobPath(id, "/answer"), { button: index }).catch(async (error: unknown) => {
      if (!(error instanceof CliError) || error.apiCode !== "INVALID_BUTTON") throw error;
      const asked = await client.get<JobView>(jobPath(id));
      throw asked.prompt ? noSuchButton(button, asked.prompt.buttons) : error;
    });
    if (flag(p, "json")) printJson(job);
    else print(`${job.id} ${makeStyle().state(job.state)}`);
    return EXIT.OK;
  },
};
