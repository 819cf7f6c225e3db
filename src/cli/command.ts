import { parseArgs } from "node:util";
import { EXIT, usageError } from "./exit-codes.ts";

/** One flag of a subcommand: its type, help line, and what completion may offer for its value. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  help: string;
  /** Placeholder shown in help, e.g. `JSON|@file`. */
  value?: string;
  /** Fixed values, offered by shell completion and checked by `oneOf`. */
  choices?: readonly string[];
  /** The environment variable that supplies the default. */
  env?: string;
}

export type Options = Record<string, OptionSpec>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** A subcommand: its help, its flags, and what it does. `run` returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  /** Positional arguments as shown in help, e.g. `ID BUTTON`. */
  args: string;
  /** What shell completion offers for the first positional argument. */
  complete?: "job-id" | "file" | readonly string[];
  options: Options;
  /** Extra help text printed after the options. */
  details?: string;
  run(argv: string[]): Promise<number>;
}

export const HELP: Options = { help: { type: "boolean", short: "h", help: "show this help" } };

export function helpText(command: Pick<Command, "name" | "summary" | "args" | "options" | "details">): string {
  const rows = Object.entries(command.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`;
    const env = o.env ? ` (env ${o.env})` : "";
    return `  ${flag.padEnd(30)} ${o.help}${env}`;
  });
  const usage = `Usage: jobd ${command.name}${command.args ? ` ${command.args}` : ""} [options]`;
  return [usage, "", command.summary, "", "Options:", ...rows, ...(command.details ? ["", command.details] : [])].join("\n");
}

/**
 * Parses argv against the command's flags. Unknown flags, missing values and a wrong number of
 * positional arguments are usage errors (exit 2).
 */
export function parse(command: Pick<Command, "options">, argv: string[], positionals: { min: number; max: number }): Parsed {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(command.options).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageError(error instanceof Error ? error.message.split("\n")[0]! : String(error));
  }
  const values = parsed.values as Parsed["values"];
  if (values.help !== true) {
    if (parsed.positionals.length < positionals.min) throw usageError("missing argument");
    if (parsed.positionals.length > positionals.max) {
      throw usageError(`unexpected argument ${JSON.stringify(parsed.positionals[positionals.max])}`);
    }
  }
  return { values, positionals: parsed.positionals };
}

export const str = (p: Parsed, name: string): string | undefined => {
  const v = p.values[name];
  return typeof v === "string" ? v : undefined;
};

export const flag = (p: Parsed, name: string): boolean => p.values[name] === true;

export function oneOf<T extends string>(value: string, choices: readonly T[], what: string): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw usageError(`${what} must be one of ${choices.join(", ")}, not ${JSON.stringify(value)}`);
}

export function positiveInt(value: string, what: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > max) {
    throw usageError(`${what} must be a whole number from 1 to ${max}, not ${JSON.stringify(value)}`);
  }
  return n;
}

export { EXIT };
