import type { JobState } from "../job-view.ts";

/**
 * Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org) or TERM is dumb.
 * FORCE_COLOR=1 turns it on regardless, for people who pipe into `less -R`.
 */
export function colourEnabled(stream: { isTTY?: boolean } = process.stdout, env = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}

export type Paint = (text: string) => string;

export interface Style {
  on: boolean;
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  blue: Paint;
  cyan: Paint;
  magenta: Paint;
  state(state: string): string;
}

const sgr = (on: boolean, open: number, close: number): Paint =>
  on ? (text) => `\x1b[${open}m${text}\x1b[${close}m` : (text) => text;

export function makeStyle(on = colourEnabled()): Style {
  const s = {
    on,
    bold: sgr(on, 1, 22),
    dim: sgr(on, 2, 22),
    red: sgr(on, 31, 39),
    green: sgr(on, 32, 39),
    yellow: sgr(on, 33, 39),
    blue: sgr(on, 34, 39),
    magenta: sgr(on, 35, 39),
    cyan: sgr(on, 36, 39),
  };
  const byState: Record<JobState, Paint> = {
    queued: s.dim,
    running: s.blue,
    waiting: s.magenta,
    cancelling: s.yellow,
    succeeded: s.green,
    failed: s.red,
    canceled: s.yellow,
  };
  return { ...s, state: (state) => (byState[state as JobState] ?? ((t: string) => t))(state) };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export const visibleLength = (text: string): number => [...text.replace(ANSI, "")].length;

/** Cuts `text` to `width` visible characters, keeping colour codes intact and closing them. */
export function truncate(text: string, width: number): string {
  if (visibleLength(text) <= width) return text;
  let out = "";
  let shown = 0;
  for (let i = 0; i < text.length; ) {
    ANSI.lastIndex = i;
    const m = text[i] === "\x1b" ? ANSI.exec(text) : null;
    if (m && m.index === i) {
      out += m[0];
      i += m[0].length;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    if (shown < width - 1) out += ch;
    else if (shown === width - 1) out += "…";
    shown++;
    i += ch.length;
  }
  return text.includes("\x1b[") ? `${out}\x1b[0m` : out;
}

/** A left-aligned table with a header row; the last column is cut to the terminal width. */
export function table(header: string[], rows: string[][], style: Style, width?: number): string {
  const widths = header.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ""))));
  const line = (cells: string[]) => {
    const text = cells
      .map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat(widths[i]! - visibleLength(c))))
      .join("  ")
      .trimEnd();
    return width ? truncate(text, width) : text;
  };
  return [style.bold(line(header)), ...rows.map(line)].join("\n");
}

/** `[██████░░░░]  60%` in `width` cells. */
export function bar(percent: number, width: number, style: Style, state?: string): string {
  const p = Math.max(0, Math.min(100, Number.isFinite(percent) ? percent : 0));
  const full = Math.round((p / 100) * width);
  const paint = state === "failed" ? style.red : state === "succeeded" ? style.green : state === "canceled" ? style.yellow : style.cyan;
  const cells = style.on ? paint("█".repeat(full)) + style.dim("░".repeat(width - full)) : "#".repeat(full) + "-".repeat(width - full);
  return `[${cells}] ${`${Math.round(p)}%`.padStart(4)}`;
}

/** `4s ago`, `3m ago`, `2h ago`, `5d ago`; a future time reads `in 3m`. */
export function age(ms: number, now = Date.now()): string {
  const d = now - ms;
  const a = Math.abs(d);
  const text =
    a < 1000 ? "now" : a < 60_000 ? `${Math.floor(a / 1000)}s` : a < 3_600_000 ? `${Math.floor(a / 60_000)}m` : a < 86_400_000 ? `${Math.floor(a / 3_600_000)}h` : `${Math.floor(a / 86_400_000)}d`;
  if (text === "now") return text;
  return d >= 0 ? `${text} ago` : `in ${text}`;
}

export const timestamp = (ms: number | null): string => (ms === null ? "-" : new Date(ms).toISOString());

/** Compact one-line JSON for table cells. */
export const compact = (value: unknown): string => (value === undefined ? "" : JSON.stringify(value) ?? "");
