import { writeFileSync } from "node:fs";
import { CLIENT_OPTIONS, clientFrom, JSON_OPTION } from "./client.ts";
import { flag, HELP, oneOf, parse, str, type Command } from "./command.ts";
import { CliError, EXIT, usageError } from "./exit-codes.ts";
import { print, printJson } from "./job-output.ts";
import { makeStyle, table } from "./style.ts";

const FORMATS = ["json", "mermaid", "svg"] as const;

const options = {
  format: { type: "string", value: "FORMAT", help: "export as json (default), mermaid or svg", choices: FORMATS },
  quiet: { type: "boolean", short: "q", help: "ls: print only the kinds, one a line" },
  output: { type: "string", short: "o", value: "FILE", help: "write the export to FILE instead of stdout" },
  ...JSON_OPTION,
  ...CLIENT_OPTIONS,
  ...HELP,
} as const;

interface MachineSummary {
  kind: string;
  version: string;
  description: string;
}

/** The list route's entries, whether the server sends names or objects, bare or under a key. */
function summaries(body: unknown): MachineSummary[] {
  const list = Array.isArray(body)
    ? body
    : typeof body === "object" && body !== null
      ? (Object.values(body).find(Array.isArray) ?? [])
      : [];
  return (list as unknown[]).map((m) => {
    if (typeof m === "string") return { kind: m, version: "", description: "" };
    const o = (typeof m === "object" && m !== null ? m : {}) as Record<string, unknown>;
    const text = (k: string) => (o[k] === undefined || o[k] === null ? "" : String(o[k]));
    return { kind: text("kind") || text("name") || text("id"), version: text("version"), description: text("description") || text("title") };
  });
}

export const machines: Command = {
  name: "machines",
  summary: "List the job kinds' statecharts, or export one as JSON, Mermaid or SVG.",
  args: "ls | export KIND",
  complete: ["ls", "export"],
  options,
  details: [
    "jobd machines ls                          the kinds the server knows (GET /api/v1/machines)",
    "jobd machines export script --format svg -o script.svg",
    "                                          one kind's graph (GET /api/v1/machines/KIND?format=…)",
  ].join("\n"),
  async run(argv) {
    const p = parse(machines, argv, { min: 1, max: 2 });
    const [sub, kind] = p.positionals as [string, string | undefined];
    const client = clientFrom(p);
    if (sub === "ls" || sub === "list") {
      if (kind !== undefined) throw usageError(`unexpected argument ${JSON.stringify(kind)}`);
      const body = await client.get<unknown>("/api/v1/machines");
      if (flag(p, "json")) printJson(body);
      else if (flag(p, "quiet")) {
        const kinds = summaries(body).map((m) => m.kind);
        if (kinds.length > 0) print(kinds.join("\n"));
      } else {
        const rows = summaries(body).map((m) => [m.kind, m.version, m.description]);
        print(table(["KIND", "VERSION", "DESCRIPTION"], rows, makeStyle()));
      }
      return EXIT.OK;
    }
    if (sub !== "export") throw usageError(`unknown machines command ${JSON.stringify(sub)} (use ls or export)`);
    if (kind === undefined) throw usageError("missing KIND (see jobd machines ls)");
    const format = oneOf(str(p, "format") ?? "json", FORMATS, "--format");
    const res = await client.send("GET", `/api/v1/machines/${encodeURIComponent(kind)}?format=${format}`);
    const text = await res.text();
    const out = str(p, "output");
    if (out === undefined) print(text);
    else {
      try {
        writeFileSync(out, text.endsWith("\n") ? text : `${text}\n`);
      } catch (error) {
        throw new CliError(`cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, EXIT.USAGE);
      }
      process.stderr.write(`wrote ${kind} as ${format} to ${out}\n`);
    }
    return EXIT.OK;
  },
};
