import type { JobView } from "../job-view.ts";
import { buttonList } from "./show.ts";
import { bar, type Style } from "./style.ts";

export interface WatchModel {
  job: JobView;
  children: JobView[];
  /** A one-line note under the view: what the last key press did, or an error. */
  status: string;
  /** Whether key presses are read (a terminal on stdin). */
  keys: boolean;
}

/** The job that asks a question now: the watched job first, then its children in order. */
export const askingJob = (m: Pick<WatchModel, "job" | "children">): JobView | undefined =>
  [m.job, ...m.children].find((j) => j.prompt !== null && j.state === "waiting");

const label = (job: JobView): string => job.description || job.type;

/** The live view, one string per line. `maxLines` keeps it within the terminal's height. */
export function renderWatch(m: WatchModel, style: Style, width: number, maxLines = 40): string[] {
  const { job } = m;
  const barWidth = Math.max(10, Math.min(40, width - 40));
  const lines = [
    `${style.bold(label(job))} ${style.dim(`${job.type} ${job.id}`)}`,
    `${bar(job.progress.percent, barWidth, style, job.state)}  ${style.state(job.state)}  ${job.progress.message}`,
  ];
  const ask = askingJob(m);
  const promptLines: string[] = [];
  if (ask?.prompt) {
    const who = ask.id === job.id ? "" : style.dim(` (${label(ask)})`);
    promptLines.push("", `${style.magenta("?")} ${style.bold(ask.prompt.message)}${who}`, `  ${buttonList(ask.prompt, style)}`);
    if (m.keys) {
      const n = Math.min(9, ask.prompt.buttons.length);
      promptLines.push(style.dim(`  press ${n === 1 ? "1" : `1-${n}`} to answer`));
    } else {
      promptLines.push(style.dim(`  answer with: jobd answer ${ask.id} N`));
    }
  }
  const footer = [m.status, m.keys ? style.dim("q: stop watching (the job carries on)") : ""].filter(Boolean);
  if (m.children.length > 0) {
    const room = Math.max(1, maxLines - lines.length - promptLines.length - footer.length - 1);
    const shown = m.children.length <= room ? m.children : m.children.slice(0, room - 1);
    const childBar = Math.max(8, Math.round(barWidth / 2));
    shown.forEach((c, i) => {
      const branch = i === m.children.length - 1 ? "└─" : "├─";
      lines.push(`  ${style.dim(branch)} ${bar(c.progress.percent, childBar, style, c.state)}  ${style.state(c.state.padEnd(10))} ${label(c)}  ${style.dim(c.progress.message)}`);
    });
    if (shown.length < m.children.length) {
      const rest = m.children.slice(shown.length);
      const done = rest.filter((c) => c.state === "succeeded").length;
      lines.push(`  ${style.dim(`└─ … ${rest.length} more (${done} succeeded)`)}`);
    }
  }
  lines.push(...promptLines);
  if (footer.length > 0) lines.push("", ...footer);
  return lines;
}

/** A line per change, for logs and pipes: the key that decides whether anything changed. */
export const changeKey = (j: JobView): string => `${j.state}|${Math.round(j.progress.percent)}|${j.progress.message}|${j.prompt?.message ?? ""}`;

export function changeLine(j: JobView, root: JobView, style: Style): string {
  const who = j.id === root.id ? "" : `  ${style.dim(`child ${label(j)}`)}`;
  const time = new Date().toISOString().slice(11, 19);
  const prompt = j.prompt && j.state === "waiting" ? `  ${style.magenta("?")} ${j.prompt.message} ${buttonList(j.prompt, style)}  ${style.dim(`(jobd answer ${j.id} N)`)}` : "";
  return `${style.dim(time)} ${style.state(j.state.padEnd(10))} ${`${Math.round(j.progress.percent)}%`.padStart(4)}  ${j.progress.message}${who}${prompt}`;
}
