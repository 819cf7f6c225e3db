import type { Transition } from "../job-view.ts";
import { CLIENT_OPTIONS, clientFrom, jobPath, JSON_OPTION } from "./client.ts";
import { flag, HELP, parse, type Command } from "./command.ts";
import { EXIT } from "./exit-codes.ts";
import { print, printJson } from "./job-output.ts";
import { compact, makeStyle, table, timestamp } from "./style.ts";

const options = { ...JSON_OPTION, ...CLIENT_OPTIONS, ...HELP } as const;

export const logs: Command = {
  name: "logs",
  summary: "Print a job's transition log, oldest first.",
  args: "ID",
  complete: "job-id",
  options,
  details: "Each line is one committed transition: when, the event, the state before and after, and its payload.",
  async run(argv) {
    const p = parse(logs, argv, { min: 1, max: 1 });
    const client = clientFrom(p);
    const { transitions } = await client.get<{ transitions: Transition[] }>(jobPath(p.positionals[0]!, "/log"));
    if (flag(p, "json")) {
      printJson(transitions);
      return EXIT.OK;
    }
    const style = makeStyle();
    const rows = transitions.map((t) => [
      String(t.seq),
      timestamp(t.at),
      t.event,
      `${t.from || style.dim("(new)")} → ${t.to}`,
      t.payload === null ? "" : style.dim(compact(t.payload)),
    ]);
    const width = process.stdout.isTTY ? process.stdout.columns : undefined;
    print(table(["#", "TIME", "EVENT", "STATE", "PAYLOAD"], rows, style, width));
    return EXIT.OK;
  },
};
