/**
 * Logs: one JSON object per line on stdout (time, level, msg, fields), filtered by level. On a terminal
 * the same events read as plain text instead.
 */
export type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
}

export function formatJson(level: Level, msg: string, fields: Record<string, unknown>, at = new Date()): string {
  return `${JSON.stringify({ time: at.toISOString(), level, msg, ...fields })}\n`;
}

export function formatHuman(level: Level, msg: string, fields: Record<string, unknown>, at = new Date()): string {
  const extra = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${at.toISOString().slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg}${extra ? ` ${extra}` : ""}\n`;
}

export function createLogger(
  min: Level,
  write: (line: string) => void = (l) => process.stdout.write(l),
  human = process.stdout.isTTY === true,
): Logger {
  const format = human ? formatHuman : formatJson;
  return {
    log(level, msg, fields = {}) {
      if (ORDER[level] < ORDER[min]) return;
      write(format(level, msg, fields));
    },
  };
}
