import { SERVE_OPTIONS } from "../config.ts";
import { answer } from "./answer.ts";
import { backup } from "./backup.ts";
import { cancel } from "./cancel.ts";
import { HELP, helpText, type Command, type Options } from "./command.ts";
import { completionCommand } from "./completion.ts";
import { CliError, EXIT } from "./exit-codes.ts";
import { logs } from "./logs.ts";
import { ls } from "./ls.ts";
import { machines } from "./machines.ts";
import { migrate } from "./migrate.ts";
import { serve } from "./serve.ts";
import { show } from "./show.ts";
import { submit } from "./submit.ts";
import { version } from "./version.ts";
import { watch } from "./watch.ts";
import { whoami } from "./whoami.ts";

/** `jobd serve` keeps its own parser and help (src/config.ts); this entry lists it and completes its flags. */
const serveCommand: Command = {
  name: "serve",
  summary: "Run the server.",
  args: "",
  options: {
    ...(Object.fromEntries(
      Object.entries(SERVE_OPTIONS).map(([name, o]) => [name, { type: "string", value: name === "db" ? "FILE" : "VALUE", help: o.help, env: o.env }]),
    ) as Options),
    demo: { type: "boolean", help: "seed demo jobs to watch", env: "JOBD_DEMO" },
    ...HELP,
  },
  run: serve,
};

const COMMANDS: Command[] = [
  serveCommand,
  submit,
  ls,
  show,
  watch,
  answer,
  cancel,
  logs,
  machines,
  migrate,
  backup,
  whoami,
  completionCommand(() => COMMANDS),
  version,
];

function usage(): string {
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(11)} ${c.summary}`);
  return [
    "Usage: jobd <command> [options]",
    "",
    "Commands:",
    ...rows,
    "",
    "Client commands talk to --url (env JOBD_URL, default http://127.0.0.1:8080) with --token (env JOBD_TOKEN).",
    "Exit codes: 0 ok, 1 job failed or canceled, 2 usage, 3 not found or unreachable, 4 server error.",
    "Run `jobd <command> --help` for a command's options.",
  ].join("\n");
}

const wantsHelp = (argv: string[]): boolean => {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === "--help" || a === "-h");
};

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.error(usage());
    return EXIT.USAGE;
  }
  if (name === "help" || name === "--help" || name === "-h") {
    const about = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
    if (rest[0] !== undefined && !about) {
      console.error(`jobd: unknown command ${JSON.stringify(rest[0])}\n\n${usage()}`);
      return EXIT.USAGE;
    }
    if (about === serveCommand) return serve(["--help"]);
    console.log(about ? helpText(about) : usage());
    return EXIT.OK;
  }
  if (name === "--version" || name === "-v") return version.run([]);
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`jobd: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return EXIT.USAGE;
  }
  if (command !== serveCommand && wantsHelp(rest)) {
    console.log(helpText(command));
    return EXIT.OK;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`jobd ${command.name}: ${error.message}`);
      if (error.showUsage) console.error(`Run \`jobd ${command.name} --help\` for usage.`);
      return error.exitCode;
    }
    console.error(`jobd ${command.name}: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.SERVER_ERROR;
  }
}
