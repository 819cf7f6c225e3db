import { readFileSync } from "node:fs";
import { usageError } from "./exit-codes.ts";

/** Reads a JSON flag value: inline JSON, `@path` for a file, or `@-` for standard input. */
export function readJsonArg(value: string, flag: string): unknown {
  let text = value;
  if (value.startsWith("@")) {
    const path = value.slice(1);
    try {
      text = path === "-" ? readFileSync(0, "utf8") : readFileSync(path, "utf8");
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
      throw usageError(`${flag}: cannot read ${path === "-" ? "standard input" : JSON.stringify(path)} (${why})`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const where = value.startsWith("@") ? ` in ${value.slice(1) === "-" ? "standard input" : value.slice(1)}` : "";
    throw usageError(`${flag} is not valid JSON${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
